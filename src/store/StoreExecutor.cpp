#include "store/StoreExecutor.h"

#include "core/ThreadName.h"
#include "core/ThreadPriority.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace sluice::store {

StoreExecutor::StoreExecutor(ConnectionFactory connect, std::size_t threads,
                             std::size_t queue_capacity, std::string name)
    : connect_(std::move(connect)),
      capacity_(std::max<std::size_t>(queue_capacity, 1)),
      name_(std::move(name)) {
  const std::size_t count = std::max<std::size_t>(threads, 1);
  threads_.reserve(count);
  for (std::size_t index = 0; index < count; ++index) {
    threads_.emplace_back([this, index] { work(index); });
  }
}

StoreExecutor::~StoreExecutor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& thread : threads_) thread.join();
}

std::size_t StoreExecutor::rejected_jobs() const {
  std::lock_guard lock(mutex_);
  return rejected_;
}

bool StoreExecutor::try_reserve() {
  std::lock_guard lock(mutex_);
  if (stopping_ || queue_.size() + reserved_ >= capacity_) {
    ++rejected_;
    return false;
  }
  ++reserved_;
  return true;
}

void StoreExecutor::enqueue_reserved(Task task, JobPriority priority) {
  {
    std::lock_guard lock(mutex_);
    --reserved_;
    queue_.push_back(QueuedTask{std::move(task), priority});
  }
  ready_.notify_one();
}

GatewayError StoreExecutor::queue_full_error() const {
  return store_unavailable(fmt::format(
      "the {} queue is full ({} jobs waiting); the database is not keeping up", name_, capacity_));
}

void StoreExecutor::work(std::size_t index) {
  const std::string thread_name = fmt::format("{}-{}", name_, index);
  core::name_this_thread(thread_name);
  std::unique_ptr<StoreConnection> connection;
  // The priority this thread was last set to by itself. Set to normal from elsewhere meanwhile
  // (LedgerWriter::return_to_foreground), it stays normal until a normal job comes and goes.
  JobPriority priority = JobPriority::kNormal;
  while (true) {
    QueuedTask queued;
    {
      std::unique_lock lock(mutex_);
      // Queued jobs still run after stopping_ is set: they were accepted, and callers wait on them.
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      queued = std::move(queue_.front());
      queue_.pop_front();
    }
    if (queued.priority != priority) {
      core::set_background_priority(0, queued.priority == JobPriority::kBackground);
      priority = queued.priority;
    }
    Task& task = queued.task;
    if (!connection) {
      auto opened = connect_();
      if (!opened) {
        spdlog::warn("{}: cannot open a database connection: {}", thread_name,
                     opened.error().message);
        task(nullptr, &opened.error());
        continue;
      }
      connection = std::move(*opened);
    }
    task(connection.get(), nullptr);
    if (!connection->healthy()) {
      spdlog::warn("{}: database connection lost; the next job opens a new one", thread_name);
      connection.reset();
    }
  }
}

}  // namespace sluice::store
