#include "observability/BatchedLineWriter.h"

#include "core/ThreadName.h"

#include <cerrno>
#include <poll.h>
#include <unistd.h>

namespace sluice::observability {

BatchedLineWriter::BatchedLineWriter(int fd, Options options) : fd_(fd), options_(options) {
  thread_ = std::thread([this] {
    core::name_this_thread("line-writer");
    run();
  });
}

BatchedLineWriter::~BatchedLineWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  writer_wake_.notify_one();
  thread_.join();
}

void BatchedLineWriter::append(std::string_view line) {
  std::unique_lock lock(mutex_);
  if (pending_.size() >= options_.max_pending_bytes) {
    progress_.wait(lock, [&] { return pending_.size() < options_.max_pending_bytes || stopping_; });
  }
  const bool was_empty = pending_.empty();
  const bool was_below_wake = pending_.size() < options_.wake_bytes;
  pending_.append(line);
  pending_.push_back('\n');
  ++pending_lines_;
  ++appended_lines_;
  // Only the two transitions the writer waits for wake it, not every line.
  const bool wake = was_empty || (was_below_wake && pending_.size() >= options_.wake_bytes);
  lock.unlock();
  if (wake) writer_wake_.notify_one();
}

void BatchedLineWriter::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = appended_lines_;
  if (done_lines_ >= target) return;
  flush_requested_ = true;
  writer_wake_.notify_one();
  progress_.wait(lock, [&] { return done_lines_ >= target; });
}

std::size_t BatchedLineWriter::pending_lines() const {
  std::lock_guard lock(mutex_);
  return pending_lines_;
}

std::uint64_t BatchedLineWriter::lost_lines() const {
  std::lock_guard lock(mutex_);
  return lost_lines_;
}

void BatchedLineWriter::run() {
  std::string batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    writer_wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    // Gather: under load more lines arrive while we wait, and they go out in the same write.
    writer_wake_.wait_for(lock, options_.flush_interval, [&] {
      return stopping_ || flush_requested_ || pending_.size() >= options_.wake_bytes;
    });
    if (pending_.empty()) {
      if (stopping_) return;
      continue;
    }
    batch.swap(pending_);
    const std::size_t lines = pending_lines_;
    pending_lines_ = 0;
    flush_requested_ = false;
    progress_.notify_all();  // room for appenders waiting on a full buffer
    lock.unlock();
    const bool written = write_all(batch);
    batch.clear();
    if (batch.capacity() > options_.max_pending_bytes) batch.shrink_to_fit();
    lock.lock();
    done_lines_ += lines;
    if (!written) lost_lines_ += lines;
    progress_.notify_all();
  }
}

bool BatchedLineWriter::write_all(std::string_view batch) const {
  while (!batch.empty()) {
    const ssize_t written = ::write(fd_, batch.data(), batch.size());
    if (written > 0) {
      batch.remove_prefix(static_cast<std::size_t>(written));
      continue;
    }
    if (written < 0 && errno == EINTR) continue;
    if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // A descriptor someone made non-blocking (a shared pipe): wait until it takes more.
      pollfd ready{fd_, POLLOUT, 0};
      ::poll(&ready, 1, 1000);
      continue;
    }
    return false;
  }
  return true;
}

}  // namespace sluice::observability
