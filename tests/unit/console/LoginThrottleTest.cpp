#include "console/LoginThrottle.h"

#include <gtest/gtest.h>

namespace sluice::console {
namespace {

using namespace std::chrono_literals;

TEST(LoginThrottle, BlocksAnEmailAfterFiveFailuresUntilTheOldestLeavesTheWindow) {
  LoginThrottle throttle;
  const auto start = LoginThrottle::Clock::time_point{} + 1h;
  for (int i = 0; i < 4; ++i) throttle.record_failure("a@x", "10.0.0.1", start + i * 1s);
  EXPECT_FALSE(throttle.blocked("a@x", "10.0.0.1", start + 5s));
  throttle.record_failure("a@x", "10.0.0.1", start + 5s);
  const auto wait = throttle.blocked("a@x", "10.0.0.2", start + 6s);  // any address
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 15min - 6s);
  EXPECT_FALSE(throttle.blocked("b@x", "10.0.0.9", start + 6s));  // other emails are not affected
  EXPECT_FALSE(throttle.blocked("a@x", "10.0.0.9", start + 15min));  // the first failure expired
}

TEST(LoginThrottle, BlocksAnAddressAfterTwentyFailuresAcrossEmails) {
  LoginThrottle throttle;
  const auto start = LoginThrottle::Clock::time_point{} + 1h;
  for (int i = 0; i < 20; ++i) {
    throttle.record_failure("user" + std::to_string(i) + "@x", "192.0.2.7", start);
  }
  EXPECT_TRUE(throttle.blocked("new@x", "192.0.2.7", start + 1s));
  EXPECT_FALSE(throttle.blocked("new@x", "192.0.2.8", start + 1s));
}

TEST(LoginThrottle, SuccessClearsTheEmailButNotTheAddress) {
  LoginThrottle throttle({2, 3, 60s});
  const auto now = LoginThrottle::Clock::time_point{} + 1h;
  throttle.record_failure("a@x", "ip", now);
  throttle.record_failure("a@x", "ip", now);
  EXPECT_TRUE(throttle.blocked("a@x", "other-ip", now));
  throttle.record_success("a@x");
  EXPECT_FALSE(throttle.blocked("a@x", "other-ip", now));
  throttle.record_failure("b@x", "ip", now);
  EXPECT_TRUE(throttle.blocked("c@x", "ip", now));  // the address has 3
}

}  // namespace
}  // namespace sluice::console
