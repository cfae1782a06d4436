#include "console/LoginThrottle.h"

#include <algorithm>

namespace sluice::console {

namespace {
// Counters kept before stale ones are swept: bounds the memory a spray of made-up emails can take.
constexpr std::size_t kSweepAbove = 10'000;
}  // namespace

void LoginThrottle::forget_old(Failures& failures, Clock::time_point now) const {
  while (!failures.empty() && failures.front() + limits_.window <= now) failures.pop_front();
}

std::optional<std::chrono::seconds> LoginThrottle::wait_for(Failures& failures, std::size_t limit,
                                                            Clock::time_point now) const {
  forget_old(failures, now);
  if (failures.size() < limit) return std::nullopt;
  // Free again once enough of the oldest failures have left the window.
  const auto frees_at = failures[failures.size() - limit] + limits_.window;
  const auto wait = std::chrono::ceil<std::chrono::seconds>(frees_at - now);
  return std::max(wait, std::chrono::seconds(1));
}

std::optional<std::chrono::seconds> LoginThrottle::blocked(std::string_view email,
                                                           std::string_view address,
                                                           Clock::time_point now) {
  std::lock_guard lock(mutex_);
  std::optional<std::chrono::seconds> wait;
  if (auto found = by_email_.find(std::string(email)); found != by_email_.end()) {
    wait = wait_for(found->second, limits_.per_email, now);
  }
  if (auto found = by_address_.find(std::string(address)); found != by_address_.end()) {
    if (auto address_wait = wait_for(found->second, limits_.per_address, now)) {
      wait = std::max(wait.value_or(std::chrono::seconds(0)), *address_wait);
    }
  }
  return wait;
}

void LoginThrottle::record_failure(std::string_view email, std::string_view address,
                                   Clock::time_point now) {
  std::lock_guard lock(mutex_);
  prune(by_email_, now);
  prune(by_address_, now);
  by_email_[std::string(email)].push_back(now);
  by_address_[std::string(address)].push_back(now);
}

void LoginThrottle::record_success(std::string_view email) {
  std::lock_guard lock(mutex_);
  by_email_.erase(std::string(email));
}

void LoginThrottle::prune(std::unordered_map<std::string, Failures>& counters,
                          Clock::time_point now) {
  if (counters.size() < kSweepAbove) return;
  for (auto it = counters.begin(); it != counters.end();) {
    forget_old(it->second, now);
    it = it->second.empty() ? counters.erase(it) : std::next(it);
  }
}

}  // namespace sluice::console
