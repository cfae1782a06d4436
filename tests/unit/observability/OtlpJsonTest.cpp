// OtlpJson: the OTLP/HTTP JSON bodies for spans and for each metric kind, read back with
// boost::json and checked field by field against the OTLP JSON mapping.
#include "observability/OtlpJson.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace sluice::observability {
namespace {

namespace json = boost::json;

SpanRecord sample_span() {
  SpanRecord span;
  span.trace_id = {0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36};
  span.span_id = {0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7};
  span.parent = SpanId{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  span.name = "chat gpt-4o";
  span.kind = SpanKind::kClient;
  span.start_unix_nanos = 1'700'000'000'123'456'789;
  span.end_unix_nanos = 1'700'000'000'987'654'321;
  span.attributes = {{"gen_ai.request.model", std::string("gpt-4o")},
                     {"gen_ai.usage.input_tokens", std::int64_t{42}},
                     {"sampling.share", 0.25},
                     {"stream", true}};
  return span;
}

json::object parse_object(const std::string& text) { return json::parse(text).as_object(); }

const json::object& only_span(const json::object& body) {
  const auto& resource_spans = body.at("resourceSpans").as_array();
  EXPECT_EQ(resource_spans.size(), 1u);
  const auto& scope_spans = resource_spans.at(0).at("scopeSpans").as_array();
  EXPECT_EQ(scope_spans.size(), 1u);
  const auto& spans = scope_spans.at(0).at("spans").as_array();
  EXPECT_EQ(spans.size(), 1u);
  return spans.at(0).as_object();
}

// The attribute list as key -> AnyValue object.
json::object attributes_by_key(const json::value& attributes) {
  json::object out;
  for (const auto& attribute : attributes.as_array()) {
    out[attribute.at("key").as_string()] = attribute.at("value");
  }
  return out;
}

const json::object& only_metric(const json::object& body) {
  const auto& metrics = body.at("resourceMetrics").at(0).at("scopeMetrics").at(0).at("metrics").as_array();
  EXPECT_EQ(metrics.size(), 1u);
  return metrics.at(0).as_object();
}

MetricsSnapshot snapshot_with(MetricFamily family) {
  MetricsSnapshot snapshot;
  snapshot.start_unix_nanos = 1'700'000'000'000'000'000;
  snapshot.taken_unix_nanos = 1'700'000'060'000'000'000;
  snapshot.families.push_back(std::move(family));
  return snapshot;
}

TEST(OtlpJsonTest, SpanIdsAreLowercaseHexAndTimesAreDecimalStrings) {
  const SpanRecord span = sample_span();
  const auto body = parse_object(OtlpJson("1.2.3").traces(std::span(&span, 1)));
  const auto& encoded = only_span(body);

  EXPECT_EQ(encoded.at("traceId"), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(encoded.at("spanId"), "00f067aa0ba902b7");
  EXPECT_EQ(encoded.at("parentSpanId"), "0102030405060708");
  EXPECT_EQ(encoded.at("name"), "chat gpt-4o");
  EXPECT_EQ(encoded.at("kind"), 3);
  EXPECT_EQ(encoded.at("startTimeUnixNano"), "1700000000123456789");
  EXPECT_EQ(encoded.at("endTimeUnixNano"), "1700000000987654321");
}

TEST(OtlpJsonTest, SpanAttributesUseTheAnyValueFieldOfTheirType) {
  const SpanRecord span = sample_span();
  const auto body = parse_object(OtlpJson("1.2.3").traces(std::span(&span, 1)));
  const auto attributes = attributes_by_key(only_span(body).at("attributes"));

  EXPECT_EQ(attributes.at("gen_ai.request.model"), (json::object{{"stringValue", "gpt-4o"}}));
  EXPECT_EQ(attributes.at("gen_ai.usage.input_tokens"), (json::object{{"intValue", "42"}}));
  EXPECT_EQ(attributes.at("sampling.share").at("doubleValue").as_double(), 0.25);
  EXPECT_EQ(attributes.at("stream"), (json::object{{"boolValue", true}}));
}

TEST(OtlpJsonTest, SpansSitUnderTheSluiceResourceAndScope) {
  const SpanRecord span = sample_span();
  const auto body = parse_object(OtlpJson("1.2.3").traces(std::span(&span, 1)));
  const auto& resource_spans = body.at("resourceSpans").at(0);

  const auto resource = attributes_by_key(resource_spans.at("resource").at("attributes"));
  EXPECT_EQ(resource.at("service.name"), (json::object{{"stringValue", "sluice"}}));
  EXPECT_EQ(resource.at("service.version"), (json::object{{"stringValue", "1.2.3"}}));
  const auto& scope = resource_spans.at("scopeSpans").at(0).at("scope");
  EXPECT_EQ(scope.at("name"), "sluice");
  EXPECT_EQ(scope.at("version"), "1.2.3");
}

TEST(OtlpJsonTest, RootSpanHasNoParentAndUnsetStatusIsLeftOut) {
  SpanRecord span = sample_span();
  span.parent.reset();
  const auto body = parse_object(OtlpJson("1").traces(std::span(&span, 1)));
  const auto& encoded = only_span(body);

  EXPECT_FALSE(encoded.contains("parentSpanId"));
  EXPECT_FALSE(encoded.contains("status"));
}

TEST(OtlpJsonTest, FailedSpanHasErrorStatusWithItsMessage) {
  SpanRecord span = sample_span();
  span.error = true;
  span.status_message = "upstream_timeout";
  const auto body = parse_object(OtlpJson("1").traces(std::span(&span, 1)));

  EXPECT_EQ(only_span(body).at("status"), (json::object{{"code", 2}, {"message", "upstream_timeout"}}));
}

TEST(OtlpJsonTest, EmptyBatchIsStillAWellFormedRequest) {
  const auto body = parse_object(OtlpJson("1").traces({}));
  EXPECT_TRUE(body.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").as_array().empty());
}

TEST(OtlpJsonTest, CounterIsAMonotonicCumulativeSum) {
  MetricFamily family{"sluice_requests_total", "Requests answered.", "{request}", MetricKind::kCounter, {}};
  family.points.push_back(MetricPoint{{{"model", "gpt-4o"}, {"status", "200"}}, 17, {}});
  const auto body = parse_object(OtlpJson("1").metrics(snapshot_with(family)));
  const auto& metric = only_metric(body);

  EXPECT_EQ(metric.at("name"), "sluice_requests_total");
  EXPECT_EQ(metric.at("description"), "Requests answered.");
  EXPECT_EQ(metric.at("unit"), "{request}");
  const auto& sum = metric.at("sum");
  EXPECT_EQ(sum.at("aggregationTemporality"), 2);
  EXPECT_EQ(sum.at("isMonotonic"), true);
  const auto& point = sum.at("dataPoints").at(0);
  EXPECT_EQ(point.at("startTimeUnixNano"), "1700000000000000000");
  EXPECT_EQ(point.at("timeUnixNano"), "1700000060000000000");
  EXPECT_EQ(point.at("asDouble").to_number<double>(), 17.0);
  const auto labels = attributes_by_key(point.at("attributes"));
  EXPECT_EQ(labels.at("model"), (json::object{{"stringValue", "gpt-4o"}}));
  EXPECT_EQ(labels.at("status"), (json::object{{"stringValue", "200"}}));
}

TEST(OtlpJsonTest, GaugeIsAGaugeWithoutStartTime) {
  MetricFamily family{"sluice_inflight_requests", "In flight.", "{request}", MetricKind::kGauge, {}};
  family.points.push_back(MetricPoint{{}, 3, {}});
  const auto body = parse_object(OtlpJson("1").metrics(snapshot_with(family)));
  const auto& metric = only_metric(body);

  ASSERT_TRUE(metric.contains("gauge"));
  EXPECT_FALSE(metric.contains("sum"));
  const auto& point = metric.at("gauge").at("dataPoints").at(0);
  EXPECT_EQ(point.at("timeUnixNano"), "1700000060000000000");
  EXPECT_FALSE(point.as_object().contains("startTimeUnixNano"));
  EXPECT_EQ(point.at("asDouble").to_number<double>(), 3.0);
}

TEST(OtlpJsonTest, HistogramCarriesBoundsAndPerBucketCountsAsStrings) {
  MetricFamily family{"sluice_request_duration_seconds", "Latency.", "s", MetricKind::kHistogram, {}};
  MetricPoint point;
  point.labels = {{"model", "gpt-4o"}};
  point.histogram = HistogramValue{{0.1, 0.5, 2.5}, {4, 3, 2, 1}, 6.75, 10};
  family.points.push_back(point);
  const auto body = parse_object(OtlpJson("1").metrics(snapshot_with(family)));
  const auto& histogram = only_metric(body).at("histogram");

  EXPECT_EQ(histogram.at("aggregationTemporality"), 2);
  const auto& encoded = histogram.at("dataPoints").at(0);
  EXPECT_EQ(encoded.at("count"), "10");
  EXPECT_EQ(encoded.at("sum").to_number<double>(), 6.75);
  EXPECT_EQ(encoded.at("bucketCounts"), (json::array{"4", "3", "2", "1"}));
  const auto& bounds = encoded.at("explicitBounds").as_array();
  ASSERT_EQ(bounds.size(), 3u);
  EXPECT_EQ(bounds.at(0).to_number<double>(), 0.1);
  EXPECT_EQ(bounds.at(1).to_number<double>(), 0.5);
  EXPECT_EQ(bounds.at(2).to_number<double>(), 2.5);
  EXPECT_EQ(encoded.at("startTimeUnixNano"), "1700000000000000000");
}

TEST(OtlpJsonTest, NonFiniteValuesAreWrittenAsProtobufJsonStrings) {
  MetricFamily family{"sluice_odd", "", "1", MetricKind::kGauge, {}};
  family.points.push_back(MetricPoint{{{"v", "nan"}}, std::nan(""), {}});
  family.points.push_back(MetricPoint{{{"v", "inf"}}, std::numeric_limits<double>::infinity(), {}});
  const auto body = parse_object(OtlpJson("1").metrics(snapshot_with(family)));
  const auto& points = only_metric(body).at("gauge").at("dataPoints");

  EXPECT_EQ(points.at(0).at("asDouble"), "NaN");
  EXPECT_EQ(points.at(1).at("asDouble"), "Infinity");
}

TEST(OtlpJsonTest, MetricsSitUnderTheSluiceResource) {
  const auto body = parse_object(OtlpJson("9.9").metrics(MetricsSnapshot{}));
  const auto& resource_metrics = body.at("resourceMetrics").at(0);
  const auto resource = attributes_by_key(resource_metrics.at("resource").at("attributes"));
  EXPECT_EQ(resource.at("service.name"), (json::object{{"stringValue", "sluice"}}));
  EXPECT_EQ(resource.at("service.version"), (json::object{{"stringValue", "9.9"}}));
  EXPECT_TRUE(resource_metrics.at("scopeMetrics").at(0).at("metrics").as_array().empty());
}

}  // namespace
}  // namespace sluice::observability
