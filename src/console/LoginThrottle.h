// LoginThrottle: the sign-in rate limit — failed password sign-ins per email and per client
// address in a sliding 15-minute window (5 per email, 20 per address by default). Once either is
// reached, sign-in answers 429 with Retry-After until the oldest failure leaves the window, whether
// or not the next password is right (so guessing cannot continue at a slower pace unnoticed).
//
// In process memory: each gateway instance counts its own failures, so N instances behind a load
// balancer allow up to N times the limit. The sign-in path is rare and off the data plane, so a
// mutex is fine here.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sluice::console {

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  struct Limits {
    std::size_t per_email = 5;
    std::size_t per_address = 20;
    std::chrono::seconds window{15 * 60};
  };

  LoginThrottle() : LoginThrottle(Limits{}) {}
  explicit LoginThrottle(Limits limits) : limits_(limits) {}

  // How long the caller must wait, when either counter is full.
  std::optional<std::chrono::seconds> blocked(std::string_view email, std::string_view address,
                                              Clock::time_point now);
  void record_failure(std::string_view email, std::string_view address, Clock::time_point now);
  // A successful sign-in clears the email's failures (not the address's: one address may be many
  // people behind a NAT, and one success says nothing about the others' guesses).
  void record_success(std::string_view email);

 private:
  using Failures = std::deque<Clock::time_point>;
  void forget_old(Failures& failures, Clock::time_point now) const;
  std::optional<std::chrono::seconds> wait_for(Failures& failures, std::size_t limit,
                                               Clock::time_point now) const;
  void prune(std::unordered_map<std::string, Failures>& counters, Clock::time_point now);

  Limits limits_;
  std::mutex mutex_;
  std::unordered_map<std::string, Failures> by_email_;
  std::unordered_map<std::string, Failures> by_address_;
};

}  // namespace sluice::console
