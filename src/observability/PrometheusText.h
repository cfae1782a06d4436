// PrometheusText: a MetricsSnapshot in the Prometheus text exposition format 0.0.4, for GET /metrics.
//
// The output is deterministic — families sorted by name, points by their labels — so two renders of
// equal snapshots are byte-equal and diffs of scrapes are readable. Each family gets its HELP and
// TYPE lines; histograms become cumulative `_bucket` samples with an inclusive `le` bound (the last
// one `+Inf`), then `_sum` and `_count`. Numbers take the shortest text that reads back to the same
// double, whole numbers without an exponent ("0.005", "2.5", "120", "1048576").
#pragma once

#include "observability/MetricsSnapshot.h"

#include <string>
#include <string_view>

namespace sluice::observability {

inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string render_prometheus(const MetricsSnapshot& snapshot);

}  // namespace sluice::observability
