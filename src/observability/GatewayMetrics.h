// GatewayMetrics: the gateway's counters, gauges and latency histograms, recorded on the request path.
//
// One object per process, shared (std::shared_ptr) by every I/O thread. Recording takes no lock and
// allocates nothing once a series exists: each thread writes only its own shard, found through a
// thread_local pointer and registered once under a mutex; a shard's values are relaxed atomics, so
// snapshot() can read them while their owner writes. A shard takes its own mutex only to add a label
// set it has not seen before, and snapshot() takes each shard's mutex in turn while it merges them
// into a MetricsSnapshot, which the exporters (PrometheusText, OTLP) render.
//
// Label cardinality is bounded by configuration, never by callers: models are resolved gateway model
// ids, routes are "<provider>/<upstream model>" from the config, providers and queues are names the
// gateway chooses, outcomes are the gateway's own codes ("ok", "http_<status>", error codes),
// statuses are HTTP status codes, endpoints and token directions are enums. Never pass text a
// caller chose (a requested model name, a header) as a label value. Series are never removed: a
// model dropped by a config reload keeps its frozen series until restart, as counters should.
//
// Gauges owned elsewhere (queue depths, circuit-breaker states) are read through sources registered
// here and called by snapshot(); a source must be safe to call from any thread and must not throw.
#pragma once

#include "observability/MetricsSnapshot.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace sluice::observability {

// The `endpoint` label: which API a request used.
enum class EndpointLabel { kChatCompletions, kResponses, kEmbeddings, kMessages, kModels, kOther };

// The `direction` label of sluice_tokens_total.
enum class TokenDirection { kInput, kOutput, kCachedInput, kReasoning };

// One answered request, as record_request() counts it.
struct RequestObservation {
  EndpointLabel endpoint = EndpointLabel::kOther;
  std::string_view model;                // resolved gateway model id; empty when none was resolved
  std::string_view route;                // "<provider>/<upstream model>" that answered; empty when none did
  unsigned status = 0;                   // HTTP status sent to the caller
  std::chrono::nanoseconds duration{0};  // request received → response fully written
  std::chrono::nanoseconds upstream_duration{0};  // the part of it spent waiting on upstreams
};

// One route's breaker, as sluice_circuit_breaker_state reports it.
struct CircuitBreakerReading {
  std::string route;
  int state = 0;  // 0 closed, 1 half-open, 2 open
};

class GatewayMetrics {
 public:
  // Upper bounds, in seconds, of every latency histogram's buckets; +Inf is implied.
  static constexpr std::array<double, 17> kLatencyBucketBounds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

  // `version` labels sluice_build_info. The moment of construction is reported as
  // process_start_time_seconds and the snapshots' start time, so make this at startup.
  explicit GatewayMetrics(std::string version);
  ~GatewayMetrics();
  GatewayMetrics(const GatewayMetrics&) = delete;
  GatewayMetrics& operator=(const GatewayMetrics&) = delete;

  // --- The request path: any thread, no lock, no allocation once the series exists. ---

  // sluice_requests_total, sluice_request_duration_seconds and sluice_gateway_overhead_seconds
  // (duration minus upstream time, never below zero; requests that made no upstream call count
  // their whole duration as overhead).
  void record_request(const RequestObservation& request);
  // sluice_upstream_first_byte_seconds: from sending an upstream request to its first byte.
  void record_upstream_first_byte(std::string_view route, std::chrono::nanoseconds wait);
  // sluice_upstream_attempts_total; outcome is "ok", "http_<status>" or the error code.
  void record_upstream_attempt(std::string_view route, std::string_view outcome);
  void record_tokens(std::string_view model, TokenDirection direction, std::uint64_t tokens);
  // sluice_open_streams. A stream may close on another thread than the one that opened it.
  void stream_opened();
  void stream_closed();
  // sluice_queue_dropped_total: items a full background queue refused.
  void record_queue_drop(std::string_view queue, std::uint64_t items = 1);

  // --- Rare events. ---

  void record_credential_refresh(std::string_view provider, std::string_view outcome);
  // The gateway records its initial load as a successful reload, so the timestamp gauge is set
  // from the start; it stays 0 only if no configuration was ever loaded.
  void record_config_reload(bool success,
                            std::chrono::system_clock::time_point when = std::chrono::system_clock::now());

  // --- Gauges read at snapshot time. ---

  using QueueDepthSource = std::function<std::uint64_t()>;
  // sluice_queue_depth{queue}. Replaces the queue's source; an empty function removes the queue.
  void set_queue_depth_source(std::string queue, QueueDepthSource source);
  using CircuitBreakerSource = std::function<std::vector<CircuitBreakerReading>()>;
  // sluice_circuit_breaker_state{route}. Replaces the previous source; empty removes it.
  void set_circuit_breaker_source(CircuitBreakerSource source);

  // Every family, present even before anything was recorded, points sorted by label values.
  MetricsSnapshot snapshot() const;

 private:
  struct Shard;
  Shard& local_shard();
  Shard& register_shard();
  std::vector<Shard*> registered_shards() const;

  const std::uint64_t id_;  // tells this object's shards apart from another's in a thread's cache
  const std::string version_;
  const std::chrono::system_clock::time_point start_;

  mutable std::mutex shards_mutex_;  // registration only; never on the request path
  std::unordered_map<std::thread::id, std::unique_ptr<Shard>> shards_;

  std::atomic<std::uint64_t> reload_successes_{0};
  std::atomic<std::uint64_t> reload_failures_{0};
  std::atomic<std::int64_t> last_reload_success_unix_nanos_{0};

  mutable std::mutex sources_mutex_;
  std::map<std::string, QueueDepthSource, std::less<>> queue_depth_sources_;
  CircuitBreakerSource circuit_breaker_source_;
};

}  // namespace sluice::observability
