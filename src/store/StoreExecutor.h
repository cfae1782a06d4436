// StoreExecutor: where database work runs, so that it never runs on an I/O thread.
//
// A small pool of store threads, each with its own StoreConnection, drains one bounded queue of
// jobs. A coroutine on an I/O thread calls run(): it suspends, a store thread runs the job with its
// connection, and the result is posted back to the coroutine's own executor, so the coroutine
// resumes on the thread (and io_context) it started on. The queue is bounded because a slow or
// unreachable database must show up as fast 503s, not as memory growing behind the callers; a full
// queue refuses the job at once without suspending. run_sync() is the same path for startup and the
// command line, blocking the calling thread instead.
//
// Threads open their connection lazily and open a new one after a job leaves it broken, so a
// database that was down at startup or restarted later recovers without a gateway restart.
// Destruction stops taking jobs, lets the threads finish the queued ones and joins them.
#pragma once

#include "store/StoreConnection.h"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sluice::store {

class StoreExecutor {
 public:
  using ConnectionFactory = std::function<Expected<std::unique_ptr<StoreConnection>>()>;
  template <typename R>
  using Job = std::function<Expected<R>(StoreConnection&)>;

  static constexpr std::size_t kDefaultQueueCapacity = 4096;

  // The priority a store thread runs a job at (core/ThreadPriority.h). A thread stays at
  // background priority between background jobs, so waking it for the next one preempts no I/O
  // thread; it returns to normal before a normal job.
  enum class JobPriority { kNormal, kBackground };

  // `threads` store threads (1 for SQLite, which has one writer; database.max_connections for
  // Postgres), each opening its own connection with `connect`.
  StoreExecutor(ConnectionFactory connect, std::size_t threads,
                std::size_t queue_capacity = kDefaultQueueCapacity, std::string name = "store");
  ~StoreExecutor();
  StoreExecutor(const StoreExecutor&) = delete;
  StoreExecutor& operator=(const StoreExecutor&) = delete;

  template <typename R>
  boost::asio::awaitable<Expected<R>> run(Job<R> job);

  // Blocks the calling thread until the job has run. Never call it from an I/O thread.
  template <typename R>
  Expected<R> run_sync(Job<R> job, JobPriority priority = JobPriority::kNormal);

  std::size_t thread_count() const { return threads_.size(); }
  std::size_t queue_capacity() const { return capacity_; }
  // Jobs refused because the queue was full, since construction.
  std::size_t rejected_jobs() const;

 private:
  // A queued job; called with the thread's connection, or with the error that it could not open.
  using Task = std::function<void(StoreConnection*, const GatewayError*)>;
  struct QueuedTask {
    Task task;
    JobPriority priority = JobPriority::kNormal;
  };

  // Claims a place in the queue; false when it is full or the executor is stopping.
  bool try_reserve();
  // Fills a place claimed by try_reserve().
  void enqueue_reserved(Task task, JobPriority priority = JobPriority::kNormal);
  void work(std::size_t index);
  GatewayError queue_full_error() const;

  template <typename R>
  static Expected<R> invoke(const Job<R>& job, StoreConnection* connection,
                            const GatewayError* error) {
    if (connection == nullptr) return *error;
    // A throwing job must not take its store thread (and every later job) down with it.
    try {
      return job(*connection);
    } catch (const std::exception& failure) {
      return store_unavailable(std::string("store job failed: ") + failure.what());
    }
  }

  ConnectionFactory connect_;
  std::size_t capacity_;
  std::string name_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<QueuedTask> queue_;
  std::size_t reserved_ = 0;  // places claimed but not yet filled
  bool stopping_ = false;
  std::size_t rejected_ = 0;
  std::vector<std::thread> threads_;
};

template <typename R>
boost::asio::awaitable<Expected<R>> StoreExecutor::run(Job<R> job) {
  // Refused before suspending: a full queue costs the caller nothing but this check.
  if (!try_reserve()) co_return queue_full_error();
  // The result travels back through the handler, which resumes the coroutine on its executor.
  auto initiate = [this, &job](auto handler) {
    auto caller = boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                      boost::asio::execution::outstanding_work.tracked);
    auto shared_handler = std::make_shared<decltype(handler)>(std::move(handler));
    enqueue_reserved([job = std::move(job), shared_handler, caller](StoreConnection* connection,
                                                                    const GatewayError* error) {
      auto result = std::make_shared<Expected<R>>(invoke(job, connection, error));
      boost::asio::post(caller,
                        [shared_handler, result] { (*shared_handler)(std::move(*result)); });
    });
  };
  auto token = boost::asio::use_awaitable;
  auto operation = boost::asio::async_initiate<decltype(token), void(Expected<R>)>(initiate, token);
  Expected<R> result = co_await std::move(operation);
  co_return result;
}

template <typename R>
Expected<R> StoreExecutor::run_sync(Job<R> job, JobPriority priority) {
  auto promise = std::make_shared<std::promise<Expected<R>>>();
  auto future = promise->get_future();
  Task task = [job = std::move(job), promise](StoreConnection* connection,
                                              const GatewayError* error) {
    promise->set_value(invoke(job, connection, error));
  };
  if (!try_reserve()) return queue_full_error();
  enqueue_reserved(std::move(task), priority);
  return future.get();
}

}  // namespace sluice::store
