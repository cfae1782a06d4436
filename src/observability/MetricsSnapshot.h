// MetricsSnapshot: the gateway's metrics at one instant, as plain values.
//
// observability/GatewayMetrics collects on the request path (per-thread, lock-free) and produces a
// snapshot on demand; each exporter renders the snapshot in its own format — the Prometheus text
// exposition for GET /metrics, OTLP/HTTP JSON for the OpenTelemetry exporter. Exporters never touch
// the live counters.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sluice::observability {

enum class MetricKind { kCounter, kGauge, kHistogram };

using MetricLabels = std::vector<std::pair<std::string, std::string>>;  // in a fixed order

struct HistogramValue {
  std::vector<double> upper_bounds;          // ascending, finite; +Inf is implied
  std::vector<std::uint64_t> bucket_counts;  // per bucket, NOT cumulative; size = bounds + 1 (+Inf)
  double sum = 0;
  std::uint64_t count = 0;
};

struct MetricPoint {
  MetricLabels labels;
  double value = 0;            // counters and gauges
  HistogramValue histogram;    // histograms
};

struct MetricFamily {
  std::string name;  // Prometheus-style, e.g. sluice_requests_total; seconds for durations
  std::string help;
  std::string unit;  // UCUM-ish for OTLP: "s", "{request}", "{token}", "1"
  MetricKind kind = MetricKind::kCounter;
  std::vector<MetricPoint> points;
};

struct MetricsSnapshot {
  std::int64_t taken_unix_nanos = 0;
  std::int64_t start_unix_nanos = 0;  // when counting began (OTLP cumulative start time)
  std::vector<MetricFamily> families;
};

}  // namespace sluice::observability
