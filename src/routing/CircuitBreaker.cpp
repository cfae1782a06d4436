#include "routing/CircuitBreaker.h"

#include <spdlog/spdlog.h>

namespace sluice::routing {

CircuitBreaker::CircuitBreaker(std::string name, config::CircuitBreakerPolicy policy)
    : name_(std::move(name)), policy_(policy) {}

CircuitBreaker::State CircuitBreaker::state_locked(Clock::time_point now) const {
  if (!open_) return State::kClosed;
  return now < open_until_ ? State::kOpen : State::kHalfOpen;
}

CircuitBreaker::State CircuitBreaker::state(Clock::time_point now) const {
  const std::lock_guard lock(mutex_);
  return state_locked(now);
}

bool CircuitBreaker::available(Clock::time_point now) const {
  if (!policy_.enabled) return true;
  const std::lock_guard lock(mutex_);
  switch (state_locked(now)) {
    case State::kClosed: return true;
    case State::kOpen: return false;
    case State::kHalfOpen: return !probe_in_flight_;
  }
  return true;
}

CircuitBreaker::Admission CircuitBreaker::try_acquire(Clock::time_point now) {
  if (!policy_.enabled) return Admission::kAdmitted;
  const std::lock_guard lock(mutex_);
  switch (state_locked(now)) {
    case State::kClosed: return Admission::kAdmitted;
    case State::kOpen: return Admission::kRefused;
    case State::kHalfOpen:
      if (probe_in_flight_) return Admission::kRefused;
      probe_in_flight_ = true;
      return Admission::kProbe;
  }
  return Admission::kAdmitted;
}

void CircuitBreaker::record_success(Admission admission) {
  if (!policy_.enabled) return;
  bool closed = false;
  {
    const std::lock_guard lock(mutex_);
    consecutive_failures_ = 0;
    if (admission == Admission::kProbe) probe_in_flight_ = false;
    closed = open_;
    open_ = false;
  }
  if (closed) spdlog::warn("circuit for route {} closed", name_);
}

void CircuitBreaker::record_failure(Admission admission, Clock::time_point now) {
  if (!policy_.enabled) return;
  bool opened = false;
  {
    const std::lock_guard lock(mutex_);
    if (admission == Admission::kProbe) probe_in_flight_ = false;
    if (open_) {
      // A failed probe (or a panic-mode attempt after the cooldown): open for another cooldown.
      // A request let in before the breaker opened that fails now changes nothing.
      if (admission == Admission::kProbe || now >= open_until_) {
        open_until_ = now + policy_.cooldown;
        opened = true;
      }
    } else if (++consecutive_failures_ >= policy_.consecutive_failures) {
      open_ = true;
      open_until_ = now + policy_.cooldown;
      opened = true;
    }
  }
  if (opened) {
    spdlog::warn("circuit for route {} opened for {} ms", name_, policy_.cooldown.count());
  }
}

void CircuitBreaker::release(Admission admission) {
  if (!policy_.enabled || admission != Admission::kProbe) return;
  const std::lock_guard lock(mutex_);
  probe_in_flight_ = false;
}

}  // namespace sluice::routing
