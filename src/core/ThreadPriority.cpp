#include "core/ThreadPriority.h"

#include <sched.h>
#include <unistd.h>

#include <thread>

namespace sluice::core {

bool can_return_from_background() {
  static const bool allowed = [] {
    bool returned = false;
    std::thread probe([&returned] {
      returned = set_background_priority(0, true) && set_background_priority(0, false);
    });
    probe.join();
    return returned;
  }();
  return allowed;
}

pid_t current_thread_id() { return gettid(); }

bool set_background_priority(pid_t thread, bool background) {
  const sched_param priority{};  // 0: the only priority SCHED_IDLE and SCHED_OTHER take
  return sched_setscheduler(thread, background ? SCHED_IDLE : SCHED_OTHER, &priority) == 0;
}

}  // namespace sluice::core
