// `routing` (Sluice's own; docs/configuration.md "Routing and resilience"): retries, fallback across
// a model's planned routes, the overall deadline and the passive circuit breaker. The same block is
// read at the top level and under a model, where each key written overrides the top-level value.
#include "config/SectionReaders.h"

namespace sluice::config {

namespace {

// A `*_ms` duration: an integer >= `minimum` milliseconds.
bool read_millis(const ConfigNode& node, std::chrono::milliseconds& out, std::int64_t minimum) {
  std::int64_t millis = 0;
  if (!read_into(node, millis)) return false;
  if (millis < minimum) {
    node.error(fmt::format("{} must be >= {}, got {}", node.path(), minimum, millis));
    return false;
  }
  out = std::chrono::milliseconds(millis);
  return true;
}

void read_circuit_breaker(const ConfigNode& node, CircuitBreakerPolicy& breaker) {
  if (!node.expect_map()) return;
  node.check_keys({"enabled", "consecutive_failures", "cooldown_ms"}, UnknownKeys::kWarn);
  read_into(node.child("enabled"), breaker.enabled);
  read_positive(node.child("consecutive_failures"), breaker.consecutive_failures);
  read_millis(node.child("cooldown_ms"), breaker.cooldown, 1);
}

}  // namespace

RoutingPolicy read_routing(const ConfigNode& node, const RoutingPolicy& base) {
  RoutingPolicy policy = base;
  if (!node.expect_map()) return policy;
  node.check_keys({"fallback", "retries_per_route", "max_attempts", "backoff_base_ms",
                   "backoff_max_ms", "deadline_ms", "circuit_breaker"},
                  UnknownKeys::kWarn);
  read_into(node.child("fallback"), policy.fallback);
  const ConfigNode retries = node.child("retries_per_route");
  std::uint32_t retry_count = 0;
  if (read_into(retries, retry_count)) {
    if (retry_count > kMaxRetriesPerRoute) {
      retries.error(fmt::format("{} must be between 0 and {}, got {}", retries.path(),
                                kMaxRetriesPerRoute, retry_count));
    } else {
      policy.retries_per_route = retry_count;
    }
  }
  read_positive(node.child("max_attempts"), policy.max_attempts);
  const ConfigNode base_node = node.child("backoff_base_ms");
  const ConfigNode max_node = node.child("backoff_max_ms");
  const bool base_ok = read_millis(base_node, policy.backoff_base, 0);
  const bool max_ok = read_millis(max_node, policy.backoff_max, 0);
  if ((base_ok || max_ok) && policy.backoff_max < policy.backoff_base) {
    (max_node.present() ? max_node : base_node)
        .error(fmt::format("{} backoff_max_ms ({}) must be >= backoff_base_ms ({})", node.path(),
                           policy.backoff_max.count(), policy.backoff_base.count()));
  }
  std::chrono::milliseconds deadline{0};
  if (read_millis(node.child("deadline_ms"), deadline, 1)) policy.deadline = deadline;
  read_circuit_breaker(node.child("circuit_breaker"), policy.circuit_breaker);
  return policy;
}

}  // namespace sluice::config
