// OtlpExporter: sends finished spans and periodic metric snapshots to an OpenTelemetry collector
// over OTLP/HTTP with JSON bodies, from a thread of its own, so that no request ever waits on it.
//
// Spans arrive through SpanSink::enqueue() on the I/O threads and go into a bounded queue. When the
// queue is full the span is dropped and counted (spans_dropped()), never waited for: a slow or
// absent collector must not slow the gateway. The exporter's thread runs its own io_context and
// UpstreamClient and, one POST at a time, sends a batch as soon as `batch_spans` spans are queued,
// whatever is queued every `flush_interval`, and a snapshot from `metrics_source` every
// `metrics_interval`.
//
// A failed export (no connection, a timeout, or 429 / 502 / 503 / 504 — the statuses OTLP calls
// retryable) is logged at warn and sent once more at the next flush; a second failure, or any other
// status (a 400 means the collector will never take it), drops the batch and counts it. Logs never
// carry the payload. Exports go one at a time, each bounded by `request_timeout`: a collector that
// hangs delays only the exporter, whose queue then fills and drops.
//
// Endpoints: server.otel_endpoint is a base URL, as OTEL_EXPORTER_OTLP_ENDPOINT is: traces go to
// `<otel_endpoint>/v1/traces`, metrics to `<otel_metrics_endpoint or otel_endpoint>/v1/metrics`.
// An endpoint that already ends in /v1/traces or /v1/metrics is taken as written for that signal
// (and with the suffix swapped for the other one), so pasting a full signal URL also works.
//
// shutdown() stops taking spans, exports what is queued plus one last metrics snapshot within the
// given deadline, and joins the thread; the destructor does the same with a short deadline.
#pragma once

#include "observability/MetricsSnapshot.h"
#include "observability/OtlpJson.h"
#include "observability/Tracer.h"
#include "upstream/UpstreamRequest.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace sluice::config {
struct ServerConfig;
}

namespace sluice::upstream {
class UpstreamClient;
}

namespace sluice::observability {

struct OtlpExporterOptions {
  std::string traces_url;   // full URL (…/v1/traces); empty: spans are not exported
  std::string metrics_url;  // full URL (…/v1/metrics); empty: metrics are not exported
  std::string service_version;
  std::size_t queue_capacity = 8192;  // spans waiting (16 batches); more are dropped
  std::size_t batch_spans = 512;      // spans per POST; a full batch is sent without waiting
  std::chrono::milliseconds flush_interval{1000};
  std::chrono::milliseconds metrics_interval{30'000};
  std::chrono::milliseconds request_timeout{10'000};  // one POST, connecting included
  std::optional<std::string> ca_file;                 // extra trusted CAs for an https collector

  // From the server section; nullopt when neither otel endpoint is set.
  static std::optional<OtlpExporterOptions> from_config(const config::ServerConfig& server,
                                                        std::string service_version);
  // `endpoint` as the URL for `signal_path` ("/v1/traces" or "/v1/metrics"), per the rule above.
  static std::string signal_url(std::string_view endpoint, std::string_view signal_path);
};

class OtlpExporter : public SpanSink {
 public:
  using MetricsSource = std::function<MetricsSnapshot()>;

  // Starts the export thread. `metrics_source` is called on that thread; it may be empty when
  // metrics are not exported.
  OtlpExporter(OtlpExporterOptions options, MetricsSource metrics_source);
  OtlpExporter(const OtlpExporter&) = delete;
  OtlpExporter& operator=(const OtlpExporter&) = delete;
  ~OtlpExporter() override;

  // Never blocks beyond a short lock around the queue's push; drops and counts when full.
  void enqueue(SpanRecord span) override;

  // Exports what is queued within `deadline`, then stops the thread. Spans enqueued afterwards are
  // dropped. Safe to call more than once.
  void shutdown(std::chrono::milliseconds deadline = std::chrono::seconds(5));

  // Spans refused because the queue was full (or shutdown had begun); spans delivered; exports
  // (batches or snapshots) given up on after their retry or rejected by the collector.
  std::uint64_t spans_dropped() const { return spans_dropped_.load(std::memory_order_relaxed); }
  std::uint64_t spans_exported() const { return spans_exported_.load(std::memory_order_relaxed); }
  std::uint64_t exports_failed() const { return exports_failed_.load(std::memory_order_relaxed); }

 private:
  // One POST to the collector, kept whole when it fails so it can be sent once more.
  struct Export {
    std::string_view signal;  // "traces" or "metrics", for the log
    upstream::UpstreamRequest request;
    std::size_t spans = 0;
  };
  enum class Outcome { kSent, kRetryable, kRejected };

  boost::asio::awaitable<void> run();
  boost::asio::awaitable<void> wait_for_work();
  bool metrics_enabled() const { return !options_.metrics_url.empty() && metrics_source_; }
  boost::asio::awaitable<void> export_spans(bool whole_batches_only);
  boost::asio::awaitable<void> export_metrics();
  boost::asio::awaitable<void> retry_pending();
  boost::asio::awaitable<void> send_or_keep_for_retry(Export& payload);  // moved from when kept
  boost::asio::awaitable<Outcome> post(const Export& payload);
  Export make_export(std::string_view signal, const std::string& url, std::string body, std::size_t spans) const;
  std::chrono::milliseconds time_allowed() const;

  std::vector<SpanRecord> take_spans(bool whole_batches_only);
  bool batch_ready();
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  const OtlpExporterOptions options_;
  const MetricsSource metrics_source_;
  const OtlpJson json_;

  std::mutex queue_mutex_;  // held only to push, count or swap out the queue: never across I/O
  std::vector<SpanRecord> queue_;
  bool wake_posted_ = false;  // a full batch already woke the thread

  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> shutdown_deadline_ns_{0};  // steady_clock, set by shutdown()
  std::atomic<std::uint64_t> spans_dropped_{0};
  std::atomic<std::uint64_t> spans_exported_{0};
  std::atomic<std::uint64_t> exports_failed_{0};

  // Touched only on the export thread.
  std::vector<Export> retries_;  // failed once, sent again at the next flush
  std::chrono::steady_clock::time_point next_flush_at_;
  std::chrono::steady_clock::time_point next_metrics_at_;

  boost::asio::io_context io_;
  boost::asio::steady_timer wake_timer_;
  std::unique_ptr<upstream::UpstreamClient> client_;
  std::mutex shutdown_mutex_;
  std::thread thread_;
};

}  // namespace sluice::observability
