// ActiveState: the configuration requests start on, replaceable while the gateway runs.
//
// A reload (SIGHUP, POST /admin/reload) builds a whole new GatewayState and calls replace(); each
// request takes current() once when it starts and keeps that state to its end, so in-flight
// requests finish on the configuration they began with while new ones see the new one.
//
// current() is on every request's path, so it takes no lock: each thread keeps its own copy of the
// pointer and a version number, and only when the version moved (once per thread per reload) does
// it take the mutex to copy the new pointer. replace() is rare and takes the mutex.
#pragma once

#include "api/GatewayState.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

namespace sluice::api {

class ActiveState {
 public:
  explicit ActiveState(std::shared_ptr<const GatewayState> initial);

  std::shared_ptr<const GatewayState> current() const;
  void replace(std::shared_ptr<const GatewayState> next);
  // How many times the state was replaced.
  std::uint64_t version() const { return version_.load(std::memory_order_acquire); }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const GatewayState> state_;
  std::atomic<std::uint64_t> version_{0};
};

}  // namespace sluice::api
