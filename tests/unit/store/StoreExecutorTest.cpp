#include "StoreTestSupport.h"
#include "core/ThreadPriority.h"
#include "store/StoreExecutor.h"

#include <sched.h>

#include <gtest/gtest.h>

#include <future>
#include <latch>
#include <stdexcept>
#include <thread>

namespace sluice::store {
namespace {

namespace asio = boost::asio;
using testing::await_on;

StoreExecutor::ConnectionFactory in_memory_sqlite() {
  return []() -> Expected<std::unique_ptr<StoreConnection>> {
    auto connection = SqliteConnection::open(":memory:");
    if (!connection) return connection.error();
    return std::unique_ptr<StoreConnection>(std::move(*connection));
  };
}

// Starts `job` in a coroutine on `io` and stores its result in `out` when it completes.
void start(asio::io_context& io, StoreExecutor& executor, StoreExecutor::Job<int> job,
           std::optional<Expected<int>>& out) {
  auto body = [&executor, job = std::move(job), &out]() -> asio::awaitable<void> {
    auto operation = executor.run<int>(job);
    Expected<int> result = co_await std::move(operation);
    out.emplace(std::move(result));
  };
  asio::co_spawn(io, body, asio::detached);
}

TEST(StoreExecutor, RunsTheJobOnAStoreThreadAndResumesOnTheCallersThread) {
  StoreExecutor executor(in_memory_sqlite(), 1);
  asio::io_context io;
  std::thread::id job_thread;
  std::thread::id resumed_on;
  auto body = [&]() -> asio::awaitable<void> {
    auto operation = executor.run<int>([&job_thread](StoreConnection&) -> Expected<int> {
      job_thread = std::this_thread::get_id();
      return 7;
    });
    const Expected<int> result = co_await std::move(operation);
    resumed_on = std::this_thread::get_id();
    EXPECT_EQ(*result, 7);
  };
  asio::co_spawn(io, body, asio::detached);
  io.run();  // returns only once the job's result has come back: the job kept the io_context busy
  EXPECT_NE(job_thread, std::this_thread::get_id());
  EXPECT_EQ(resumed_on, std::this_thread::get_id());
}

TEST(StoreExecutor, RefusesAJobWith503AtOnceWhenTheQueueIsFull) {
  StoreExecutor executor(in_memory_sqlite(), 1, /*queue_capacity=*/2);
  asio::io_context io;
  std::latch release(1);
  std::promise<void> running;
  std::optional<Expected<int>> blocker, first, second, refused;

  start(
      io, executor,
      [&](StoreConnection&) -> Expected<int> {
        running.set_value();
        release.wait();
        return 0;
      },
      blocker);
  io.poll();
  running.get_future().wait();  // the store thread is busy; the queue is empty
  start(
      io, executor, [](StoreConnection&) -> Expected<int> { return 1; }, first);
  start(
      io, executor, [](StoreConnection&) -> Expected<int> { return 2; }, second);
  start(
      io, executor, [](StoreConnection&) -> Expected<int> { return 3; }, refused);
  io.poll();  // runs what is ready and never waits: the refusal must already be there

  ASSERT_TRUE(refused.has_value());
  ASSERT_FALSE(refused->ok());
  EXPECT_EQ(refused->error().status, 503);
  EXPECT_EQ(refused->error().code, "store_error");
  EXPECT_EQ(executor.rejected_jobs(), 1u);
  EXPECT_FALSE(first.has_value());

  release.count_down();
  io.run();
  EXPECT_EQ(**first, 1);
  EXPECT_EQ(**second, 2);
}

TEST(StoreExecutor, RunSyncBlocksUntilTheJobHasRun) {
  StoreExecutor executor(in_memory_sqlite(), 2);
  const auto result =
      executor.run_sync<std::string>([](StoreConnection& connection) -> Expected<std::string> {
        auto statement = connection.prepare("SELECT 'hello'");
        if (!statement) return statement.error();
        auto row = (*statement)->step();
        if (!row) return row.error();
        return (*statement)->column_text(0);
      });
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(*result, "hello");
}

TEST(StoreExecutor, AConnectionThatCannotOpenFailsTheJobAndIsRetriedForTheNext) {
  int attempts = 0;
  StoreExecutor executor(
      [&attempts]() -> Expected<std::unique_ptr<StoreConnection>> {
        if (++attempts == 1) return store_unavailable("database is down");
        return in_memory_sqlite()();
      },
      1);
  const auto failed = executor.run_sync<int>([](StoreConnection&) -> Expected<int> { return 1; });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().status, 503);
  EXPECT_EQ(failed.error().message, "database is down");
  const auto recovered =
      executor.run_sync<int>([](StoreConnection&) -> Expected<int> { return 2; });
  ASSERT_TRUE(recovered.ok());
  EXPECT_EQ(*recovered, 2);
}

TEST(StoreExecutor, AJobThatThrowsFailsWith503AndTheThreadLivesOn) {
  StoreExecutor executor(in_memory_sqlite(), 1);
  const auto thrown = executor.run_sync<int>(
      [](StoreConnection&) -> Expected<int> { throw std::runtime_error("boom"); });
  ASSERT_FALSE(thrown.ok());
  EXPECT_EQ(thrown.error().status, 503);
  const auto next = executor.run_sync<int>([](StoreConnection&) -> Expected<int> { return 5; });
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, 5);
}

TEST(StoreExecutor, AJobsErrorReachesTheAwaitingCoroutine) {
  StoreExecutor executor(in_memory_sqlite(), 1);
  asio::io_context io;
  const auto result = await_on(io, executor.run<int>([](StoreConnection&) -> Expected<int> {
    return store_conflict("taken");
  }));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().status, 409);
}

TEST(StoreExecutor, RunsABackgroundJobAtBackgroundPriorityAndTheNextNormalOneAtNormal) {
  if (!core::can_return_from_background()) GTEST_SKIP() << "this process cannot leave SCHED_IDLE";
  StoreExecutor executor(in_memory_sqlite(), 1);
  const StoreExecutor::Job<int> policy = [](StoreConnection&) -> Expected<int> { return sched_getscheduler(0); };
  EXPECT_EQ(*executor.run_sync<int>(policy, StoreExecutor::JobPriority::kBackground), SCHED_IDLE);
  EXPECT_EQ(*executor.run_sync<int>(policy, StoreExecutor::JobPriority::kBackground), SCHED_IDLE);
  EXPECT_EQ(*executor.run_sync<int>(policy), SCHED_OTHER);
}

}  // namespace
}  // namespace sluice::store
