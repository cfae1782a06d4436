#include "observability/GatewayMetrics.h"

#include <algorithm>
#include <charconv>
#include <initializer_list>

namespace sluice::observability {
namespace {

constexpr std::size_t kBucketCount = GatewayMetrics::kLatencyBucketBounds.size() + 1;  // + the +Inf one

// The bounds in whole nanoseconds: placing an observation compares integers, so a duration exactly
// on a bound lands in that bound's bucket (le is inclusive) without any floating-point doubt.
constexpr std::array<std::int64_t, GatewayMetrics::kLatencyBucketBounds.size()> kBoundNanos = [] {
  std::array<std::int64_t, GatewayMetrics::kLatencyBucketBounds.size()> nanos{};
  for (std::size_t i = 0; i < nanos.size(); ++i) {
    nanos[i] = static_cast<std::int64_t>(GatewayMetrics::kLatencyBucketBounds[i] * 1e9 + 0.5);
  }
  return nanos;
}();

constexpr auto kRelaxed = std::memory_order_relaxed;

std::atomic<std::uint64_t> next_metrics_id{1};

using LabelValues = std::vector<std::string>;

struct CounterSeries {
  LabelValues label_values;
  std::atomic<std::uint64_t> value{0};
};

struct HistogramSeries {
  LabelValues label_values;
  std::array<std::atomic<std::uint64_t>, kBucketCount> buckets{};  // per bucket, not cumulative
  // Nanoseconds rather than a double: integer sums are exact and need no compare-and-swap loop.
  std::atomic<std::uint64_t> sum_nanos{0};
};

struct TransparentStringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

// One metric's series within a shard, keyed by their label values. Only the shard's owner inserts,
// and it looks up without a lock: its lookups are reads, and the only other party, snapshot(), only
// reads too. Inserting takes the shard's mutex so that snapshot() never iterates a changing table.
template <typename Series>
class SeriesTable {
 public:
  Series& find_or_insert(std::mutex& shard_mutex, std::string& key,
                         std::initializer_list<std::string_view> label_values) {
    encode_key(key, label_values);
    if (const auto found = series_.find(std::string_view(key)); found != series_.end()) {
      return found->second;
    }
    const std::lock_guard lock(shard_mutex);
    Series& series = series_.try_emplace(key).first->second;
    series.label_values.assign(label_values.begin(), label_values.end());
    return series;
  }

  // The caller holds the shard's mutex.
  template <typename Visit>
  void for_each(Visit visit) const {
    for (const auto& entry : series_) visit(entry.second);
  }

 private:
  // Length-prefixed, so ("a", "bc") and ("ab", "c") stay different keys whatever the values hold.
  // `key` is the shard's reused buffer: once it has grown, building a key allocates nothing.
  static void encode_key(std::string& key, std::initializer_list<std::string_view> label_values) {
    key.clear();
    for (const std::string_view value : label_values) {
      char length[20];
      const auto written = std::to_chars(std::begin(length), std::end(length), value.size());
      key.append(length, written.ptr);
      key.push_back(':');
      key.append(value);
    }
  }

  std::unordered_map<std::string, Series, TransparentStringHash, std::equal_to<>> series_;
};

void observe(HistogramSeries& series, std::chrono::nanoseconds duration) {
  const std::int64_t nanos = std::max<std::int64_t>(duration.count(), 0);
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(kBoundNanos.begin(), kBoundNanos.end(), nanos) - kBoundNanos.begin());
  series.buckets[bucket].fetch_add(1, kRelaxed);
  series.sum_nanos.fetch_add(static_cast<std::uint64_t>(nanos), kRelaxed);
}

std::string_view endpoint_text(EndpointLabel endpoint) {
  switch (endpoint) {
    case EndpointLabel::kChatCompletions: return "chat_completions";
    case EndpointLabel::kResponses: return "responses";
    case EndpointLabel::kEmbeddings: return "embeddings";
    case EndpointLabel::kMessages: return "messages";
    case EndpointLabel::kModels: return "models";
    case EndpointLabel::kOther: return "other";
  }
  return "other";
}

std::string_view direction_text(TokenDirection direction) {
  switch (direction) {
    case TokenDirection::kInput: return "input";
    case TokenDirection::kOutput: return "output";
    case TokenDirection::kCachedInput: return "cached_input";
    case TokenDirection::kReasoning: return "reasoning";
  }
  return "input";
}

// An HTTP status as label text, on the stack.
class StatusText {
 public:
  explicit StatusText(unsigned status)
      : size_(static_cast<std::size_t>(std::to_chars(text_, text_ + sizeof text_, status).ptr - text_)) {}
  std::string_view view() const { return {text_, size_}; }

 private:
  char text_[12];
  std::size_t size_;
};

std::int64_t unix_nanos(std::chrono::system_clock::time_point when) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch()).count();
}

// --- Merging shards into a snapshot ---------------------------------------------------------------

struct MergedHistogram {
  std::array<std::uint64_t, kBucketCount> buckets{};
  std::uint64_t sum_nanos = 0;
};

using MergedCounters = std::map<LabelValues, std::uint64_t>;  // sorted: deterministic points
using MergedHistograms = std::map<LabelValues, MergedHistogram>;

void merge_into(MergedCounters& merged, const SeriesTable<CounterSeries>& table) {
  table.for_each(
      [&](const CounterSeries& series) { merged[series.label_values] += series.value.load(kRelaxed); });
}

void merge_into(MergedHistograms& merged, const SeriesTable<HistogramSeries>& table) {
  table.for_each([&](const HistogramSeries& series) {
    MergedHistogram& total = merged[series.label_values];
    for (std::size_t i = 0; i < kBucketCount; ++i) total.buckets[i] += series.buckets[i].load(kRelaxed);
    total.sum_nanos += series.sum_nanos.load(kRelaxed);
  });
}

// Every shard's series, added up. Labels are sorted by value, so points come out in a fixed order.
struct MergedShards {
  MergedCounters requests, upstream_attempts, tokens, credential_refreshes, queue_dropped;
  MergedHistograms request_duration, upstream_first_byte, gateway_overhead;
  std::int64_t open_streams = 0;
};

MetricLabels labels_of(const std::vector<std::string_view>& names, const LabelValues& values) {
  MetricLabels labels;
  labels.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) labels.emplace_back(names[i], values[i]);
  return labels;
}

struct FamilySpec {
  std::string_view name;
  std::string_view help;
  std::string_view unit;
  std::vector<std::string_view> label_names;
};

MetricFamily family_of(const FamilySpec& spec, MetricKind kind) {
  MetricFamily family;
  family.name = spec.name;
  family.help = spec.help;
  family.unit = spec.unit;
  family.kind = kind;
  return family;
}

MetricFamily counter_family(const FamilySpec& spec, const MergedCounters& merged) {
  MetricFamily family = family_of(spec, MetricKind::kCounter);
  for (const auto& [values, count] : merged) {
    family.points.push_back({labels_of(spec.label_names, values), static_cast<double>(count), {}});
  }
  return family;
}

MetricFamily histogram_family(const FamilySpec& spec, const MergedHistograms& merged) {
  MetricFamily family = family_of(spec, MetricKind::kHistogram);
  for (const auto& [values, total] : merged) {
    HistogramValue histogram;
    histogram.upper_bounds.assign(GatewayMetrics::kLatencyBucketBounds.begin(),
                                  GatewayMetrics::kLatencyBucketBounds.end());
    histogram.bucket_counts.assign(total.buckets.begin(), total.buckets.end());
    // The count is the buckets' total rather than a separate atomic, so a snapshot taken while an
    // observation lands can never show a count that disagrees with its buckets.
    for (const std::uint64_t bucket : total.buckets) histogram.count += bucket;
    histogram.sum = static_cast<double>(total.sum_nanos) / 1e9;
    family.points.push_back({labels_of(spec.label_names, values), 0, std::move(histogram)});
  }
  return family;
}

MetricFamily gauge_family(const FamilySpec& spec, std::vector<MetricPoint> points) {
  MetricFamily family = family_of(spec, MetricKind::kGauge);
  family.points = std::move(points);
  return family;
}

MetricPoint gauge_point(MetricLabels labels, double value) { return {std::move(labels), value, {}}; }

using QueueDepthSources = std::map<std::string, GatewayMetrics::QueueDepthSource, std::less<>>;

std::vector<MetricPoint> queue_depth_points(const QueueDepthSources& sources) {
  std::vector<MetricPoint> points;
  for (const auto& [queue, source] : sources) {
    points.push_back(gauge_point({{"queue", queue}}, static_cast<double>(source())));
  }
  return points;
}

std::vector<MetricPoint> circuit_breaker_points(const GatewayMetrics::CircuitBreakerSource& source) {
  std::map<std::string, int> states;  // by route: sorted, and one point per route
  if (source) {
    for (CircuitBreakerReading& reading : source()) states[std::move(reading.route)] = reading.state;
  }
  std::vector<MetricPoint> points;
  for (const auto& [route, state] : states) points.push_back(gauge_point({{"route", route}}, state));
  return points;
}

double unix_seconds(std::int64_t unix_nanos) { return static_cast<double>(unix_nanos) / 1e9; }

const FamilySpec kRequests{"sluice_requests_total",
                           "Requests answered, by endpoint, resolved model, serving route and HTTP status.",
                           "{request}",
                           {"endpoint", "model", "route", "status"}};
const FamilySpec kRequestDuration{"sluice_request_duration_seconds",
                                  "Time from receiving a request to finishing its response.",
                                  "s",
                                  {"endpoint", "model"}};
const FamilySpec kUpstreamFirstByte{"sluice_upstream_first_byte_seconds",
                                    "Time from sending an upstream request to the first byte of its answer.",
                                    "s",
                                    {"route"}};
const FamilySpec kGatewayOverhead{"sluice_gateway_overhead_seconds",
                                  "Time the gateway added to a request: its duration minus upstream time.",
                                  "s",
                                  {"endpoint"}};
const FamilySpec kUpstreamAttempts{"sluice_upstream_attempts_total",
                                   "Upstream attempts by route and outcome (ok, http_<status>, error code).",
                                   "{attempt}",
                                   {"route", "outcome"}};
const FamilySpec kTokens{"sluice_tokens_total",
                         "Tokens reported by upstreams, by resolved model and direction.",
                         "{token}",
                         {"model", "direction"}};
const FamilySpec kCredentialRefreshes{"sluice_credential_refreshes_total",
                                      "Upstream credential refreshes by provider and outcome.",
                                      "{refresh}",
                                      {"provider", "outcome"}};
const FamilySpec kQueueDropped{
    "sluice_queue_dropped_total", "Items a full background queue refused.", "{item}", {"queue"}};
const FamilySpec kOpenStreams{
    "sluice_open_streams", "Streaming responses being forwarded now.", "{stream}", {}};
const FamilySpec kQueueDepth{
    "sluice_queue_depth", "Items waiting in a background queue.", "{item}", {"queue"}};
const FamilySpec kCircuitBreakerState{"sluice_circuit_breaker_state",
                                      "Circuit breaker state per route: 0 closed, 1 half-open, 2 open.",
                                      "1",
                                      {"route"}};
const FamilySpec kConfigReloads{
    "sluice_config_reloads_total", "Configuration loads and reloads by outcome.", "{reload}", {"outcome"}};
const FamilySpec kConfigLastReloadSuccess{
    "sluice_config_last_reload_success_timestamp_seconds",
    "Unix time of the last successful configuration load; 0 before one.",
    "s",
    {}};
const FamilySpec kBuildInfo{
    "sluice_build_info", "Always 1; the labels describe the running build.", "1", {"version"}};
const FamilySpec kProcessStartTime{
    "process_start_time_seconds", "Start time of the process since the Unix epoch in seconds.", "s", {}};

}  // namespace

// A thread's share of the metrics. Its owner writes its values without a lock; see SeriesTable.
struct GatewayMetrics::Shard {
  std::mutex mutex;        // held to insert a series, and by snapshot() while it reads this shard
  std::string key_buffer;  // the owner's, for building series keys without allocating
  SeriesTable<CounterSeries> requests;               // endpoint, model, route, status
  SeriesTable<HistogramSeries> request_duration;     // endpoint, model
  SeriesTable<HistogramSeries> upstream_first_byte;  // route
  SeriesTable<HistogramSeries> gateway_overhead;     // endpoint
  SeriesTable<CounterSeries> upstream_attempts;      // route, outcome
  SeriesTable<CounterSeries> tokens;                 // model, direction
  SeriesTable<CounterSeries> credential_refreshes;   // provider, outcome
  SeriesTable<CounterSeries> queue_dropped;          // queue
  // Signed: a stream opened here may close on another thread, leaving this shard negative.
  std::atomic<std::int64_t> open_streams{0};

  template <typename Series>
  Series& series(SeriesTable<Series>& table, std::initializer_list<std::string_view> label_values) {
    return table.find_or_insert(mutex, key_buffer, label_values);
  }

  void add_to(MergedShards& merged) {
    const std::lock_guard lock(mutex);
    merge_into(merged.requests, requests);
    merge_into(merged.request_duration, request_duration);
    merge_into(merged.upstream_first_byte, upstream_first_byte);
    merge_into(merged.gateway_overhead, gateway_overhead);
    merge_into(merged.upstream_attempts, upstream_attempts);
    merge_into(merged.tokens, tokens);
    merge_into(merged.credential_refreshes, credential_refreshes);
    merge_into(merged.queue_dropped, queue_dropped);
    merged.open_streams += open_streams.load(kRelaxed);
  }
};

GatewayMetrics::GatewayMetrics(std::string version)
    : id_(next_metrics_id.fetch_add(1, kRelaxed)),
      version_(std::move(version)),
      start_(std::chrono::system_clock::now()) {}

GatewayMetrics::~GatewayMetrics() = default;

GatewayMetrics::Shard& GatewayMetrics::local_shard() {
  // One entry per thread: in a process there is one GatewayMetrics, so after the first call this is
  // a compare and a pointer read. The id, unlike the address, is never reused by a later instance.
  struct CachedShard {
    std::uint64_t metrics_id = 0;
    Shard* shard = nullptr;
  };
  thread_local CachedShard cached;
  if (cached.metrics_id != id_) cached = {id_, &register_shard()};
  return *cached.shard;
}

GatewayMetrics::Shard& GatewayMetrics::register_shard() {
  // A thread that switches between instances (tests do) finds its earlier shard again. Shards
  // outlive their threads so that what an exited thread counted stays in the totals.
  const std::lock_guard lock(shards_mutex_);
  std::unique_ptr<Shard>& shard = shards_[std::this_thread::get_id()];
  if (!shard) shard = std::make_unique<Shard>();
  return *shard;
}

void GatewayMetrics::record_request(const RequestObservation& request) {
  Shard& shard = local_shard();
  const std::string_view endpoint = endpoint_text(request.endpoint);
  const StatusText status(request.status);
  shard.series(shard.requests, {endpoint, request.model, request.route, status.view()})
      .value.fetch_add(1, kRelaxed);
  observe(shard.series(shard.request_duration, {endpoint, request.model}), request.duration);
  observe(shard.series(shard.gateway_overhead, {endpoint}), request.duration - request.upstream_duration);
}

void GatewayMetrics::record_upstream_first_byte(std::string_view route, std::chrono::nanoseconds wait) {
  Shard& shard = local_shard();
  observe(shard.series(shard.upstream_first_byte, {route}), wait);
}

void GatewayMetrics::record_upstream_attempt(std::string_view route, std::string_view outcome) {
  Shard& shard = local_shard();
  shard.series(shard.upstream_attempts, {route, outcome}).value.fetch_add(1, kRelaxed);
}

void GatewayMetrics::record_tokens(std::string_view model, TokenDirection direction, std::uint64_t tokens) {
  Shard& shard = local_shard();
  shard.series(shard.tokens, {model, direction_text(direction)}).value.fetch_add(tokens, kRelaxed);
}

void GatewayMetrics::stream_opened() { local_shard().open_streams.fetch_add(1, kRelaxed); }

void GatewayMetrics::stream_closed() { local_shard().open_streams.fetch_sub(1, kRelaxed); }

void GatewayMetrics::record_queue_drop(std::string_view queue, std::uint64_t items) {
  Shard& shard = local_shard();
  shard.series(shard.queue_dropped, {queue}).value.fetch_add(items, kRelaxed);
}

void GatewayMetrics::record_credential_refresh(std::string_view provider, std::string_view outcome) {
  Shard& shard = local_shard();
  shard.series(shard.credential_refreshes, {provider, outcome}).value.fetch_add(1, kRelaxed);
}

void GatewayMetrics::record_config_reload(bool success, std::chrono::system_clock::time_point when) {
  if (!success) {
    reload_failures_.fetch_add(1, kRelaxed);
    return;
  }
  reload_successes_.fetch_add(1, kRelaxed);
  last_reload_success_unix_nanos_.store(unix_nanos(when), kRelaxed);
}

void GatewayMetrics::set_queue_depth_source(std::string queue, QueueDepthSource source) {
  const std::lock_guard lock(sources_mutex_);
  if (source) {
    queue_depth_sources_.insert_or_assign(std::move(queue), std::move(source));
  } else {
    queue_depth_sources_.erase(queue);
  }
}

void GatewayMetrics::set_circuit_breaker_source(CircuitBreakerSource source) {
  const std::lock_guard lock(sources_mutex_);
  circuit_breaker_source_ = std::move(source);
}

MetricsSnapshot GatewayMetrics::snapshot() const {
  MergedShards merged;
  for (Shard* shard : registered_shards()) shard->add_to(merged);

  // Sources are copied out and called without the lock, so one that calls back into this object
  // (or is slow) cannot deadlock or stall a registration.
  QueueDepthSources queue_depth_sources;
  CircuitBreakerSource circuit_breaker_source;
  {
    const std::lock_guard lock(sources_mutex_);
    queue_depth_sources = queue_depth_sources_;
    circuit_breaker_source = circuit_breaker_source_;
  }
  // Shards are read one after another, so a stream opened on one thread and closed on another
  // can be seen closed but not yet opened; the true value is never negative.
  const auto open_streams = static_cast<double>(std::max<std::int64_t>(merged.open_streams, 0));
  const MergedCounters config_reloads{{{"failure"}, reload_failures_.load(kRelaxed)},
                                      {{"success"}, reload_successes_.load(kRelaxed)}};

  MetricsSnapshot snapshot;
  snapshot.taken_unix_nanos = unix_nanos(std::chrono::system_clock::now());
  snapshot.start_unix_nanos = unix_nanos(start_);
  snapshot.families = {
      counter_family(kRequests, merged.requests),
      histogram_family(kRequestDuration, merged.request_duration),
      histogram_family(kUpstreamFirstByte, merged.upstream_first_byte),
      histogram_family(kGatewayOverhead, merged.gateway_overhead),
      counter_family(kUpstreamAttempts, merged.upstream_attempts),
      counter_family(kTokens, merged.tokens),
      counter_family(kCredentialRefreshes, merged.credential_refreshes),
      counter_family(kQueueDropped, merged.queue_dropped),
      gauge_family(kOpenStreams, {gauge_point({}, open_streams)}),
      gauge_family(kQueueDepth, queue_depth_points(queue_depth_sources)),
      gauge_family(kCircuitBreakerState, circuit_breaker_points(circuit_breaker_source)),
      counter_family(kConfigReloads, config_reloads),
      gauge_family(kConfigLastReloadSuccess,
                   {gauge_point({}, unix_seconds(last_reload_success_unix_nanos_.load(kRelaxed)))}),
      gauge_family(kBuildInfo, {gauge_point({{"version", version_}}, 1)}),
      gauge_family(kProcessStartTime, {gauge_point({}, unix_seconds(snapshot.start_unix_nanos))}),
  };
  return snapshot;
}

std::vector<GatewayMetrics::Shard*> GatewayMetrics::registered_shards() const {
  // Shards are never removed while this object lives, so the pointers stay good after unlocking.
  const std::lock_guard lock(shards_mutex_);
  std::vector<Shard*> shards;
  shards.reserve(shards_.size());
  for (const auto& entry : shards_) shards.push_back(entry.second.get());
  return shards;
}

}  // namespace sluice::observability
