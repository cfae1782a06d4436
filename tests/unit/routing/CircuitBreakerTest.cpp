#include "routing/CircuitBreaker.h"

#include <gtest/gtest.h>

namespace sluice::routing {
namespace {

using Admission = CircuitBreaker::Admission;
using State = CircuitBreaker::State;
using std::chrono::milliseconds;

config::CircuitBreakerPolicy policy(std::uint32_t failures = 3, milliseconds cooldown = milliseconds(1000)) {
  config::CircuitBreakerPolicy p;
  p.consecutive_failures = failures;
  p.cooldown = cooldown;
  return p;
}

TEST(CircuitBreaker, OpensAfterConsecutiveFailures) {
  CircuitBreaker breaker("p/m", policy(3));
  const auto t0 = CircuitBreaker::Clock::now();
  breaker.record_failure(Admission::kAdmitted, t0);
  breaker.record_failure(Admission::kAdmitted, t0);
  EXPECT_EQ(breaker.state(t0), State::kClosed);
  EXPECT_TRUE(breaker.available(t0));
  breaker.record_failure(Admission::kAdmitted, t0);
  EXPECT_EQ(breaker.state(t0), State::kOpen);
  EXPECT_FALSE(breaker.available(t0));
  EXPECT_EQ(breaker.try_acquire(t0), Admission::kRefused);
}

TEST(CircuitBreaker, SuccessResetsTheCount) {
  CircuitBreaker breaker("p/m", policy(2));
  const auto t0 = CircuitBreaker::Clock::now();
  breaker.record_failure(Admission::kAdmitted, t0);
  breaker.record_success(Admission::kAdmitted);
  breaker.record_failure(Admission::kAdmitted, t0);
  EXPECT_EQ(breaker.state(t0), State::kClosed);
}

TEST(CircuitBreaker, HalfOpenLetsExactlyOneProbeThrough) {
  CircuitBreaker breaker("p/m", policy(1, milliseconds(100)));
  const auto t0 = CircuitBreaker::Clock::now();
  breaker.record_failure(Admission::kAdmitted, t0);
  const auto later = t0 + milliseconds(150);
  EXPECT_EQ(breaker.state(later), State::kHalfOpen);
  EXPECT_TRUE(breaker.available(later));
  EXPECT_EQ(breaker.try_acquire(later), Admission::kProbe);
  EXPECT_FALSE(breaker.available(later));
  EXPECT_EQ(breaker.try_acquire(later), Admission::kRefused);
}

TEST(CircuitBreaker, ProbeSuccessCloses) {
  CircuitBreaker breaker("p/m", policy(1, milliseconds(100)));
  const auto t0 = CircuitBreaker::Clock::now();
  breaker.record_failure(Admission::kAdmitted, t0);
  const auto later = t0 + milliseconds(150);
  const auto probe = breaker.try_acquire(later);
  ASSERT_EQ(probe, Admission::kProbe);
  breaker.record_success(probe);
  EXPECT_EQ(breaker.state(later), State::kClosed);
  EXPECT_EQ(breaker.try_acquire(later), Admission::kAdmitted);
}

TEST(CircuitBreaker, ProbeFailureReopensForAnotherCooldown) {
  CircuitBreaker breaker("p/m", policy(1, milliseconds(100)));
  const auto t0 = CircuitBreaker::Clock::now();
  breaker.record_failure(Admission::kAdmitted, t0);
  const auto later = t0 + milliseconds(150);
  const auto probe = breaker.try_acquire(later);
  ASSERT_EQ(probe, Admission::kProbe);
  breaker.record_failure(probe, later);
  EXPECT_EQ(breaker.state(later + milliseconds(50)), State::kOpen);
  EXPECT_EQ(breaker.state(later + milliseconds(150)), State::kHalfOpen);
}

TEST(CircuitBreaker, ReleasedProbeCanBeTakenAgain) {
  CircuitBreaker breaker("p/m", policy(1, milliseconds(100)));
  const auto t0 = CircuitBreaker::Clock::now();
  breaker.record_failure(Admission::kAdmitted, t0);
  const auto later = t0 + milliseconds(150);
  const auto probe = breaker.try_acquire(later);
  breaker.release(probe);
  EXPECT_EQ(breaker.try_acquire(later), Admission::kProbe);
}

TEST(CircuitBreaker, DisabledNeverOpens) {
  auto p = policy(1);
  p.enabled = false;
  CircuitBreaker breaker("p/m", p);
  const auto t0 = CircuitBreaker::Clock::now();
  for (int i = 0; i < 10; ++i) breaker.record_failure(Admission::kAdmitted, t0);
  EXPECT_TRUE(breaker.available(t0));
  EXPECT_EQ(breaker.try_acquire(t0), Admission::kAdmitted);
}

}  // namespace
}  // namespace sluice::routing
