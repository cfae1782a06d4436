// BatchedLineWriter: text lines to a file descriptor, written by one background thread in batches.
//
// Why not a queue with one wake-up per line: on a busy gateway the access log is a line per
// request, and waking a writer thread for each line costs two context switches and a write(2)
// per request on the core that serves the requests (bench/README.md, "Access log in batches").
// Here a caller only appends to a shared buffer under a short lock; the writer wakes when the
// buffer goes from empty to non-empty, then gathers for `flush_interval` (or until `wake_bytes`
// are waiting) and writes everything in one write(2). Under load that is one wake-up per
// `wake_bytes` of lines; at low rates a line waits at most `flush_interval` before it is written.
// This is nginx's `access_log ... buffer= flush=` and Envoy's file flush interval, with a short
// interval.
//
// A caller never waits for the descriptor, only for buffer room: when `max_pending_bytes` are
// waiting (the descriptor is stuck, e.g. a pipe nobody reads), append() blocks until the writer
// makes room. An access log that silently drops lines is worse than a wait under that fault.
// Lines the descriptor refuses (a write error other than EINTR/EAGAIN) are counted in
// lost_lines() and the batch is dropped; the writer goes on with the next one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace sluice::observability {

class BatchedLineWriter {
 public:
  struct Options {
    std::size_t wake_bytes = 64 * 1024;
    std::size_t max_pending_bytes = 8 * 1024 * 1024;
    std::chrono::milliseconds flush_interval{50};
  };

  // Writes to `fd`, which it does not own (it must stay open until the writer is destroyed).
  BatchedLineWriter(int fd, Options options);
  explicit BatchedLineWriter(int fd) : BatchedLineWriter(fd, Options{}) {}
  // Writes what is pending, then stops the writer thread.
  ~BatchedLineWriter();
  BatchedLineWriter(const BatchedLineWriter&) = delete;
  BatchedLineWriter& operator=(const BatchedLineWriter&) = delete;

  // Queues `line` followed by a newline.
  void append(std::string_view line);
  // Returns once every line appended before the call has been written (or counted lost).
  void flush();

  std::size_t pending_lines() const;
  std::uint64_t lost_lines() const;

 private:
  void run();
  // Writes all of `batch`; false when the descriptor refused it.
  bool write_all(std::string_view batch) const;

  const int fd_;
  const Options options_;
  mutable std::mutex mutex_;
  std::condition_variable writer_wake_;  // the writer waits here for lines, a flush or the stop
  std::condition_variable progress_;     // flush() and appenders waiting for room wait here
  std::string pending_;
  std::size_t pending_lines_ = 0;
  std::uint64_t appended_lines_ = 0;
  std::uint64_t done_lines_ = 0;  // written or lost
  std::uint64_t lost_lines_ = 0;
  bool flush_requested_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sluice::observability
