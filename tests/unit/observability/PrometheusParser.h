// PrometheusParser: a strict reader of the Prometheus text exposition format 0.0.4, for tests.
//
// It reads what the format allows (HELP and TYPE lines, other comments, empty lines, blanks and
// tabs between tokens, a trailing comma in a label set, an optional timestamp) and checks what
// Sluice's renderer promises on top: every sample follows a TYPE line for its family; a family's
// lines are contiguous and its HELP/TYPE come before its samples; no series appears twice; counters
// end in _total and are never negative; histograms have increasing `le` bounds ending in +Inf,
// cumulative non-decreasing counts, exactly one _sum and _count, and a +Inf bucket equal to _count.
// Only the types Sluice renders (counter, gauge, histogram) are accepted. The first violation
// throws PrometheusParseError naming the line.
#pragma once

#include "observability/MetricsSnapshot.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::observability::testing {

class PrometheusParseError : public std::runtime_error {
 public:
  PrometheusParseError(std::size_t line, const std::string& message)
      : std::runtime_error("line " + std::to_string(line) + ": " + message), line_(line) {}
  std::size_t line() const { return line_; }

 private:
  std::size_t line_;
};

struct ParsedSample {
  std::string name;     // as written, e.g. sluice_request_duration_seconds_bucket
  MetricLabels labels;  // as written, escapes undone
  double value = 0;
  std::size_t line = 0;
};

struct ParsedFamily {
  std::string name;
  std::string type;  // empty until its TYPE line
  std::optional<std::string> help;
  std::vector<ParsedSample> samples;
  std::size_t line = 0;  // where the family began
};

struct ParsedExposition {
  std::vector<ParsedFamily> families;

  const ParsedFamily* family(std::string_view name) const {
    for (const ParsedFamily& candidate : families) {
      if (candidate.name == name) return &candidate;
    }
    return nullptr;
  }

  // The value of the sample with this name and exactly these labels, in any order.
  std::optional<double> value(std::string_view sample_name, MetricLabels labels = {}) const {
    std::sort(labels.begin(), labels.end());
    for (const ParsedFamily& candidate : families) {
      for (const ParsedSample& sample : candidate.samples) {
        MetricLabels sample_labels = sample.labels;
        std::sort(sample_labels.begin(), sample_labels.end());
        if (sample.name == sample_name && sample_labels == labels) return sample.value;
      }
    }
    return std::nullopt;
  }
};

namespace detail {

inline bool is_name_start(char c, bool allow_colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
}

inline bool is_name_char(char c, bool allow_colon) {
  return is_name_start(c, allow_colon) || (c >= '0' && c <= '9');
}

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

inline bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t code = 0;
    if (lead < 0x80) {
      length = 1;
      code = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code = lead & 0x1Fu;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code = lead & 0x0Fu;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code = lead & 0x07u;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3Fu);
    }
    const bool overlong =
        (length == 2 && code < 0x80) || (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
    if (overlong || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

// A sample value or le bound: a decimal float, +Inf, -Inf or NaN; nothing looser (no "inf", hex).
inline std::optional<double> parse_number(std::string_view token) {
  if (token == "+Inf") return std::numeric_limits<double>::infinity();
  if (token == "-Inf") return -std::numeric_limits<double>::infinity();
  if (token == "NaN") return std::numeric_limits<double>::quiet_NaN();
  std::size_t i = 0;
  if (i < token.size() && (token[i] == '+' || token[i] == '-')) ++i;
  const std::size_t mantissa_start = i;
  std::size_t digits = 0;
  while (i < token.size() && is_digit(token[i])) ++i, ++digits;
  if (i < token.size() && token[i] == '.') {
    ++i;
    while (i < token.size() && is_digit(token[i])) ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    if (i < token.size() && (token[i] == '+' || token[i] == '-')) ++i;
    std::size_t exponent_digits = 0;
    while (i < token.size() && is_digit(token[i])) ++i, ++exponent_digits;
    if (exponent_digits == 0) return std::nullopt;
  }
  if (i != token.size()) return std::nullopt;
  double value = 0;
  const char* first = token.data() + mantissa_start;
  const auto [end, error] = std::from_chars(first, token.data() + token.size(), value);
  if (error != std::errc() || end != token.data() + token.size()) return std::nullopt;
  return token[0] == '-' ? -value : value;
}

// One line's characters, read left to right.
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : text_(text) {}
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  void advance() { ++pos_; }
  bool consume(char c) {
    if (peek() != c || at_end()) return false;
    ++pos_;
    return true;
  }
  // Returns how many blanks and tabs were skipped.
  std::size_t skip_blanks() {
    const std::size_t start = pos_;
    while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
    return pos_ - start;
  }
  std::string_view name(bool allow_colon) {
    const std::size_t start = pos_;
    if (!at_end() && is_name_start(text_[pos_], allow_colon)) {
      ++pos_;
      while (!at_end() && is_name_char(text_[pos_], allow_colon)) ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }
  std::string_view token() {
    const std::size_t start = pos_;
    while (!at_end() && text_[pos_] != ' ' && text_[pos_] != '\t') ++pos_;
    return text_.substr(start, pos_ - start);
  }
  std::string_view rest() {
    const std::string_view rest = text_.substr(std::min(pos_, text_.size()));
    pos_ = text_.size();
    return rest;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

class StrictPrometheusParser {
 public:
  explicit StrictPrometheusParser(std::string_view text) : text_(text) {}

  ParsedExposition parse() {
    std::size_t pos = 0;
    while (pos < text_.size()) {
      ++line_;
      const std::size_t end = text_.find('\n', pos);
      if (end == std::string_view::npos) fail("the last line does not end with a newline");
      parse_line(text_.substr(pos, end - pos));
      pos = end + 1;
    }
    close_family();
    return std::move(result_);
  }

 private:
  [[noreturn]] void fail(const std::string& message) const { throw PrometheusParseError(line_, message); }
  [[noreturn]] static void fail_at(std::size_t line, const std::string& message) {
    throw PrometheusParseError(line, message);
  }

  ParsedFamily* current() { return current_ ? &result_.families[*current_] : nullptr; }

  void parse_line(std::string_view line) {
    if (line.find('\r') != std::string_view::npos) fail("carriage return in line");
    LineCursor cursor(line);
    cursor.skip_blanks();
    if (cursor.at_end()) return;  // the format ignores empty lines
    if (cursor.consume('#')) {
      parse_comment(cursor);
    } else {
      parse_sample(cursor);
    }
  }

  void parse_comment(LineCursor& cursor) {
    cursor.skip_blanks();
    const std::string_view keyword = cursor.token();
    if (keyword != "HELP" && keyword != "TYPE") return;  // any other comment is ignored
    if (cursor.skip_blanks() == 0) fail("expected a metric name after # " + std::string(keyword));
    const std::string name(cursor.name(true));
    if (name.empty()) fail("invalid metric name in # " + std::string(keyword));
    if (keyword == "HELP") {
      if (!cursor.at_end() && cursor.skip_blanks() == 0) fail("invalid metric name in # HELP");
      read_help(family_for_metadata(name), cursor.rest());
    } else {
      if (cursor.skip_blanks() == 0) fail("expected a type after # TYPE " + name);
      const std::string type(cursor.token());
      cursor.skip_blanks();
      if (!cursor.at_end()) fail("unexpected text after # TYPE " + name + " " + type);
      read_type(family_for_metadata(name), type);
    }
  }

  // The family a HELP or TYPE line for `name` describes: the current one, or a new one.
  ParsedFamily& family_for_metadata(const std::string& name) {
    if (ParsedFamily* family = current(); family && family->name == name) {
      if (!family->samples.empty()) fail("HELP or TYPE for " + name + " after its samples");
      return *family;
    }
    if (seen_families_.count(name) != 0) {
      fail("family " + name + " appears again; a family's lines must be contiguous");
    }
    close_family();
    seen_families_.insert(name);
    result_.families.push_back({name, "", std::nullopt, {}, line_});
    current_ = result_.families.size() - 1;
    return result_.families.back();
  }

  void read_help(ParsedFamily& family, std::string_view text) {
    if (family.help) fail("second HELP line for " + family.name);
    std::string help;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '\\') {
        help.push_back(text[i]);
        continue;
      }
      if (++i == text.size()) fail("HELP for " + family.name + " ends in a lone backslash");
      if (text[i] == '\\') {
        help.push_back('\\');
      } else if (text[i] == 'n') {
        help.push_back('\n');
      } else {
        fail(std::string("invalid escape \\") + text[i] + " in HELP for " + family.name);
      }
    }
    if (!is_valid_utf8(help)) fail("HELP for " + family.name + " is not valid UTF-8");
    family.help = std::move(help);
  }

  void read_type(ParsedFamily& family, const std::string& type) {
    if (!family.type.empty()) fail("second TYPE line for " + family.name);
    if (type != "counter" && type != "gauge" && type != "histogram") {
      fail("type '" + type + "' for " + family.name + " is not one Sluice renders");
    }
    if (type == "counter" && !ends_with(family.name, "_total")) {
      fail("counter " + family.name + " does not end in _total");
    }
    family.type = type;
  }

  void parse_sample(LineCursor& cursor) {
    ParsedSample sample;
    sample.line = line_;
    sample.name = cursor.name(true);
    if (sample.name.empty()) fail("invalid metric name at the start of a sample");
    std::size_t blanks = cursor.skip_blanks();
    if (cursor.peek() == '{') {
      sample.labels = parse_labels(cursor);
      blanks = cursor.skip_blanks();
    }
    if (blanks == 0) fail("expected a blank before the value of " + sample.name);
    const std::string_view value = cursor.token();
    const std::optional<double> number = parse_number(value);
    if (!number) fail("invalid sample value '" + std::string(value) + "'");
    sample.value = *number;
    cursor.skip_blanks();
    if (!cursor.at_end()) parse_timestamp(cursor);
    add_to_family(std::move(sample));
  }

  void parse_timestamp(LineCursor& cursor) {
    const std::string_view timestamp = cursor.token();
    std::size_t i = timestamp.size() > 0 && timestamp[0] == '-' ? 1 : 0;
    if (i == timestamp.size()) fail("invalid timestamp '" + std::string(timestamp) + "'");
    for (; i < timestamp.size(); ++i) {
      if (!is_digit(timestamp[i])) fail("invalid timestamp '" + std::string(timestamp) + "'");
    }
    cursor.skip_blanks();
    if (!cursor.at_end()) fail("unexpected text after the timestamp");
  }

  MetricLabels parse_labels(LineCursor& cursor) {
    cursor.consume('{');
    MetricLabels labels;
    cursor.skip_blanks();
    while (!cursor.consume('}')) {
      const std::string name(cursor.name(false));
      if (name.empty()) fail("invalid label name");
      if (name.rfind("__", 0) == 0) fail("label name " + name + " is reserved (starts with __)");
      for (const auto& existing : labels) {
        if (existing.first == name) fail("label " + name + " appears twice");
      }
      cursor.skip_blanks();
      if (!cursor.consume('=')) fail("expected = after label name " + name);
      cursor.skip_blanks();
      if (!cursor.consume('"')) fail("expected a quoted value for label " + name);
      labels.emplace_back(name, parse_label_value(cursor, name));
      cursor.skip_blanks();
      if (cursor.consume(',')) {
        cursor.skip_blanks();
      } else if (cursor.peek() != '}' || cursor.at_end()) {
        fail("expected , or } after label " + name);
      }
    }
    return labels;
  }

  std::string parse_label_value(LineCursor& cursor, const std::string& label) {
    std::string value;
    while (true) {
      if (cursor.at_end()) fail("unterminated value for label " + label);
      const char c = cursor.peek();
      cursor.advance();
      if (c == '"') break;
      if (c != '\\') {
        value.push_back(c);
        continue;
      }
      if (cursor.at_end()) fail("unterminated value for label " + label);
      const char escaped = cursor.peek();
      cursor.advance();
      if (escaped == '\\' || escaped == '"') {
        value.push_back(escaped);
      } else if (escaped == 'n') {
        value.push_back('\n');
      } else {
        fail(std::string("invalid escape \\") + escaped + " in value for label " + label);
      }
    }
    if (!is_valid_utf8(value)) fail("value for label " + label + " is not valid UTF-8");
    return value;
  }

  void add_to_family(ParsedSample sample) {
    ParsedFamily* family = current();
    if (!family || family->type.empty()) {
      fail("sample " + sample.name + " before a TYPE line for its family");
    }
    check_sample_belongs(*family, sample);
    MetricLabels key = sample.labels;
    std::sort(key.begin(), key.end());
    if (!series_.insert({sample.name, std::move(key)}).second) {
      fail("series " + sample.name + " appears twice with the same labels");
    }
    family->samples.push_back(std::move(sample));
  }

  void check_sample_belongs(const ParsedFamily& family, const ParsedSample& sample) {
    const bool has_le = std::any_of(sample.labels.begin(), sample.labels.end(),
                                    [](const auto& label) { return label.first == "le"; });
    if (family.type != "histogram") {
      if (sample.name != family.name) {
        fail("sample " + sample.name + " does not belong to the " + family.type + " " + family.name);
      }
      if (family.type == "counter" && !(sample.value >= 0)) {
        fail("counter " + sample.name + " is negative or NaN");
      }
      return;
    }
    if (sample.name == family.name + "_bucket") {
      if (!has_le) fail("bucket of " + family.name + " without an le label");
      check_count(sample);
    } else if (sample.name == family.name + "_count") {
      if (has_le) fail(sample.name + " has an le label");
      check_count(sample);
    } else if (sample.name == family.name + "_sum") {
      if (has_le) fail(sample.name + " has an le label");
    } else {
      fail("sample " + sample.name + " does not belong to the histogram " + family.name);
    }
  }

  void check_count(const ParsedSample& sample) {
    if (!(sample.value >= 0) || std::isinf(sample.value) || sample.value != std::floor(sample.value)) {
      fail(sample.name + " is not a non-negative whole number");
    }
  }

  void close_family() {
    const ParsedFamily* family = current();
    current_.reset();
    if (!family) return;
    if (family->type.empty()) fail_at(family->line, "family " + family->name + " has no TYPE line");
    if (family->type == "histogram") check_histogram(*family);
  }

  // One label set's buckets, sum and count, checked together once the family is complete.
  struct HistogramSeries {
    std::vector<const ParsedSample*> buckets;  // in written order
    const ParsedSample* sum = nullptr;
    const ParsedSample* count = nullptr;
    std::size_t line = 0;
  };

  static void check_histogram(const ParsedFamily& family) {
    std::vector<std::pair<MetricLabels, HistogramSeries>> groups;
    for (const ParsedSample& sample : family.samples) {
      MetricLabels key;
      for (const auto& label : sample.labels) {
        if (label.first != "le") key.push_back(label);
      }
      std::sort(key.begin(), key.end());
      auto group = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == key; });
      if (group == groups.end()) {
        groups.push_back({std::move(key), HistogramSeries{{}, nullptr, nullptr, sample.line}});
        group = groups.end() - 1;
      }
      if (sample.name == family.name + "_bucket") group->second.buckets.push_back(&sample);
      if (sample.name == family.name + "_sum") group->second.sum = &sample;
      if (sample.name == family.name + "_count") group->second.count = &sample;
    }
    for (const auto& group : groups) check_histogram_series(family.name, group.second);
  }

  static void check_histogram_series(const std::string& name, const HistogramSeries& series) {
    if (series.buckets.empty()) fail_at(series.line, name + " has a series without buckets");
    double previous_bound = -std::numeric_limits<double>::infinity();
    double previous_count = 0;
    for (const ParsedSample* bucket : series.buckets) {
      const double bound = le_of(*bucket);
      if (!(bound > previous_bound)) fail_at(bucket->line, name + " le bounds do not increase");
      if (bucket->value < previous_count) fail_at(bucket->line, name + " bucket counts are not cumulative");
      previous_bound = bound;
      previous_count = bucket->value;
    }
    const ParsedSample& last = *series.buckets.back();
    if (!std::isinf(previous_bound)) fail_at(last.line, name + " has no le=\"+Inf\" bucket");
    if (!series.sum) fail_at(series.line, name + " has a series without _sum");
    if (!series.count) fail_at(series.line, name + " has a series without _count");
    if (series.count->value != last.value) {
      fail_at(series.count->line, name + "_count differs from its +Inf bucket");
    }
  }

  static double le_of(const ParsedSample& bucket) {
    for (const auto& [label, value] : bucket.labels) {
      if (label != "le") continue;
      const std::optional<double> bound = parse_number(value);
      if (!bound || std::isnan(*bound)) fail_at(bucket.line, "invalid le bound '" + value + "'");
      return *bound;
    }
    fail_at(bucket.line, "bucket without le");
  }

  static bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
  }

  std::string_view text_;
  std::size_t line_ = 0;
  ParsedExposition result_;
  std::optional<std::size_t> current_;  // index of the family being read
  std::set<std::string> seen_families_;
  std::set<std::pair<std::string, MetricLabels>> series_;
};

}  // namespace detail

// Throws PrometheusParseError at the first violation.
inline ParsedExposition parse_prometheus(std::string_view text) {
  return detail::StrictPrometheusParser(text).parse();
}

}  // namespace sluice::observability::testing
