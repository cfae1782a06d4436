#include "api/ActiveState.h"

namespace sluice::api {

namespace {

// One thread's copy of one ActiveState's pointer. A thread normally serves one ActiveState; the
// owner check keeps tests that create several correct.
struct ThreadCopy {
  const ActiveState* owner = nullptr;
  std::uint64_t version = 0;
  std::shared_ptr<const GatewayState> state;
};

thread_local ThreadCopy thread_copy;

}  // namespace

ActiveState::ActiveState(std::shared_ptr<const GatewayState> initial) : state_(std::move(initial)) {}

std::shared_ptr<const GatewayState> ActiveState::current() const {
  const std::uint64_t now = version_.load(std::memory_order_acquire);
  ThreadCopy& copy = thread_copy;
  if (copy.owner != this || copy.version != now || !copy.state) {
    std::lock_guard lock(mutex_);
    copy.owner = this;
    copy.state = state_;
    copy.version = version_.load(std::memory_order_relaxed);
  }
  return copy.state;
}

void ActiveState::replace(std::shared_ptr<const GatewayState> next) {
  std::lock_guard lock(mutex_);
  state_ = std::move(next);
  version_.fetch_add(1, std::memory_order_release);
}

}  // namespace sluice::api
