#include "observability/GatewayMetrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace sluice::observability {
namespace {

using namespace std::chrono_literals;

const MetricFamily& family_named(const MetricsSnapshot& snapshot, std::string_view name) {
  for (const MetricFamily& family : snapshot.families) {
    if (family.name == name) return family;
  }
  throw std::runtime_error("no family " + std::string(name));
}

const MetricPoint* point_with(const MetricsSnapshot& snapshot, std::string_view family,
                              const MetricLabels& labels) {
  for (const MetricPoint& point : family_named(snapshot, family).points) {
    if (point.labels == labels) return &point;
  }
  return nullptr;
}

// The value of a counter or gauge point; -1 (and a failure) when the point is missing.
double value_of(const MetricsSnapshot& snapshot, std::string_view family, const MetricLabels& labels = {}) {
  const MetricPoint* point = point_with(snapshot, family, labels);
  if (!point) {
    ADD_FAILURE() << "no point in " << family;
    return -1;
  }
  return point->value;
}

HistogramValue histogram_of(const MetricsSnapshot& snapshot, std::string_view family,
                            const MetricLabels& labels) {
  const MetricPoint* point = point_with(snapshot, family, labels);
  if (!point) throw std::runtime_error("no histogram point in " + std::string(family));
  return point->histogram;
}

std::size_t bucket_of_bound(double bound) {
  const auto& bounds = GatewayMetrics::kLatencyBucketBounds;
  return static_cast<std::size_t>(std::find(bounds.begin(), bounds.end(), bound) - bounds.begin());
}

const std::size_t kInfBucket = GatewayMetrics::kLatencyBucketBounds.size();

RequestObservation chat_request(unsigned status = 200, std::chrono::nanoseconds duration = 10ms) {
  return {EndpointLabel::kChatCompletions, "gpt-5.5", "openai/gpt-5.5", status, duration, 0ns};
}

HistogramValue request_duration_after(std::chrono::nanoseconds duration) {
  GatewayMetrics metrics("test");
  metrics.record_request(chat_request(200, duration));
  return histogram_of(metrics.snapshot(), "sluice_request_duration_seconds",
                      {{"endpoint", "chat_completions"}, {"model", "gpt-5.5"}});
}

// --- requests ---------------------------------------------------------------------------------------

TEST(GatewayMetrics, CountsRequestsByEndpointModelRouteAndStatus) {
  GatewayMetrics metrics("test");
  metrics.record_request(chat_request(200));
  metrics.record_request(chat_request(200));
  metrics.record_request(chat_request(429));
  metrics.record_request({EndpointLabel::kModels, "", "", 200, 1ms, 0ns});

  const MetricsSnapshot snapshot = metrics.snapshot();
  const MetricLabels chat_ok{
      {"endpoint", "chat_completions"}, {"model", "gpt-5.5"}, {"route", "openai/gpt-5.5"}, {"status", "200"}};
  const MetricLabels chat_limited{
      {"endpoint", "chat_completions"}, {"model", "gpt-5.5"}, {"route", "openai/gpt-5.5"}, {"status", "429"}};
  const MetricLabels models{{"endpoint", "models"}, {"model", ""}, {"route", ""}, {"status", "200"}};
  EXPECT_EQ(value_of(snapshot, "sluice_requests_total", chat_ok), 2);
  EXPECT_EQ(value_of(snapshot, "sluice_requests_total", chat_limited), 1);
  EXPECT_EQ(value_of(snapshot, "sluice_requests_total", models), 1);
  EXPECT_EQ(family_named(snapshot, "sluice_requests_total").kind, MetricKind::kCounter);
}

TEST(GatewayMetrics, NamesEveryEndpoint) {
  GatewayMetrics metrics("test");
  for (const EndpointLabel endpoint :
       {EndpointLabel::kChatCompletions, EndpointLabel::kResponses, EndpointLabel::kEmbeddings,
        EndpointLabel::kMessages, EndpointLabel::kModels, EndpointLabel::kOther}) {
    metrics.record_request({endpoint, "", "", 200, 1ms, 0ns});
  }
  const MetricsSnapshot snapshot = metrics.snapshot();
  std::vector<std::string> endpoints;
  for (const MetricPoint& point : family_named(snapshot, "sluice_gateway_overhead_seconds").points) {
    endpoints.push_back(point.labels.at(0).second);
  }
  EXPECT_EQ(endpoints, (std::vector<std::string>{"chat_completions", "embeddings", "messages", "models",
                                                 "other", "responses"}));
}

TEST(GatewayMetrics, KeepsLabelSetsThatConcatenateAlikeApart) {
  GatewayMetrics metrics("test");
  metrics.record_upstream_attempt("a", "bc");
  metrics.record_upstream_attempt("ab", "c");

  const MetricsSnapshot snapshot = metrics.snapshot();
  EXPECT_EQ(value_of(snapshot, "sluice_upstream_attempts_total", {{"route", "a"}, {"outcome", "bc"}}), 1);
  EXPECT_EQ(value_of(snapshot, "sluice_upstream_attempts_total", {{"route", "ab"}, {"outcome", "c"}}), 1);
}

// --- latency histograms -------------------------------------------------------------------------------

TEST(GatewayMetrics, PlacesADurationOnABoundInThatBoundsBucket) {
  const HistogramValue histogram = request_duration_after(5ms);
  EXPECT_EQ(histogram.bucket_counts[bucket_of_bound(0.005)], 1u);
  EXPECT_EQ(histogram.count, 1u);
}

TEST(GatewayMetrics, PlacesADurationJustAboveABoundInTheNextBucket) {
  const HistogramValue histogram = request_duration_after(5ms + 1ns);
  EXPECT_EQ(histogram.bucket_counts[bucket_of_bound(0.005)], 0u);
  EXPECT_EQ(histogram.bucket_counts[bucket_of_bound(0.01)], 1u);
}

TEST(GatewayMetrics, PlacesTheSmallestBoundAndZeroInTheFirstBucket) {
  EXPECT_EQ(request_duration_after(500us).bucket_counts[0], 1u);
  EXPECT_EQ(request_duration_after(0ns).bucket_counts[0], 1u);
}

TEST(GatewayMetrics, PlacesTheLargestBoundInItsBucketAndAnythingLongerInInf) {
  EXPECT_EQ(request_duration_after(120s).bucket_counts[bucket_of_bound(120)], 1u);
  EXPECT_EQ(request_duration_after(120s + 1ns).bucket_counts[kInfBucket], 1u);
}

TEST(GatewayMetrics, HistogramsCarryEveryBoundAndSumInSeconds) {
  GatewayMetrics metrics("test");
  metrics.record_upstream_first_byte("openai/gpt-5.5", 250ms);
  metrics.record_upstream_first_byte("openai/gpt-5.5", 1500ms);

  const HistogramValue histogram =
      histogram_of(metrics.snapshot(), "sluice_upstream_first_byte_seconds", {{"route", "openai/gpt-5.5"}});
  EXPECT_EQ(histogram.upper_bounds, std::vector<double>(GatewayMetrics::kLatencyBucketBounds.begin(),
                                                        GatewayMetrics::kLatencyBucketBounds.end()));
  EXPECT_EQ(histogram.bucket_counts.size(), histogram.upper_bounds.size() + 1);
  EXPECT_EQ(histogram.bucket_counts[bucket_of_bound(0.25)], 1u);
  EXPECT_EQ(histogram.bucket_counts[bucket_of_bound(2.5)], 1u);
  EXPECT_EQ(histogram.count, 2u);
  EXPECT_DOUBLE_EQ(histogram.sum, 1.75);
}

TEST(GatewayMetrics, GatewayOverheadIsTheDurationMinusUpstreamTime) {
  GatewayMetrics metrics("test");
  metrics.record_request({EndpointLabel::kResponses, "m", "p/m", 200, 30ms, 25ms});

  const HistogramValue overhead =
      histogram_of(metrics.snapshot(), "sluice_gateway_overhead_seconds", {{"endpoint", "responses"}});
  EXPECT_EQ(overhead.bucket_counts[bucket_of_bound(0.005)], 1u);
  EXPECT_DOUBLE_EQ(overhead.sum, 0.005);
}

TEST(GatewayMetrics, GatewayOverheadNeverGoesBelowZero) {
  GatewayMetrics metrics("test");
  metrics.record_request({EndpointLabel::kResponses, "m", "p/m", 200, 10ms, 11ms});

  const HistogramValue overhead =
      histogram_of(metrics.snapshot(), "sluice_gateway_overhead_seconds", {{"endpoint", "responses"}});
  EXPECT_EQ(overhead.bucket_counts[0], 1u);
  EXPECT_EQ(overhead.sum, 0);
}

// --- other counters -----------------------------------------------------------------------------------

TEST(GatewayMetrics, CountsTokensByModelAndDirection) {
  GatewayMetrics metrics("test");
  metrics.record_tokens("gpt-5.5", TokenDirection::kInput, 100);
  metrics.record_tokens("gpt-5.5", TokenDirection::kInput, 20);
  metrics.record_tokens("gpt-5.5", TokenDirection::kOutput, 7);
  metrics.record_tokens("gpt-5.5", TokenDirection::kCachedInput, 64);
  metrics.record_tokens("gpt-5.5", TokenDirection::kReasoning, 3);

  const MetricsSnapshot snapshot = metrics.snapshot();
  const auto tokens = [&](const char* direction) {
    return value_of(snapshot, "sluice_tokens_total", {{"model", "gpt-5.5"}, {"direction", direction}});
  };
  EXPECT_EQ(tokens("input"), 120);
  EXPECT_EQ(tokens("output"), 7);
  EXPECT_EQ(tokens("cached_input"), 64);
  EXPECT_EQ(tokens("reasoning"), 3);
}

TEST(GatewayMetrics, CountsCredentialRefreshesByProviderAndOutcome) {
  GatewayMetrics metrics("test");
  metrics.record_credential_refresh("bedrock", "success");
  metrics.record_credential_refresh("bedrock", "failure");
  metrics.record_credential_refresh("bedrock", "success");

  const MetricsSnapshot snapshot = metrics.snapshot();
  EXPECT_EQ(value_of(snapshot, "sluice_credential_refreshes_total",
                     {{"provider", "bedrock"}, {"outcome", "success"}}),
            2);
  EXPECT_EQ(value_of(snapshot, "sluice_credential_refreshes_total",
                     {{"provider", "bedrock"}, {"outcome", "failure"}}),
            1);
}

TEST(GatewayMetrics, CountsQueueDrops) {
  GatewayMetrics metrics("test");
  metrics.record_queue_drop("ledger");
  metrics.record_queue_drop("ledger", 4);

  EXPECT_EQ(value_of(metrics.snapshot(), "sluice_queue_dropped_total", {{"queue", "ledger"}}), 5);
}

TEST(GatewayMetrics, CountsConfigReloadOutcomesAndStampsTheLastSuccess) {
  GatewayMetrics metrics("test");
  const auto loaded_at = std::chrono::system_clock::time_point(1'700'000'000s);
  metrics.record_config_reload(true, loaded_at);
  metrics.record_config_reload(false, loaded_at + 60s);

  const MetricsSnapshot snapshot = metrics.snapshot();
  EXPECT_EQ(value_of(snapshot, "sluice_config_reloads_total", {{"outcome", "success"}}), 1);
  EXPECT_EQ(value_of(snapshot, "sluice_config_reloads_total", {{"outcome", "failure"}}), 1);
  EXPECT_EQ(value_of(snapshot, "sluice_config_last_reload_success_timestamp_seconds"), 1'700'000'000);
}

TEST(GatewayMetrics, ReportsNoReloadSuccessTimeBeforeTheFirstLoad) {
  GatewayMetrics metrics("test");
  const MetricsSnapshot snapshot = metrics.snapshot();
  EXPECT_EQ(value_of(snapshot, "sluice_config_last_reload_success_timestamp_seconds"), 0);
  EXPECT_EQ(value_of(snapshot, "sluice_config_reloads_total", {{"outcome", "success"}}), 0);
}

// --- gauges -------------------------------------------------------------------------------------------

TEST(GatewayMetrics, ReadsQueueDepthsFromTheirSources) {
  GatewayMetrics metrics("test");
  std::atomic<std::uint64_t> depth{3};
  metrics.set_queue_depth_source("access_log", [&] { return depth.load(); });
  metrics.set_queue_depth_source("ledger", [] { return std::uint64_t{0}; });

  EXPECT_EQ(value_of(metrics.snapshot(), "sluice_queue_depth", {{"queue", "access_log"}}), 3);
  depth = 11;
  const MetricsSnapshot snapshot = metrics.snapshot();
  EXPECT_EQ(value_of(snapshot, "sluice_queue_depth", {{"queue", "access_log"}}), 11);
  EXPECT_EQ(value_of(snapshot, "sluice_queue_depth", {{"queue", "ledger"}}), 0);
  EXPECT_EQ(family_named(snapshot, "sluice_queue_depth").kind, MetricKind::kGauge);
}

TEST(GatewayMetrics, ReplacingAQueueDepthSourceKeepsOnePoint) {
  GatewayMetrics metrics("test");
  metrics.set_queue_depth_source("ledger", [] { return std::uint64_t{1}; });
  metrics.set_queue_depth_source("ledger", [] { return std::uint64_t{2}; });

  const MetricsSnapshot snapshot = metrics.snapshot();
  EXPECT_EQ(family_named(snapshot, "sluice_queue_depth").points.size(), 1u);
  EXPECT_EQ(value_of(snapshot, "sluice_queue_depth", {{"queue", "ledger"}}), 2);
}

TEST(GatewayMetrics, AnEmptyQueueDepthSourceRemovesTheQueue) {
  GatewayMetrics metrics("test");
  metrics.set_queue_depth_source("ledger", [] { return std::uint64_t{1}; });
  metrics.set_queue_depth_source("ledger", {});

  EXPECT_TRUE(family_named(metrics.snapshot(), "sluice_queue_depth").points.empty());
}

TEST(GatewayMetrics, ASourceMayCallBackIntoTheMetrics) {
  GatewayMetrics metrics("test");
  metrics.set_queue_depth_source("ledger", [&] {
    metrics.set_circuit_breaker_source({});
    return std::uint64_t{1};
  });

  EXPECT_EQ(value_of(metrics.snapshot(), "sluice_queue_depth", {{"queue", "ledger"}}), 1);
}

TEST(GatewayMetrics, ReadsCircuitBreakerStatesFromTheirSource) {
  GatewayMetrics metrics("test");
  metrics.set_circuit_breaker_source([] {
    return std::vector<CircuitBreakerReading>{{"openai/gpt-5.5", 2}, {"bedrock/claude", 0}, {"azure/gpt", 1}};
  });

  const MetricsSnapshot snapshot = metrics.snapshot();
  const MetricFamily& breakers = family_named(snapshot, "sluice_circuit_breaker_state");
  ASSERT_EQ(breakers.points.size(), 3u);
  EXPECT_EQ(breakers.points[0].labels, (MetricLabels{{"route", "azure/gpt"}}));
  EXPECT_EQ(breakers.points[0].value, 1);
  EXPECT_EQ(breakers.points[1].labels, (MetricLabels{{"route", "bedrock/claude"}}));
  EXPECT_EQ(breakers.points[1].value, 0);
  EXPECT_EQ(breakers.points[2].labels, (MetricLabels{{"route", "openai/gpt-5.5"}}));
  EXPECT_EQ(breakers.points[2].value, 2);
}

TEST(GatewayMetrics, ReportsNoCircuitBreakersWithoutASource) {
  GatewayMetrics metrics("test");
  EXPECT_TRUE(family_named(metrics.snapshot(), "sluice_circuit_breaker_state").points.empty());
}

TEST(GatewayMetrics, CountsStreamsOpenedOnOneThreadAndClosedOnAnother) {
  GatewayMetrics metrics("test");
  std::thread opener([&] {
    for (int i = 0; i < 10; ++i) metrics.stream_opened();
  });
  opener.join();
  std::thread closer([&] {
    for (int i = 0; i < 4; ++i) metrics.stream_closed();
  });
  closer.join();
  EXPECT_EQ(value_of(metrics.snapshot(), "sluice_open_streams"), 6);

  for (int i = 0; i < 6; ++i) metrics.stream_closed();
  EXPECT_EQ(value_of(metrics.snapshot(), "sluice_open_streams"), 0);
}

TEST(GatewayMetrics, ReportsBuildVersionAndStartTime) {
  GatewayMetrics metrics("1.2.3");
  const MetricsSnapshot snapshot = metrics.snapshot();
  EXPECT_EQ(value_of(snapshot, "sluice_build_info", {{"version", "1.2.3"}}), 1);
  EXPECT_GT(snapshot.start_unix_nanos, 0);
  EXPECT_GE(snapshot.taken_unix_nanos, snapshot.start_unix_nanos);
  EXPECT_DOUBLE_EQ(value_of(snapshot, "process_start_time_seconds"),
                   static_cast<double>(snapshot.start_unix_nanos) / 1e9);
}

TEST(GatewayMetrics, OffersEveryFamilyBeforeAnythingIsRecorded) {
  GatewayMetrics metrics("test");
  std::vector<std::string> names;
  for (const MetricFamily& family : metrics.snapshot().families) names.push_back(family.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{
                       "process_start_time_seconds", "sluice_build_info", "sluice_circuit_breaker_state",
                       "sluice_config_last_reload_success_timestamp_seconds", "sluice_config_reloads_total",
                       "sluice_credential_refreshes_total", "sluice_gateway_overhead_seconds",
                       "sluice_open_streams", "sluice_queue_depth", "sluice_queue_dropped_total",
                       "sluice_request_duration_seconds", "sluice_requests_total", "sluice_tokens_total",
                       "sluice_upstream_attempts_total", "sluice_upstream_first_byte_seconds"}));
}

// --- threads ------------------------------------------------------------------------------------------

TEST(GatewayMetrics, KeepsWhatAnExitedThreadCounted) {
  GatewayMetrics metrics("test");
  std::thread([&] { metrics.record_queue_drop("ledger"); }).join();
  std::thread([&] { metrics.record_queue_drop("ledger"); }).join();

  EXPECT_EQ(value_of(metrics.snapshot(), "sluice_queue_dropped_total", {{"queue", "ledger"}}), 2);
}

TEST(GatewayMetrics, KeepsTwoInstancesOnOneThreadApart) {
  GatewayMetrics first("test");
  GatewayMetrics second("test");
  first.record_queue_drop("ledger");
  second.record_queue_drop("ledger", 5);
  first.record_queue_drop("ledger");

  EXPECT_EQ(value_of(first.snapshot(), "sluice_queue_dropped_total", {{"queue", "ledger"}}), 2);
  EXPECT_EQ(value_of(second.snapshot(), "sluice_queue_dropped_total", {{"queue", "ledger"}}), 5);
}

double requests_in(const MetricsSnapshot& snapshot) {
  double total = 0;
  for (const MetricPoint& point : family_named(snapshot, "sluice_requests_total").points)
    total += point.value;
  return total;
}

TEST(GatewayMetrics, LosesNoIncrementWhileSnapshotsAreTaken) {
  constexpr int kThreads = 8;
  constexpr int kIncrements = 100'000;
  constexpr double kTotal = double{kThreads} * kIncrements;
  GatewayMetrics metrics("test");
  std::atomic<bool> writing{true};
  std::atomic<int> snapshots{0};
  std::atomic<bool> saw_impossible_total{false};

  std::thread reader([&] {
    double previous = 0;
    while (writing.load() || snapshots.load() == 0) {
      const double total = requests_in(metrics.snapshot());
      if (total < previous || total > kTotal) saw_impossible_total = true;
      previous = total;
      snapshots.fetch_add(1);
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&metrics, t] {
      // Two label sets per thread plus one shared by all, so series are inserted while being read.
      const std::string own_model = "model-" + std::to_string(t);
      for (int i = 0; i < kIncrements; ++i) {
        const std::string_view model = i % 2 == 0 ? std::string_view(own_model) : std::string_view("shared");
        metrics.record_request(
            {EndpointLabel::kChatCompletions, model, "p/m", i % 3 == 0 ? 500u : 200u, 1ms, 0ns});
        metrics.stream_opened();
        metrics.stream_closed();
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  writing = false;
  reader.join();

  const MetricsSnapshot snapshot = metrics.snapshot();
  EXPECT_EQ(requests_in(snapshot), kTotal);
  EXPECT_FALSE(saw_impossible_total.load());
  EXPECT_GT(snapshots.load(), 0);
  EXPECT_EQ(value_of(snapshot, "sluice_open_streams"), 0);
  const HistogramValue overhead =
      histogram_of(snapshot, "sluice_gateway_overhead_seconds", {{"endpoint", "chat_completions"}});
  EXPECT_EQ(overhead.count, static_cast<std::uint64_t>(kTotal));
  EXPECT_EQ(overhead.bucket_counts[bucket_of_bound(0.001)], static_cast<std::uint64_t>(kTotal));
  // Every thread's odd iterations share one model; the shards' counts add up.
  const HistogramValue shared = histogram_of(snapshot, "sluice_request_duration_seconds",
                                             {{"endpoint", "chat_completions"}, {"model", "shared"}});
  EXPECT_EQ(shared.count, static_cast<std::uint64_t>(kTotal / 2));
}

}  // namespace
}  // namespace sluice::observability
