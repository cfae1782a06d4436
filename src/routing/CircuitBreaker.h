// CircuitBreaker: a passive breaker for one route, shared by every I/O thread.
//
// Closed: requests flow; each fallback-worthy failure (transport, timeout, 429, 5xx, credentials)
// counts, any other answer resets the count. `consecutive_failures` in a row open it. Open: the route
// is skipped by plans for `cooldown`. After the cooldown it is half-open: exactly one request (the
// probe) is let through; its success closes the breaker, its failure re-opens it for another
// cooldown. State changes are logged at warn ("circuit for route X opened/closed").
//
// A small mutex per breaker guards the state; requests never share a lock across routes.
#pragma once

#include "config/GatewayConfig.h"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace sluice::routing {

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;
  enum class State { kClosed, kOpen, kHalfOpen };
  // What try_acquire() granted: nothing, an ordinary pass, or the half-open probe.
  enum class Admission { kRefused, kAdmitted, kProbe };

  CircuitBreaker(std::string name, config::CircuitBreakerPolicy policy);

  const std::string& name() const { return name_; }
  bool enabled() const { return policy_.enabled; }

  // Would a request be let through now? Does not claim the half-open probe (plans use this).
  bool available(Clock::time_point now = Clock::now()) const;
  // Lets a request through, claiming the probe when half-open. kRefused: skip the route.
  Admission try_acquire(Clock::time_point now = Clock::now());
  // The outcome of a request let through (`admission` is what try_acquire() gave it; panic-mode
  // attempts pass kAdmitted).
  void record_success(Admission admission);
  void record_failure(Admission admission, Clock::time_point now = Clock::now());
  // A request let through ended without a verdict on the route: frees the probe, changes nothing.
  void release(Admission admission);

  State state(Clock::time_point now = Clock::now()) const;

 private:
  State state_locked(Clock::time_point now) const;

  std::string name_;
  config::CircuitBreakerPolicy policy_;
  mutable std::mutex mutex_;
  bool open_ = false;                 // opened and not yet closed by a successful probe
  Clock::time_point open_until_{};
  bool probe_in_flight_ = false;
  std::uint32_t consecutive_failures_ = 0;
};

}  // namespace sluice::routing
