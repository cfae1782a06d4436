#include "observability/OtlpExporter.h"

#include "config/GatewayConfig.h"
#include "core/ThreadName.h"
#include "upstream/UpstreamClient.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <iterator>
#include <span>

namespace sluice::observability {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kTracesPath = "/v1/traces";
constexpr std::string_view kMetricsPath = "/v1/metrics";
constexpr std::size_t kMaxCollectorAnswerBytes = 64 * 1024;
// Failed batches kept for their retry; beyond this a collector outage costs spans, not memory.
constexpr std::size_t kMaxPendingRetries = 16;

// The statuses OTLP/HTTP calls retryable; any other failure status will not get better.
bool retryable_status(unsigned status) { return status == 429 || status == 502 || status == 503 || status == 504; }

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

Clock::time_point from_nanos(std::int64_t nanos) {
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(nanos)));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// OtlpExporterOptions

std::string OtlpExporterOptions::signal_url(std::string_view endpoint, std::string_view signal_path) {
  std::string_view base = endpoint;
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  for (const auto suffix : {kTracesPath, kMetricsPath}) {
    if (ends_with(base, suffix)) {
      base.remove_suffix(suffix.size());
      break;
    }
  }
  std::string url(base);
  url += signal_path;
  return url;
}

std::optional<OtlpExporterOptions> OtlpExporterOptions::from_config(const config::ServerConfig& server,
                                                                    std::string service_version) {
  if (!server.otel_endpoint && !server.otel_metrics_endpoint) return std::nullopt;
  OtlpExporterOptions options;
  options.service_version = std::move(service_version);
  if (server.otel_endpoint) options.traces_url = signal_url(*server.otel_endpoint, kTracesPath);
  const std::string& metrics_base = server.otel_metrics_endpoint ? *server.otel_metrics_endpoint : *server.otel_endpoint;
  options.metrics_url = signal_url(metrics_base, kMetricsPath);
  // 0 would mean exporting in a busy loop; a second is the shortest interval taken.
  options.metrics_interval = std::chrono::seconds(std::max<std::uint64_t>(1, server.otel_export_interval_secs));
  return options;
}

// ---------------------------------------------------------------------------------------------
// OtlpExporter: the request-path side

OtlpExporter::OtlpExporter(OtlpExporterOptions options, MetricsSource metrics_source)
    : options_(std::move(options)),
      metrics_source_(std::move(metrics_source)),
      json_(options_.service_version),
      wake_timer_(io_),
      client_(std::make_unique<upstream::UpstreamClient>(io_, upstream::UpstreamClientOptions{4, options_.ca_file})) {
  thread_ = std::thread([this] {
    core::name_this_thread("otlp-exporter");
    asio::co_spawn(io_, run(), [this](std::exception_ptr error) {
      if (error) {
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          spdlog::error("OTLP exporter stopped: {}", e.what());
        }
      }
      io_.stop();  // idle pooled connections must not keep the thread alive
    });
    io_.run();
    client_.reset();
  });
}

OtlpExporter::~OtlpExporter() { shutdown(std::chrono::seconds(1)); }

void OtlpExporter::enqueue(SpanRecord span) {
  bool wake = false;
  {
    std::lock_guard lock(queue_mutex_);
    if (stopping() || options_.traces_url.empty() || queue_.size() >= options_.queue_capacity) {
      spans_dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    queue_.push_back(std::move(span));
    if (queue_.size() >= options_.batch_spans && !wake_posted_) wake = wake_posted_ = true;
  }
  if (wake) asio::post(io_, [this] { wake_timer_.cancel(); });
}

void OtlpExporter::shutdown(std::chrono::milliseconds deadline) {
  std::lock_guard shutdown_lock(shutdown_mutex_);
  if (!thread_.joinable()) return;
  const auto deadline_at = Clock::now() + deadline;
  shutdown_deadline_ns_.store(
      std::chrono::duration_cast<std::chrono::nanoseconds>(deadline_at.time_since_epoch()).count());
  {
    std::lock_guard lock(queue_mutex_);  // no span gets in after the final flush took the queue
    stopping_.store(true, std::memory_order_release);
  }
  asio::post(io_, [this] { wake_timer_.cancel(); });
  thread_.join();
}

// ---------------------------------------------------------------------------------------------
// OtlpExporter: the export thread

asio::awaitable<void> OtlpExporter::run() {
  next_flush_at_ = Clock::now() + options_.flush_interval;
  next_metrics_at_ = Clock::now() + options_.metrics_interval;
  while (!stopping()) {
    co_await wait_for_work();
    if (stopping()) break;
    const auto now = Clock::now();
    const bool flush_due = now >= next_flush_at_;
    if (flush_due) {
      next_flush_at_ = now + options_.flush_interval;
      co_await retry_pending();
    }
    co_await export_spans(/*whole_batches_only=*/!flush_due);
    if (metrics_enabled() && now >= next_metrics_at_) {
      next_metrics_at_ = now + options_.metrics_interval;
      co_await export_metrics();
    }
  }
  // Shutting down: everything still here gets one attempt within the deadline.
  co_await retry_pending();
  co_await export_spans(/*whole_batches_only=*/false);
  if (metrics_enabled()) co_await export_metrics();
  retries_.clear();
}

// Sleeps until a flush or metrics export is due, a full batch is queued, or shutdown begins.
asio::awaitable<void> OtlpExporter::wait_for_work() {
  auto wake_at = next_flush_at_;
  if (metrics_enabled()) wake_at = std::min(wake_at, next_metrics_at_);
  wake_timer_.expires_at(wake_at);
  // Checked with no suspension before the wait starts: a wake-up posted by enqueue() or
  // shutdown() after these checks runs only once the wait is pending, so it cannot be missed.
  if (stopping() || batch_ready()) co_return;
  boost::system::error_code ignored;
  co_await wake_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

bool OtlpExporter::batch_ready() {
  std::lock_guard lock(queue_mutex_);
  return queue_.size() >= options_.batch_spans;
}

std::vector<SpanRecord> OtlpExporter::take_spans(bool whole_batches_only) {
  std::lock_guard lock(queue_mutex_);
  wake_posted_ = false;
  const std::size_t batch = std::max<std::size_t>(1, options_.batch_spans);
  const std::size_t count = whole_batches_only ? queue_.size() / batch * batch : queue_.size();
  std::vector<SpanRecord> taken(std::make_move_iterator(queue_.begin()),
                                std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(count)));
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
  return taken;
}

asio::awaitable<void> OtlpExporter::export_spans(bool whole_batches_only) {
  const std::vector<SpanRecord> spans = take_spans(whole_batches_only);
  const std::span<const SpanRecord> all(spans);
  const std::size_t batch = std::max<std::size_t>(1, options_.batch_spans);
  for (std::size_t first = 0; first < all.size(); first += batch) {
    const auto chunk = all.subspan(first, std::min(batch, all.size() - first));
    Export payload = make_export("traces", options_.traces_url, json_.traces(chunk), chunk.size());
    co_await send_or_keep_for_retry(payload);
  }
}

asio::awaitable<void> OtlpExporter::export_metrics() {
  std::string body;
  try {
    body = json_.metrics(metrics_source_());
  } catch (const std::exception& e) {
    spdlog::warn("OTLP metrics export skipped: taking the snapshot failed: {}", e.what());
    co_return;
  }
  Export payload = make_export("metrics", options_.metrics_url, std::move(body), 0);
  co_await send_or_keep_for_retry(payload);
}

// Takes an lvalue: an argument built inside a co_await expression can be destroyed twice by GCC 12.
asio::awaitable<void> OtlpExporter::send_or_keep_for_retry(Export& payload) {
  const Outcome outcome = co_await post(payload);
  if (outcome == Outcome::kSent) {
    spans_exported_.fetch_add(payload.spans, std::memory_order_relaxed);
  } else if (outcome == Outcome::kRetryable && !stopping() && retries_.size() < kMaxPendingRetries) {
    retries_.push_back(std::move(payload));
  } else {
    exports_failed_.fetch_add(1, std::memory_order_relaxed);
  }
}

// Each failed export gets exactly one more attempt; what fails again is counted and let go.
asio::awaitable<void> OtlpExporter::retry_pending() {
  std::vector<Export> pending;
  pending.swap(retries_);
  for (const Export& payload : pending) {
    const Outcome outcome = co_await post(payload);
    if (outcome == Outcome::kSent) {
      spans_exported_.fetch_add(payload.spans, std::memory_order_relaxed);
    } else {
      exports_failed_.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

asio::awaitable<OtlpExporter::Outcome> OtlpExporter::post(const Export& payload) {
  const std::chrono::milliseconds allowed = time_allowed();
  if (allowed <= std::chrono::milliseconds(0)) {
    spdlog::warn("OTLP {} export dropped: the shutdown deadline passed", payload.signal);
    co_return Outcome::kRejected;
  }
  const upstream::UpstreamDeadlines deadlines{allowed, allowed, allowed};
  auto response = co_await client_->send(payload.request, deadlines);
  if (!response) {
    spdlog::warn("OTLP {} export failed: {}", payload.signal, response.error().message);
    co_return Outcome::kRetryable;
  }
  const unsigned status = response->status();
  // Read to the end so the connection can be kept for the next export.
  [[maybe_unused]] const auto answer = co_await response->read_all(kMaxCollectorAnswerBytes);
  if (status >= 200 && status < 300) co_return Outcome::kSent;
  spdlog::warn("OTLP {} export failed: the collector answered HTTP {}", payload.signal, status);
  co_return retryable_status(status) ? Outcome::kRetryable : Outcome::kRejected;
}

OtlpExporter::Export OtlpExporter::make_export(std::string_view signal, const std::string& url, std::string body,
                                               std::size_t spans) const {
  Export payload;
  payload.signal = signal;
  payload.request.url = url;
  payload.request.set_header("content-type", "application/json");
  payload.request.body = std::move(body);
  payload.spans = spans;
  return payload;
}

// A POST may take request_timeout; once shutdown has begun, no longer than what is left of its
// deadline.
std::chrono::milliseconds OtlpExporter::time_allowed() const {
  if (!stopping()) return options_.request_timeout;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      from_nanos(shutdown_deadline_ns_.load(std::memory_order_relaxed)) - Clock::now());
  return std::min(left, options_.request_timeout);
}

}  // namespace sluice::observability
