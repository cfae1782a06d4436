#include "observability/PrometheusText.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace sluice::observability {
namespace {

// Every form below is the shortest text that reads back to the same double. Whole numbers below 2^53
// (exact in a double) print as integers, so counters read 1048576 rather than 1.048576e+06; other
// values of ordinary size print in fixed notation (0.0005, 1700000000.5) rather than the 5e-04 or
// 1.7000000005e+09 that the shortest-of-all or %g forms choose; only tiny or huge values get an
// exponent.
void append_number(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  char text[48];  // the longest fixed form below 1e21: 21 digits, a point, 17 more, a sign
  std::to_chars_result written{};
  if (value == std::trunc(value) && std::fabs(value) < 9007199254740992.0) {
    written = std::to_chars(std::begin(text), std::end(text), static_cast<std::int64_t>(value));
  } else if (std::fabs(value) >= 1e-4 && std::fabs(value) < 1e21) {
    written = std::to_chars(std::begin(text), std::end(text), value, std::chars_format::fixed);
  } else {
    written = std::to_chars(std::begin(text), std::end(text), value, std::chars_format::general);
  }
  out.append(text, written.ptr);
}

void append_label_value(std::string& out, std::string_view value) {
  for (const char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out.push_back(c);
    }
  }
}

// HELP text escapes only backslash and newline; a quote stands for itself there.
void append_help_text(std::string& out, std::string_view help) {
  for (const char c : help) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default: out.push_back(c);
    }
  }
}

std::string_view type_name(MetricKind kind) {
  switch (kind) {
    case MetricKind::kCounter: return "counter";
    case MetricKind::kGauge: return "gauge";
    case MetricKind::kHistogram: return "histogram";
  }
  return "untyped";
}

// One sample line: name{labels[,le="bound"]} value
void append_sample(std::string& out, std::string_view name, std::string_view suffix,
                   const MetricLabels& labels, std::optional<double> le, double value) {
  out += name;
  out += suffix;
  if (!labels.empty() || le) {
    out.push_back('{');
    bool first = true;
    for (const auto& [label, label_value] : labels) {
      if (!first) out.push_back(',');
      first = false;
      out += label;
      out += "=\"";
      append_label_value(out, label_value);
      out.push_back('"');
    }
    if (le) {
      if (!first) out.push_back(',');
      out += "le=\"";
      append_number(out, *le);
      out.push_back('"');
    }
    out.push_back('}');
  }
  out.push_back(' ');
  append_number(out, value);
  out.push_back('\n');
}

void append_histogram(std::string& out, std::string_view name, const MetricPoint& point) {
  const HistogramValue& histogram = point.histogram;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < histogram.upper_bounds.size(); ++i) {
    if (i < histogram.bucket_counts.size()) cumulative += histogram.bucket_counts[i];
    append_sample(out, name, "_bucket", point.labels, histogram.upper_bounds[i],
                  static_cast<double>(cumulative));
  }
  if (histogram.bucket_counts.size() > histogram.upper_bounds.size())
    cumulative += histogram.bucket_counts.back();
  append_sample(out, name, "_bucket", point.labels, std::numeric_limits<double>::infinity(),
                static_cast<double>(cumulative));
  append_sample(out, name, "_sum", point.labels, std::nullopt, histogram.sum);
  // _count is the +Inf bucket by definition; deriving it keeps the two equal in every render.
  append_sample(out, name, "_count", point.labels, std::nullopt, static_cast<double>(cumulative));
}

void append_family(std::string& out, const MetricFamily& family) {
  out += "# HELP ";
  out += family.name;
  out.push_back(' ');
  append_help_text(out, family.help);
  out += "\n# TYPE ";
  out += family.name;
  out.push_back(' ');
  out += type_name(family.kind);
  out.push_back('\n');

  std::vector<const MetricPoint*> points;
  for (const MetricPoint& point : family.points) points.push_back(&point);
  std::sort(points.begin(), points.end(),
            [](const MetricPoint* a, const MetricPoint* b) { return a->labels < b->labels; });
  for (const MetricPoint* point : points) {
    if (family.kind == MetricKind::kHistogram) {
      append_histogram(out, family.name, *point);
    } else {
      append_sample(out, family.name, "", point->labels, std::nullopt, point->value);
    }
  }
}

}  // namespace

std::string render_prometheus(const MetricsSnapshot& snapshot) {
  std::vector<const MetricFamily*> families;
  for (const MetricFamily& family : snapshot.families) families.push_back(&family);
  std::sort(families.begin(), families.end(),
            [](const MetricFamily* a, const MetricFamily* b) { return a->name < b->name; });
  std::string out;
  out.reserve(8192);
  for (const MetricFamily* family : families) append_family(out, *family);
  return out;
}

}  // namespace sluice::observability
