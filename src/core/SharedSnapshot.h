// SharedSnapshot: an immutable value that many threads read on every request and that is replaced,
// rarely, while they run (the running configuration, what is built from it).
//
// current() takes no lock: each thread keeps its own copy of the pointer and the version it saw, and
// only when the version moved (once per thread per replace()) does it take the mutex to copy the
// new pointer. A reader keeps the snapshot it got for as long as it holds the shared_ptr, so work in
// flight finishes on the value it started with. replace() is rare and takes the mutex.
//
// Versions are unique across every snapshot of the process, so a thread's cached copy can never be
// mistaken for another snapshot's (even one built later at the same address).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

namespace sluice {

namespace snapshot_detail {
inline std::uint64_t next_version() {
  static std::atomic<std::uint64_t> counter{0};
  return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}
}  // namespace snapshot_detail

template <typename T>
class SharedSnapshot {
 public:
  explicit SharedSnapshot(std::shared_ptr<T> initial)
      : value_(std::move(initial)), version_(snapshot_detail::next_version()) {}
  SharedSnapshot(const SharedSnapshot&) = delete;
  SharedSnapshot& operator=(const SharedSnapshot&) = delete;

  std::shared_ptr<T> current() const {
    // One cache per thread and T (a thread normally reads one snapshot of each kind).
    struct ThreadCopy {
      std::uint64_t version = 0;
      std::shared_ptr<T> value;
    };
    thread_local ThreadCopy copy;
    const std::uint64_t now = version_.load(std::memory_order_acquire);
    if (copy.version != now) {
      std::lock_guard lock(mutex_);
      copy.value = value_;
      copy.version = version_.load(std::memory_order_relaxed);
    }
    return copy.value;
  }

  void replace(std::shared_ptr<T> next) {
    std::lock_guard lock(mutex_);
    value_ = std::move(next);
    version_.store(snapshot_detail::next_version(), std::memory_order_release);
    replacements_.fetch_add(1, std::memory_order_relaxed);
  }

  // How many times the value was replaced.
  std::uint64_t replacements() const { return replacements_.load(std::memory_order_relaxed); }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<T> value_;
  std::atomic<std::uint64_t> version_;
  std::atomic<std::uint64_t> replacements_{0};
};

}  // namespace sluice
