#include "observability/PrometheusText.h"

#include "PrometheusParser.h"
#include "observability/GatewayMetrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

namespace sluice::observability {
namespace {

using namespace std::chrono_literals;
using testing::parse_prometheus;
using testing::PrometheusParseError;

MetricFamily gauge(std::string name, std::vector<MetricPoint> points, std::string help = "A gauge.") {
  return {std::move(name), std::move(help), "1", MetricKind::kGauge, std::move(points)};
}

MetricPoint point(MetricLabels labels, double value) { return {std::move(labels), value, {}}; }

std::string render(std::vector<MetricFamily> families) {
  MetricsSnapshot snapshot;
  snapshot.families = std::move(families);
  return render_prometheus(snapshot);
}

// A gateway that has seen a bit of everything, label values with every character that needs escaping.
MetricsSnapshot busy_gateway_snapshot() {
  GatewayMetrics metrics("0.1.0-dev \"quoted\"");
  metrics.record_config_reload(true, std::chrono::system_clock::time_point(1'700'000'000'500ms));
  metrics.record_config_reload(false);
  for (unsigned status : {200u, 200u, 429u, 502u}) {
    metrics.record_request(
        {EndpointLabel::kChatCompletions, "gpt-5.5", "openai/gpt-5.5", status, 1200ms, 900ms});
  }
  metrics.record_request(
      {EndpointLabel::kMessages, "claude", "bedrock/anthropic.claude\\v2\n\"x\"", 200, 3s, 2900ms});
  metrics.record_request({EndpointLabel::kModels, "", "", 200, 300us, 0ns});
  metrics.record_upstream_first_byte("openai/gpt-5.5", 400ms);
  metrics.record_upstream_first_byte("bedrock/anthropic.claude\\v2\n\"x\"", 121s);
  metrics.record_upstream_attempt("openai/gpt-5.5", "ok");
  metrics.record_upstream_attempt("openai/gpt-5.5", "http_429");
  metrics.record_upstream_attempt("openai/gpt-5.5", "upstream_transport");
  metrics.record_tokens("gpt-5.5", TokenDirection::kInput, 1'048'576);
  metrics.record_tokens("gpt-5.5", TokenDirection::kOutput, 12);
  metrics.record_credential_refresh("bedrock", "success");
  metrics.record_queue_drop("ledger", 2);
  metrics.stream_opened();
  metrics.set_queue_depth_source("access_log", [] { return std::uint64_t{5}; });
  metrics.set_circuit_breaker_source([] {
    return std::vector<CircuitBreakerReading>{{"openai/gpt-5.5", 2}, {"bedrock/claude", 0}};
  });
  return metrics.snapshot();
}

std::string busy_gateway_render() { return render_prometheus(busy_gateway_snapshot()); }

// --- rendering ----------------------------------------------------------------------------------------

TEST(PrometheusText, WritesHelpAndTypeBeforeTheSamples) {
  const std::string text = render({{"sluice_requests_total",
                                    "Requests answered.",
                                    "{request}",
                                    MetricKind::kCounter,
                                    {point({{"status", "200"}}, 3)}}});
  EXPECT_EQ(text,
            "# HELP sluice_requests_total Requests answered.\n"
            "# TYPE sluice_requests_total counter\n"
            "sluice_requests_total{status=\"200\"} 3\n");
}

TEST(PrometheusText, WritesLabelFreeSamplesWithoutBraces) {
  EXPECT_EQ(render({gauge("sluice_open_streams", {point({}, 2)})}),
            "# HELP sluice_open_streams A gauge.\n"
            "# TYPE sluice_open_streams gauge\n"
            "sluice_open_streams 2\n");
}

TEST(PrometheusText, SortsFamiliesByName) {
  const std::string text = render({gauge("b", {point({}, 1)}), gauge("a", {point({}, 1)})});
  EXPECT_LT(text.find("# HELP a "), text.find("# HELP b "));
}

TEST(PrometheusText, SortsPointsByLabels) {
  const std::string text = render(
      {gauge("g", {point({{"route", "z"}}, 1), point({{"route", "a"}}, 2), point({{"route", "m"}}, 3)})});
  EXPECT_EQ(text,
            "# HELP g A gauge.\n"
            "# TYPE g gauge\n"
            "g{route=\"a\"} 2\n"
            "g{route=\"m\"} 3\n"
            "g{route=\"z\"} 1\n");
}

TEST(PrometheusText, WritesCumulativeBucketsThenSumAndCount) {
  MetricPoint latency{{{"route", "r"}}, 0, {{0.005, 1, 2.5}, {1, 0, 2, 1}, 3.75, 4}};
  const std::string text = render({{"h_seconds", "Latency.", "s", MetricKind::kHistogram, {latency}}});
  EXPECT_EQ(text,
            "# HELP h_seconds Latency.\n"
            "# TYPE h_seconds histogram\n"
            "h_seconds_bucket{route=\"r\",le=\"0.005\"} 1\n"
            "h_seconds_bucket{route=\"r\",le=\"1\"} 1\n"
            "h_seconds_bucket{route=\"r\",le=\"2.5\"} 3\n"
            "h_seconds_bucket{route=\"r\",le=\"+Inf\"} 4\n"
            "h_seconds_sum{route=\"r\"} 3.75\n"
            "h_seconds_count{route=\"r\"} 4\n");
}

TEST(PrometheusText, WritesBucketBoundsInShortestRoundTripForm) {
  GatewayMetrics metrics("test");
  metrics.record_upstream_first_byte("r", 1ms);
  const std::string text = render_prometheus(metrics.snapshot());
  std::string bounds;
  for (std::size_t at = text.find("le=\""); at != std::string::npos; at = text.find("le=\"", at + 1)) {
    bounds += text.substr(at + 4, text.find('"', at + 4) - at - 4) + " ";
  }
  EXPECT_EQ(bounds, "0.0005 0.001 0.0025 0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5 10 30 60 120 +Inf ");
}

TEST(PrometheusText, WritesWholeNumbersWithoutAnExponentAndFractionsExactly) {
  const std::string text =
      render({gauge("g", {point({{"n", "a"}}, 1048576), point({{"n", "b"}}, 1700000000.5),
                          point({{"n", "c"}}, 0.1), point({{"n", "d"}}, 1e-7)})});
  EXPECT_NE(text.find("g{n=\"a\"} 1048576\n"), std::string::npos) << text;
  EXPECT_NE(text.find("g{n=\"b\"} 1700000000.5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("g{n=\"c\"} 0.1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("g{n=\"d\"} 1e-07\n"), std::string::npos) << text;
}

TEST(PrometheusText, WritesInfinitiesAndNaN) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::string text =
      render({gauge("g", {point({{"n", "a"}}, inf), point({{"n", "b"}}, -inf),
                          point({{"n", "c"}}, std::numeric_limits<double>::quiet_NaN())})});
  EXPECT_NE(text.find("g{n=\"a\"} +Inf\n"), std::string::npos) << text;
  EXPECT_NE(text.find("g{n=\"b\"} -Inf\n"), std::string::npos) << text;
  EXPECT_NE(text.find("g{n=\"c\"} NaN\n"), std::string::npos) << text;
}

TEST(PrometheusText, EscapesBackslashQuoteAndNewlineInLabelValues) {
  const std::string text = render({gauge("g", {point({{"route", "a\\b\"c\nd"}}, 1)})});
  EXPECT_NE(text.find(R"(g{route="a\\b\"c\nd"} 1)"), std::string::npos) << text;
}

TEST(PrometheusText, EscapesBackslashAndNewlineInHelpButNotQuotes) {
  const std::string text = render({gauge("g", {}, "Says \"hi\\\"\nthen more.")});
  EXPECT_NE(text.find(R"(# HELP g Says "hi\\"\nthen more.)"), std::string::npos) << text;
}

TEST(PrometheusText, RendersTheSameTextWhateverTheOrderOfFamiliesAndPoints) {
  const MetricsSnapshot snapshot = busy_gateway_snapshot();
  MetricsSnapshot reversed = snapshot;
  std::reverse(reversed.families.begin(), reversed.families.end());
  for (MetricFamily& family : reversed.families) std::reverse(family.points.begin(), family.points.end());
  EXPECT_EQ(render_prometheus(reversed), render_prometheus(snapshot));
}

// --- the strict parser accepts every render -------------------------------------------------------------

TEST(PrometheusText, StrictParserAcceptsAFreshGatewaysRender) {
  GatewayMetrics metrics("test");
  EXPECT_NO_THROW(parse_prometheus(render_prometheus(metrics.snapshot())));
}

TEST(PrometheusText, StrictParserAcceptsABusyGatewaysRenderAndReadsItsValuesBack) {
  const std::string text = busy_gateway_render();
  testing::ParsedExposition parsed;
  ASSERT_NO_THROW(parsed = parse_prometheus(text)) << text;

  EXPECT_EQ(parsed.value("sluice_requests_total", {{"endpoint", "chat_completions"},
                                                   {"model", "gpt-5.5"},
                                                   {"route", "openai/gpt-5.5"},
                                                   {"status", "200"}}),
            2);
  EXPECT_EQ(parsed.value("sluice_upstream_first_byte_seconds_bucket",
                         {{"route", "bedrock/anthropic.claude\\v2\n\"x\""}, {"le", "+Inf"}}),
            1);
  EXPECT_EQ(parsed.value("sluice_upstream_first_byte_seconds_bucket",
                         {{"route", "bedrock/anthropic.claude\\v2\n\"x\""}, {"le", "120"}}),
            0);
  EXPECT_EQ(parsed.value("sluice_tokens_total", {{"model", "gpt-5.5"}, {"direction", "input"}}), 1048576);
  EXPECT_EQ(parsed.value("sluice_build_info", {{"version", "0.1.0-dev \"quoted\""}}), 1);
  EXPECT_EQ(parsed.value("sluice_config_last_reload_success_timestamp_seconds"), 1700000000.5);
  EXPECT_EQ(parsed.value("sluice_circuit_breaker_state", {{"route", "openai/gpt-5.5"}}), 2);
  EXPECT_EQ(parsed.value("sluice_queue_depth", {{"queue", "access_log"}}), 5);
  EXPECT_EQ(parsed.value("sluice_open_streams"), 1);
  ASSERT_NE(parsed.family("sluice_gateway_overhead_seconds"), nullptr);
  EXPECT_EQ(parsed.family("sluice_gateway_overhead_seconds")->type, "histogram");
}

// promtool is the reference linter; where it is installed it must agree with the strict parser.
TEST(PrometheusText, PromtoolAcceptsABusyGatewaysRender) {
  if (!std::filesystem::exists("/usr/bin/promtool")) GTEST_SKIP() << "promtool is not installed";
  const auto path =
      std::filesystem::temp_directory_path() /
      ("sluice-metrics-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + ".prom");
  std::ofstream(path) << busy_gateway_render();
  const std::string command = "/usr/bin/promtool check metrics < '" + path.string() + "' 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char chunk[512];
  while (std::fgets(chunk, sizeof chunk, pipe) != nullptr) output += chunk;
  const int status = ::pclose(pipe);
  std::filesystem::remove(path);
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output, "");
}

// --- the strict parser rejects malformed input ----------------------------------------------------------

void expect_rejected(const std::string& text, std::size_t line, const std::string& reason) {
  try {
    parse_prometheus(text);
    ADD_FAILURE() << "accepted:\n" << text;
  } catch (const PrometheusParseError& error) {
    EXPECT_EQ(error.line(), line) << error.what();
    EXPECT_NE(std::string(error.what()).find(reason), std::string::npos) << error.what();
  }
}

const std::string kHistogramType = "# TYPE h histogram\n";

TEST(PrometheusTextParser, AcceptsCommentsEmptyLinesTimestampsAndATrailingComma) {
  const auto parsed = parse_prometheus(
      "# a plain comment\n"
      "\n"
      "# TYPE g gauge\n"
      "g{a=\"1\",} 2 1700000000000\n"
      "g{ b = \"2\" }\t3\n");
  EXPECT_EQ(parsed.value("g", {{"a", "1"}}), 2);
  EXPECT_EQ(parsed.value("g", {{"b", "2"}}), 3);
}

TEST(PrometheusTextParser, ReadsEscapesInLabelValuesAndHelpBack) {
  const auto parsed = parse_prometheus(
      "# HELP g Line\\none \\\\ \"as is\"\n"
      "# TYPE g gauge\n"
      "g{a=\"x\\\\y\\\"z\\n\"} 1\n");
  EXPECT_EQ(parsed.value("g", {{"a", "x\\y\"z\n"}}), 1);
  EXPECT_EQ(parsed.family("g")->help, "Line\none \\ \"as is\"");
}

TEST(PrometheusTextParser, ReadsSpecialValues) {
  const auto parsed = parse_prometheus("# TYPE g gauge\ng{a=\"1\"} +Inf\ng{a=\"2\"} -Inf\ng{a=\"3\"} NaN\n");
  EXPECT_TRUE(std::isinf(*parsed.value("g", {{"a", "1"}})));
  EXPECT_LT(*parsed.value("g", {{"a", "2"}}), 0);
  EXPECT_TRUE(std::isnan(*parsed.value("g", {{"a", "3"}})));
}

TEST(PrometheusTextParser, RejectsASampleBeforeAnyType) {
  expect_rejected("x_total 1\n", 1, "before a TYPE line");
}

TEST(PrometheusTextParser, RejectsASampleAfterOnlyAHelpLine) {
  expect_rejected("# HELP g A gauge.\ng 1\n", 2, "before a TYPE line");
}

TEST(PrometheusTextParser, RejectsASampleOfAnotherFamily) {
  expect_rejected("# TYPE a_total counter\nb_total 1\n", 2, "does not belong");
}

TEST(PrometheusTextParser, RejectsAFamilyWithoutAType) {
  expect_rejected("# HELP g A gauge.\n# TYPE h gauge\n", 1, "no TYPE line");
}

TEST(PrometheusTextParser, RejectsAMetricNameStartingWithADigit) {
  expect_rejected("# TYPE 1g gauge\n", 1, "invalid metric name");
}

TEST(PrometheusTextParser, RejectsAMetricNameWithAHyphen) {
  expect_rejected("# TYPE g gauge\ng-x 1\n", 2, "expected a blank");
}

TEST(PrometheusTextParser, RejectsALabelNameStartingWithADigit) {
  expect_rejected("# TYPE g gauge\ng{1a=\"x\"} 1\n", 2, "invalid label name");
}

TEST(PrometheusTextParser, RejectsALabelNameWithAColon) {
  expect_rejected("# TYPE g gauge\ng{a:b=\"x\"} 1\n", 2, "expected = after label name a");
}

TEST(PrometheusTextParser, RejectsAReservedLabelName) {
  expect_rejected("# TYPE g gauge\ng{__name__=\"x\"} 1\n", 2, "reserved");
}

TEST(PrometheusTextParser, RejectsARepeatedLabelName) {
  expect_rejected("# TYPE g gauge\ng{a=\"1\",a=\"2\"} 1\n", 2, "appears twice");
}

TEST(PrometheusTextParser, RejectsAnUnknownEscapeInALabelValue) {
  expect_rejected("# TYPE g gauge\ng{a=\"x\\ty\"} 1\n", 2, "invalid escape \\t");
}

TEST(PrometheusTextParser, RejectsAnUnterminatedLabelValue) {
  expect_rejected("# TYPE g gauge\ng{a=\"x} 1\n", 2, "unterminated");
}

TEST(PrometheusTextParser, RejectsAnUnquotedLabelValue) {
  expect_rejected("# TYPE g gauge\ng{a=x} 1\n", 2, "quoted value");
}

TEST(PrometheusTextParser, RejectsLabelsWithoutACommaBetweenThem) {
  expect_rejected("# TYPE g gauge\ng{a=\"1\" b=\"2\"} 1\n", 2, "expected , or }");
}

TEST(PrometheusTextParser, RejectsALabelValueThatIsNotUtf8) {
  expect_rejected("# TYPE g gauge\ng{a=\"\xff\"} 1\n", 2, "not valid UTF-8");
}

TEST(PrometheusTextParser, RejectsAValueThatIsNotANumber) {
  expect_rejected("# TYPE g gauge\ng abc\n", 2, "invalid sample value 'abc'");
}

TEST(PrometheusTextParser, RejectsANumberWithTwoPoints) {
  expect_rejected("# TYPE g gauge\ng 1.2.3\n", 2, "invalid sample value");
}

TEST(PrometheusTextParser, RejectsInfinityNotSpelledPlusInf) {
  expect_rejected("# TYPE g gauge\ng inf\n", 2, "invalid sample value");
}

TEST(PrometheusTextParser, RejectsAMissingValue) {
  expect_rejected("# TYPE g gauge\ng{a=\"1\"}\n", 2, "expected a blank before the value");
}

TEST(PrometheusTextParser, RejectsAnInvalidTimestamp) {
  expect_rejected("# TYPE g gauge\ng 1 12ab\n", 2, "invalid timestamp");
}

TEST(PrometheusTextParser, RejectsTextAfterTheTimestamp) {
  expect_rejected("# TYPE g gauge\ng 1 12 extra\n", 2, "after the timestamp");
}

TEST(PrometheusTextParser, RejectsANegativeCounter) {
  expect_rejected("# TYPE c_total counter\nc_total -1\n", 2, "negative");
}

TEST(PrometheusTextParser, RejectsACounterNotEndingInTotal) {
  expect_rejected("# TYPE requests counter\n", 1, "does not end in _total");
}

TEST(PrometheusTextParser, RejectsATypeSluiceDoesNotRender) {
  expect_rejected("# TYPE s summary\n", 1, "not one Sluice renders");
}

TEST(PrometheusTextParser, RejectsASecondTypeLine) {
  expect_rejected("# TYPE g gauge\n# TYPE g gauge\n", 2, "second TYPE");
}

TEST(PrometheusTextParser, RejectsASecondHelpLine) {
  expect_rejected("# HELP g One.\n# HELP g Two.\n# TYPE g gauge\n", 2, "second HELP");
}

TEST(PrometheusTextParser, RejectsAnInvalidEscapeInHelp) {
  expect_rejected("# HELP g Say \\\"hi\\\".\n# TYPE g gauge\n", 1, "invalid escape");
}

TEST(PrometheusTextParser, RejectsMetadataAfterTheFamilysSamples) {
  expect_rejected("# TYPE g gauge\ng 1\n# HELP g Late.\n", 3, "after its samples");
}

TEST(PrometheusTextParser, RejectsInterleavedFamilies) {
  expect_rejected("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# TYPE a gauge\n", 5, "must be contiguous");
}

TEST(PrometheusTextParser, RejectsADuplicateSeriesWhateverItsLabelOrder) {
  expect_rejected("# TYPE g gauge\ng{a=\"1\",b=\"2\"} 1\ng{b=\"2\",a=\"1\"} 1\n", 3, "appears twice");
}

TEST(PrometheusTextParser, RejectsAMissingFinalNewline) {
  expect_rejected("# TYPE g gauge\ng 1", 2, "newline");
}

TEST(PrometheusTextParser, RejectsACarriageReturn) {
  expect_rejected("# TYPE g gauge\r\ng 1\r\n", 1, "carriage return");
}

TEST(PrometheusTextParser, AcceptsAWellFormedHistogram) {
  const auto parsed =
      parse_prometheus(kHistogramType +
                       "h_bucket{le=\"0.5\"} 1\nh_bucket{le=\"1\"} 3\nh_bucket{le=\"+Inf\"} 4\n"
                       "h_sum 2.5\nh_count 4\n");
  EXPECT_EQ(parsed.value("h_count"), 4);
}

TEST(PrometheusTextParser, RejectsBucketsThatAreNotCumulative) {
  expect_rejected(kHistogramType +
                      "h_bucket{le=\"0.5\"} 3\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 3\n"
                      "h_sum 1\nh_count 3\n",
                  3, "not cumulative");
}

TEST(PrometheusTextParser, RejectsBoundsThatDoNotIncrease) {
  expect_rejected(kHistogramType +
                      "h_bucket{le=\"1\"} 1\nh_bucket{le=\"0.5\"} 1\nh_bucket{le=\"+Inf\"} 1\n"
                      "h_sum 1\nh_count 1\n",
                  3, "do not increase");
}

TEST(PrometheusTextParser, RejectsAHistogramWithoutAnInfBucket) {
  expect_rejected(kHistogramType + "h_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", 2, "no le=\"+Inf\" bucket");
}

TEST(PrometheusTextParser, RejectsAnInfBucketThatDiffersFromCount) {
  expect_rejected(kHistogramType + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n", 5,
                  "differs from its +Inf bucket");
}

TEST(PrometheusTextParser, RejectsAHistogramWithoutSum) {
  expect_rejected(kHistogramType + "h_bucket{le=\"+Inf\"} 1\nh_count 1\n", 2, "without _sum");
}

TEST(PrometheusTextParser, RejectsAHistogramWithoutCount) {
  expect_rejected(kHistogramType + "h_bucket{le=\"+Inf\"} 1\nh_sum 1\n", 2, "without _count");
}

TEST(PrometheusTextParser, RejectsABucketWithoutLe) {
  expect_rejected(kHistogramType + "h_bucket 1\n", 2, "without an le label");
}

TEST(PrometheusTextParser, RejectsABoundThatIsNotANumber) {
  expect_rejected(kHistogramType + "h_bucket{le=\"big\"} 1\nh_sum 1\nh_count 1\n", 2, "invalid le bound");
}

TEST(PrometheusTextParser, RejectsAFractionalBucketCount) {
  expect_rejected(kHistogramType + "h_bucket{le=\"+Inf\"} 1.5\n", 2, "non-negative whole number");
}

TEST(PrometheusTextParser, RejectsASampleNotPartOfTheHistogram) {
  expect_rejected(kHistogramType + "h_total 1\n", 2, "does not belong to the histogram h");
}

}  // namespace
}  // namespace sluice::observability
