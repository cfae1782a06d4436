#include "observability/OtlpJson.h"

#include <boost/json.hpp>

#include <cmath>
#include <type_traits>

namespace sluice::observability {
namespace {

namespace json = boost::json;

constexpr std::string_view kScopeName = "sluice";
constexpr int kStatusCodeError = 2;                  // Status.StatusCode STATUS_CODE_ERROR
constexpr int kAggregationTemporalityCumulative = 2;  // AGGREGATION_TEMPORALITY_CUMULATIVE

// The protobuf JSON mapping writes 64-bit integers as decimal strings: JSON numbers are doubles in
// many parsers and would lose precision past 2^53 (a nanosecond timestamp already needs 61 bits).
json::value int64_string(std::int64_t value) { return json::string(std::to_string(value)); }
json::value uint64_string(std::uint64_t value) { return json::string(std::to_string(value)); }

// JSON has no NaN or infinity; the protobuf JSON mapping spells them as strings.
json::value double_value(double value) {
  if (std::isnan(value)) return json::string("NaN");
  if (std::isinf(value)) return json::string(value > 0 ? "Infinity" : "-Infinity");
  return value;
}

json::object any_value(const SpanAttributeValue& value) {
  return std::visit(
      [](const auto& v) -> json::object {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) {
          return {{"stringValue", v}};
        } else if constexpr (std::is_same_v<V, std::int64_t>) {
          return {{"intValue", int64_string(v)}};
        } else if constexpr (std::is_same_v<V, double>) {
          return {{"doubleValue", double_value(v)}};
        } else {
          return {{"boolValue", v}};
        }
      },
      value);
}

json::object key_value(std::string_view key, const SpanAttributeValue& value) {
  return {{"key", key}, {"value", any_value(value)}};
}

json::array span_attributes(const std::vector<SpanAttribute>& attributes) {
  json::array out;
  out.reserve(attributes.size());
  for (const auto& attribute : attributes) out.push_back(key_value(attribute.key, attribute.value));
  return out;
}

json::array label_attributes(const MetricLabels& labels) {
  json::array out;
  out.reserve(labels.size());
  for (const auto& [key, value] : labels) out.push_back(key_value(key, SpanAttributeValue{value}));
  return out;
}

json::object resource(const std::string& service_version) {
  json::array attributes;
  attributes.push_back(key_value("service.name", SpanAttributeValue{std::string("sluice")}));
  attributes.push_back(key_value("service.version", SpanAttributeValue{service_version}));
  return {{"attributes", std::move(attributes)}};
}

json::object scope(const std::string& service_version) {
  return {{"name", kScopeName}, {"version", service_version}};
}

json::object span_json(const SpanRecord& span) {
  json::object out;
  out["traceId"] = to_hex(span.trace_id);
  out["spanId"] = to_hex(span.span_id);
  if (span.parent) out["parentSpanId"] = to_hex(*span.parent);
  out["name"] = span.name;
  out["kind"] = static_cast<int>(span.kind);
  out["startTimeUnixNano"] = int64_string(span.start_unix_nanos);
  out["endTimeUnixNano"] = int64_string(span.end_unix_nanos);
  out["attributes"] = span_attributes(span.attributes);
  // An unset status is the protobuf default and so is left out, as the JSON mapping does.
  if (span.error) out["status"] = json::object{{"code", kStatusCodeError}, {"message", span.status_message}};
  return out;
}

json::object number_point(const MetricPoint& point, const MetricsSnapshot& snapshot, bool with_start) {
  json::object out;
  out["attributes"] = label_attributes(point.labels);
  if (with_start) out["startTimeUnixNano"] = int64_string(snapshot.start_unix_nanos);
  out["timeUnixNano"] = int64_string(snapshot.taken_unix_nanos);
  out["asDouble"] = double_value(point.value);
  return out;
}

json::object histogram_point(const MetricPoint& point, const MetricsSnapshot& snapshot) {
  const HistogramValue& histogram = point.histogram;
  json::array bucket_counts;
  for (const auto count : histogram.bucket_counts) bucket_counts.push_back(uint64_string(count));
  json::array bounds;
  for (const auto bound : histogram.upper_bounds) bounds.push_back(double_value(bound));

  json::object out;
  out["attributes"] = label_attributes(point.labels);
  out["startTimeUnixNano"] = int64_string(snapshot.start_unix_nanos);
  out["timeUnixNano"] = int64_string(snapshot.taken_unix_nanos);
  out["count"] = uint64_string(histogram.count);
  out["sum"] = double_value(histogram.sum);
  out["bucketCounts"] = std::move(bucket_counts);
  out["explicitBounds"] = std::move(bounds);
  return out;
}

json::object metric_json(const MetricFamily& family, const MetricsSnapshot& snapshot) {
  json::array points;
  points.reserve(family.points.size());
  for (const auto& point : family.points) {
    switch (family.kind) {
      case MetricKind::kCounter: points.push_back(number_point(point, snapshot, true)); break;
      case MetricKind::kGauge: points.push_back(number_point(point, snapshot, false)); break;
      case MetricKind::kHistogram: points.push_back(histogram_point(point, snapshot)); break;
    }
  }

  json::object out;
  out["name"] = family.name;
  out["description"] = family.help;
  out["unit"] = family.unit;
  switch (family.kind) {
    case MetricKind::kCounter:
      out["sum"] = json::object{{"dataPoints", std::move(points)},
                                {"aggregationTemporality", kAggregationTemporalityCumulative},
                                {"isMonotonic", true}};
      break;
    case MetricKind::kGauge:
      out["gauge"] = json::object{{"dataPoints", std::move(points)}};
      break;
    case MetricKind::kHistogram:
      out["histogram"] = json::object{{"dataPoints", std::move(points)},
                                      {"aggregationTemporality", kAggregationTemporalityCumulative}};
      break;
  }
  return out;
}

}  // namespace

OtlpJson::OtlpJson(std::string service_version) : service_version_(std::move(service_version)) {}

std::string OtlpJson::traces(std::span<const SpanRecord> spans) const {
  json::array span_list;
  span_list.reserve(spans.size());
  for (const auto& span : spans) span_list.push_back(span_json(span));

  json::object scope_spans{{"scope", scope(service_version_)}, {"spans", std::move(span_list)}};
  json::object resource_spans{{"resource", resource(service_version_)},
                              {"scopeSpans", json::array{std::move(scope_spans)}}};
  return json::serialize(json::object{{"resourceSpans", json::array{std::move(resource_spans)}}});
}

std::string OtlpJson::metrics(const MetricsSnapshot& snapshot) const {
  json::array metric_list;
  metric_list.reserve(snapshot.families.size());
  for (const auto& family : snapshot.families) metric_list.push_back(metric_json(family, snapshot));

  json::object scope_metrics{{"scope", scope(service_version_)}, {"metrics", std::move(metric_list)}};
  json::object resource_metrics{{"resource", resource(service_version_)},
                                {"scopeMetrics", json::array{std::move(scope_metrics)}}};
  return json::serialize(json::object{{"resourceMetrics", json::array{std::move(resource_metrics)}}});
}

}  // namespace sluice::observability
