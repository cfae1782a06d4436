// OtlpExporter against an in-process collector (TestUpstreamServer on a thread of its own): batches
// by size and by time, the metrics export, the one retry, the full queue that counts drops, the
// flush at shutdown, and where the configured endpoints send each signal.
#include "observability/OtlpExporter.h"

#include "config/GatewayConfig.h"

#include "../upstream/TestUpstreamServer.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sluice::observability {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using upstream::test::TestServerConnection;

// Generous: a pass never depends on timing, only a hang turns into a failure.
constexpr auto kPatience = 20s;

struct CollectedRequest {
  std::string target;
  std::string content_type;
  json::object body;
};

// An OTLP collector stand-in: records every request and answers 200, or the statuses queued with
// answer_next().
class TestCollector {
 public:
  TestCollector() : server_(io_), work_(io_.get_executor()) {
    server_.serve([this](TestServerConnection& connection) -> asio::awaitable<void> {
      while (auto request = co_await connection.read_request()) {
        const std::string response = upstream::test::http_response(record(*request), "{}",
                                                                     "Content-Type: application/json\r\n");
        if (!co_await connection.write(response)) co_return;
      }
    });
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TestCollector() {
    io_.stop();
    thread_.join();
  }

  std::string url(std::string_view path) const { return server_.url("127.0.0.1", path); }

  void answer_next(unsigned status) {
    std::lock_guard lock(mutex_);
    statuses_.push_back(status);
  }

  // Waits until `done(requests)` holds; false after kPatience.
  bool wait_until(const std::function<bool(const std::vector<CollectedRequest>&)>& done) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kPatience, [&] { return done(requests_); });
  }

  std::vector<CollectedRequest> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  unsigned record(const upstream::test::ReceivedRequest& request) {
    std::lock_guard lock(mutex_);
    requests_.push_back(CollectedRequest{std::string(request.target()),
                                         std::string(request[boost::beast::http::field::content_type]),
                                         json::parse(request.body()).as_object()});
    changed_.notify_all();
    if (statuses_.empty()) return 200;
    const unsigned status = statuses_.front();
    statuses_.pop_front();
    return status;
  }

  asio::io_context io_;
  upstream::test::TestUpstreamServer server_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<CollectedRequest> requests_;
  std::deque<unsigned> statuses_;
};

std::size_t span_count(const CollectedRequest& request) {
  std::size_t count = 0;
  if (!request.body.contains("resourceSpans")) return 0;
  for (const auto& resource : request.body.at("resourceSpans").as_array()) {
    for (const auto& scope : resource.at("scopeSpans").as_array()) count += scope.at("spans").as_array().size();
  }
  return count;
}

std::size_t spans_received(const std::vector<CollectedRequest>& requests) {
  std::size_t count = 0;
  for (const auto& request : requests) count += span_count(request);
  return count;
}

SpanRecord span_named(std::string name) {
  SpanRecord span;
  span.trace_id[15] = 1;
  span.span_id[7] = 1;
  span.name = std::move(name);
  span.kind = SpanKind::kServer;
  return span;
}

MetricsSnapshot one_counter() {
  MetricsSnapshot snapshot;
  MetricFamily family{"sluice_requests_total", "Requests.", "{request}", MetricKind::kCounter, {}};
  family.points.push_back(MetricPoint{{}, 5, {}});
  snapshot.families.push_back(std::move(family));
  return snapshot;
}

class OtlpExporterTest : public ::testing::Test {
 protected:
  // Options that only export when a test makes them: no timer fires during a test.
  OtlpExporterOptions quiet_options() const {
    OtlpExporterOptions options;
    options.traces_url = collector_.url("/v1/traces");
    options.service_version = "test";
    options.flush_interval = 1h;
    options.metrics_interval = 1h;
    options.request_timeout = 5s;
    return options;
  }

  TestCollector collector_;
};

TEST_F(OtlpExporterTest, FullBatchIsSentWithoutWaitingForTheFlushInterval) {
  auto options = quiet_options();
  options.batch_spans = 4;
  OtlpExporter exporter(options, {});
  for (int i = 0; i < 9; ++i) exporter.enqueue(span_named("s" + std::to_string(i)));

  ASSERT_TRUE(collector_.wait_until([](const auto& requests) { return spans_received(requests) >= 8; }));
  const auto requests = collector_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(span_count(requests[0]), 4u);
  EXPECT_EQ(span_count(requests[1]), 4u);
  EXPECT_EQ(requests[0].target, "/v1/traces");
  EXPECT_EQ(requests[0].content_type, "application/json");

  exporter.shutdown(5s);  // the ninth, not a whole batch, waited for the flush
  const auto after = collector_.requests();
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(span_count(after[2]), 1u);
  EXPECT_EQ(exporter.spans_exported(), 9u);
}

TEST_F(OtlpExporterTest, QueuedSpansAreSentAtEveryFlushInterval) {
  auto options = quiet_options();
  options.flush_interval = 20ms;
  OtlpExporter exporter(options, {});
  exporter.enqueue(span_named("a"));
  exporter.enqueue(span_named("b"));

  ASSERT_TRUE(collector_.wait_until([](const auto& requests) { return spans_received(requests) == 2; }));
  const auto requests = collector_.requests();
  const auto& span = requests.at(0).body.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").at(0);
  EXPECT_EQ(span.at("name"), "a");
  EXPECT_EQ(span.at("traceId"), "00000000000000000000000000000001");
}

TEST_F(OtlpExporterTest, FullQueueDropsAndCountsInsteadOfWaiting) {
  auto options = quiet_options();
  options.queue_capacity = 3;
  options.batch_spans = 100;
  OtlpExporter exporter(options, {});
  for (int i = 0; i < 10; ++i) exporter.enqueue(span_named("s"));

  EXPECT_EQ(exporter.spans_dropped(), 7u);
  exporter.shutdown(5s);
  EXPECT_EQ(spans_received(collector_.requests()), 3u);
  EXPECT_EQ(exporter.spans_exported(), 3u);
}

TEST_F(OtlpExporterTest, ShutdownFlushesWhatIsQueued) {
  OtlpExporter exporter(quiet_options(), {});
  for (int i = 0; i < 5; ++i) exporter.enqueue(span_named("s"));
  EXPECT_TRUE(collector_.requests().empty());

  exporter.shutdown(5s);
  EXPECT_EQ(spans_received(collector_.requests()), 5u);
}

TEST_F(OtlpExporterTest, SpansAfterShutdownAreDroppedAndCounted) {
  OtlpExporter exporter(quiet_options(), {});
  exporter.shutdown(5s);
  exporter.enqueue(span_named("late"));
  EXPECT_EQ(exporter.spans_dropped(), 1u);
  exporter.shutdown(5s);  // a second call is harmless
}

TEST_F(OtlpExporterTest, RetryableFailureIsSentOnceMoreAtTheNextFlush) {
  collector_.answer_next(503);
  auto options = quiet_options();
  options.flush_interval = 20ms;
  OtlpExporter exporter(options, {});
  exporter.enqueue(span_named("a"));

  ASSERT_TRUE(collector_.wait_until([](const auto& requests) { return requests.size() >= 2; }));
  const auto requests = collector_.requests();
  EXPECT_EQ(span_count(requests[0]), 1u);
  EXPECT_EQ(requests[1].body, requests[0].body);
  exporter.shutdown(5s);
  EXPECT_EQ(exporter.spans_exported(), 1u);
  EXPECT_EQ(exporter.exports_failed(), 0u);
}

TEST_F(OtlpExporterTest, SecondFailureDropsTheBatchAndCountsIt) {
  collector_.answer_next(503);
  collector_.answer_next(503);
  auto options = quiet_options();
  options.flush_interval = 20ms;
  OtlpExporter exporter(options, {});
  exporter.enqueue(span_named("a"));

  ASSERT_TRUE(collector_.wait_until([](const auto& requests) { return requests.size() >= 2; }));
  exporter.shutdown(5s);
  EXPECT_EQ(collector_.requests().size(), 2u);
  EXPECT_EQ(exporter.exports_failed(), 1u);
  EXPECT_EQ(exporter.spans_exported(), 0u);
}

TEST_F(OtlpExporterTest, RejectedBatchIsNotRetried) {
  collector_.answer_next(400);
  OtlpExporter exporter(quiet_options(), {});
  exporter.enqueue(span_named("a"));
  exporter.shutdown(5s);
  EXPECT_EQ(collector_.requests().size(), 1u);
  EXPECT_EQ(exporter.exports_failed(), 1u);
}

TEST_F(OtlpExporterTest, UnreachableCollectorNeverBlocksEnqueueOrShutdown) {
  auto options = quiet_options();
  options.traces_url = "http://127.0.0.1:1/v1/traces";  // nothing listens on port 1
  OtlpExporter exporter(options, {});
  for (int i = 0; i < 3; ++i) exporter.enqueue(span_named("s"));
  exporter.shutdown(5s);
  EXPECT_EQ(exporter.spans_exported(), 0u);
  EXPECT_EQ(exporter.exports_failed(), 1u);
}

TEST_F(OtlpExporterTest, MetricsAreExportedEveryIntervalFromTheSource) {
  auto options = quiet_options();
  options.metrics_url = collector_.url("/v1/metrics");
  options.metrics_interval = 20ms;
  OtlpExporter exporter(options, one_counter);

  ASSERT_TRUE(collector_.wait_until([](const auto& requests) { return requests.size() >= 2; }));
  const auto requests = collector_.requests();
  EXPECT_EQ(requests[0].target, "/v1/metrics");
  EXPECT_EQ(requests[0].content_type, "application/json");
  const auto& metric = requests[0].body.at("resourceMetrics").at(0).at("scopeMetrics").at(0).at("metrics").at(0);
  EXPECT_EQ(metric.at("name"), "sluice_requests_total");
}

TEST_F(OtlpExporterTest, ShutdownSendsALastMetricsSnapshot) {
  auto options = quiet_options();
  options.metrics_url = collector_.url("/v1/metrics");
  OtlpExporter exporter(options, one_counter);
  exporter.shutdown(5s);
  const auto requests = collector_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/v1/metrics");
}

TEST(OtlpExporterOptionsTest, EndpointIsABaseUrlForEachSignal) {
  EXPECT_EQ(OtlpExporterOptions::signal_url("http://collector:4318", "/v1/traces"), "http://collector:4318/v1/traces");
  EXPECT_EQ(OtlpExporterOptions::signal_url("http://collector:4318/", "/v1/metrics"),
            "http://collector:4318/v1/metrics");
  EXPECT_EQ(OtlpExporterOptions::signal_url("https://otel.example/otlp", "/v1/traces"),
            "https://otel.example/otlp/v1/traces");
}

TEST(OtlpExporterOptionsTest, EndpointEndingInASignalPathIsTakenAsWritten) {
  EXPECT_EQ(OtlpExporterOptions::signal_url("http://c:4318/v1/traces", "/v1/traces"), "http://c:4318/v1/traces");
  EXPECT_EQ(OtlpExporterOptions::signal_url("http://c:4318/v1/metrics", "/v1/metrics"), "http://c:4318/v1/metrics");
  EXPECT_EQ(OtlpExporterOptions::signal_url("http://c:4318/v1/traces", "/v1/metrics"), "http://c:4318/v1/metrics");
}

TEST(OtlpExporterOptionsTest, MetricsEndpointOverridesTheSharedOne) {
  config::ServerConfig server;
  server.otel_endpoint = "http://traces:4318";
  server.otel_metrics_endpoint = "http://metrics:4318";
  server.otel_export_interval_secs = 15;
  const auto options = OtlpExporterOptions::from_config(server, "1.0");
  ASSERT_TRUE(options.has_value());
  EXPECT_EQ(options->traces_url, "http://traces:4318/v1/traces");
  EXPECT_EQ(options->metrics_url, "http://metrics:4318/v1/metrics");
  EXPECT_EQ(options->metrics_interval, 15s);
}

TEST(OtlpExporterOptionsTest, OneEndpointServesBothSignals) {
  config::ServerConfig server;
  server.otel_endpoint = "http://collector:4318";
  const auto options = OtlpExporterOptions::from_config(server, "1.0");
  ASSERT_TRUE(options.has_value());
  EXPECT_EQ(options->traces_url, "http://collector:4318/v1/traces");
  EXPECT_EQ(options->metrics_url, "http://collector:4318/v1/metrics");
}

TEST(OtlpExporterOptionsTest, MetricsOnlyEndpointExportsNoTraces) {
  config::ServerConfig server;
  server.otel_metrics_endpoint = "http://metrics:4318";
  const auto options = OtlpExporterOptions::from_config(server, "1.0");
  ASSERT_TRUE(options.has_value());
  EXPECT_TRUE(options->traces_url.empty());
  EXPECT_EQ(options->metrics_url, "http://metrics:4318/v1/metrics");
}

TEST(OtlpExporterOptionsTest, NoEndpointMeansNoExporter) {
  EXPECT_FALSE(OtlpExporterOptions::from_config(config::ServerConfig{}, "1.0").has_value());
}

}  // namespace
}  // namespace sluice::observability
