// LedgerWriter: every submitted row lands, a full queue makes submit wait instead of dropping,
// shutdown flushes, and a failing store is retried and then counted lost — never silently.
#include "ledger/LedgerWriter.h"

#include "LedgerTestSupport.h"
#include "core/ThreadPriority.h"
#include "observability/GatewayMetrics.h"
#include "store/StoreQueries.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <sched.h>

#include <filesystem>
#include <string>
#include <thread>

namespace sluice::ledger {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

store::UsageRecord usage_row(int n) {
  store::UsageRecord row;
  row.request_id = fmt::format("req-{}", n);
  row.occurred_at = 1'000 + n;
  row.principal = {store::PrincipalKind::kServiceAccount, "batch"};
  row.resolved_model = "gpt";
  row.cost = config::Money4::from_units(100);
  row.pricing_status = "priced";
  return row;
}

store::RequestLogRecord log_row(int n) {
  store::RequestLogRecord log;
  log.request_id = fmt::format("req-{}", n);
  log.occurred_at = 1'000 + n;
  log.method = "POST";
  log.path = "/v1/chat/completions";
  log.operation = "chat_completions";
  log.status = 200;
  return log;
}

std::int64_t count_rows(testing::SqliteStore& store, const char* table) {
  auto counted = store.run<std::int64_t>(
      [table](store::StoreConnection& connection) -> Expected<std::int64_t> {
        auto statement = connection.prepare(fmt::format("SELECT COUNT(*) FROM {}", table));
        if (!statement) return statement.error();
        auto row = (*statement)->step();
        if (!row) return row.error();
        return (*statement)->column_int64(0);
      });
  EXPECT_TRUE(counted.ok());
  return counted.ok() ? *counted : -1;
}

// Submits items from coroutines on their own io_context thread, as request coroutines would.
void submit_all(LedgerWriter& writer, std::vector<LedgerWriter::Item> items) {
  asio::io_context io;
  for (auto& item : items) {
    asio::co_spawn(io, writer.submit(std::move(item)), asio::detached);
  }
  io.run();
}

LedgerWriter::Options fast_options(std::size_t capacity = 10'000) {
  LedgerWriter::Options options;
  options.capacity = capacity;
  options.first_backoff = 1ms;
  return options;
}

// Threads of this process at background priority (SCHED_IDLE) right now.
int background_threads() {
  int count = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    if (sched_getscheduler(std::stoi(task.path().filename().string())) == SCHED_IDLE) ++count;
  }
  return count;
}

bool wait_until_written(const LedgerWriter& writer, std::uint64_t items) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (writer.written_items() < items) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(LedgerWriterTest, EverySubmittedRowLandsInTheStore) {
  testing::SqliteStore store;
  observability::GatewayMetrics metrics("test");
  LedgerWriter writer(store.store(), fast_options(), &metrics);
  std::vector<LedgerWriter::Item> items;
  for (int n = 0; n < 600; ++n) items.emplace_back(usage_row(n));
  for (int n = 0; n < 300; ++n) items.emplace_back(log_row(n));
  submit_all(writer, std::move(items));

  ASSERT_TRUE(writer.shutdown(std::chrono::steady_clock::now() + 10s));
  EXPECT_EQ(count_rows(store, "usage_ledger"), 600);
  EXPECT_EQ(count_rows(store, "request_logs"), 300);
  EXPECT_EQ(writer.written_items(), 900U);
  EXPECT_EQ(writer.lost_items(), 0U);
  EXPECT_EQ(writer.depth(), 0U);
}

TEST(LedgerWriterTest, AFullQueueMakesSubmitWaitForRoomThenProceed) {
  testing::SqliteStore store;
  // Hold the store's only thread so the writer cannot drain while the queue fills.
  std::promise<void> release;
  std::promise<void> holding;
  auto held = release.get_future().share();
  std::thread blocker([&] {
    (void)store.run<store::Done>([held, &holding](store::StoreConnection&) -> store::Status {
      holding.set_value();
      held.wait();
      return store::Done{};
    });
  });
  holding.get_future().wait();
  auto options = fast_options(4);
  options.batch_size = 2;  // at most 4 queued + 2 in the batch being written
  LedgerWriter writer(store.store(), options);

  asio::io_context io;
  int completed = 0;
  for (int n = 0; n < 20; ++n) {
    asio::co_spawn(
        io,
        [&writer, &completed, n]() -> asio::awaitable<void> {
          LedgerWriter::Item item{usage_row(n)};
          co_await writer.submit(std::move(item));
          ++completed;
        },
        asio::detached);
  }
  // The I/O thread keeps running other work while submitters wait: poll rather than block.
  for (int i = 0; i < 50; ++i) {
    io.poll();
    std::this_thread::sleep_for(2ms);
  }
  EXPECT_LE(completed, 6) << "a full queue holds submitters back";
  EXPECT_GT(writer.full_waits(), 0U);
  EXPECT_EQ(writer.lost_items(), 0U);

  release.set_value();
  blocker.join();
  io.run();
  EXPECT_EQ(completed, 20);
  ASSERT_TRUE(writer.shutdown(std::chrono::steady_clock::now() + 10s));
  EXPECT_EQ(count_rows(store, "usage_ledger"), 20);
}

TEST(LedgerWriterTest, ShutdownWritesWhatIsStillQueued) {
  testing::SqliteStore store;
  LedgerWriter writer(store.store(), fast_options());
  std::vector<LedgerWriter::Item> items;
  for (int n = 0; n < 50; ++n) items.emplace_back(usage_row(n));
  submit_all(writer, std::move(items));  // returns once queued, not once written

  EXPECT_TRUE(writer.shutdown(std::chrono::steady_clock::now() + 10s));
  EXPECT_EQ(count_rows(store, "usage_ledger"), 50);

  testing::await(writer.submit(LedgerWriter::Item{usage_row(99)}));
  EXPECT_EQ(writer.lost_items(), 1U) << "after shutdown an item is counted, not silently gone";
}

TEST(LedgerWriterTest, AFailingStoreIsRetriedThenTheBatchIsCountedLost) {
  testing::SqliteStore store;
  ASSERT_TRUE(store
                  .run<store::Done>([](store::StoreConnection& connection) {
                    return connection.execute_script("DROP TABLE usage_ledger");
                  })
                  .ok());
  observability::GatewayMetrics metrics("test");
  auto options = fast_options();
  options.max_attempts = 3;
  LedgerWriter writer(store.store(), options, &metrics);
  submit_all(writer, {LedgerWriter::Item{usage_row(1)}, LedgerWriter::Item{usage_row(2)}});

  writer.shutdown(std::chrono::steady_clock::now() + 10s);
  EXPECT_EQ(writer.lost_items(), 2U);
  EXPECT_EQ(writer.written_items(), 0U);
  std::uint64_t dropped = 0;
  for (const auto& family : metrics.snapshot().families) {
    if (family.name != "sluice_queue_dropped_total") continue;
    for (const auto& point : family.points) dropped += static_cast<std::uint64_t>(point.value);
  }
  EXPECT_EQ(dropped, 2U);
}

TEST(LedgerWriterTest, ABatchWrittenTwiceStoresEachRowOnce) {
  testing::SqliteStore store;
  LedgerWriter writer(store.store(), fast_options());
  submit_all(writer, {LedgerWriter::Item{usage_row(1)}, LedgerWriter::Item{log_row(1)}});
  submit_all(writer, {LedgerWriter::Item{usage_row(1)}, LedgerWriter::Item{log_row(1)}});
  ASSERT_TRUE(writer.shutdown(std::chrono::steady_clock::now() + 10s));
  EXPECT_EQ(count_rows(store, "usage_ledger"), 1);
  EXPECT_EQ(count_rows(store, "request_logs"), 1);
  EXPECT_EQ(writer.lost_items(), 0U);
}

TEST(LedgerWriterTest, WritesAtBackgroundPriorityWhileTheQueueIsShort) {
  if (!core::can_return_from_background()) GTEST_SKIP() << "this process cannot leave SCHED_IDLE";
  testing::SqliteStore store;
  LedgerWriter writer(store.store(), fast_options());
  submit_all(writer, {usage_row(1)});
  ASSERT_TRUE(wait_until_written(writer, 1));
  EXPECT_TRUE(writer.in_background());
  EXPECT_EQ(sched_getscheduler(writer.writer_thread_id()), SCHED_IDLE);
  EXPECT_EQ(background_threads(), 2);  // the writer and the store thread that ran its job
}

TEST(LedgerWriterTest, ReturnsToNormalPriorityOnceTheQueueGrows) {
  if (!core::can_return_from_background()) GTEST_SKIP() << "this process cannot leave SCHED_IDLE";
  testing::SqliteStore store;
  LedgerWriter::Options options = fast_options();
  options.background_below = 3;
  options.foreground_at = 3;
  options.gather = 300ms;  // the next items wait in the queue while the writer gathers
  LedgerWriter writer(store.store(), options);
  submit_all(writer, {usage_row(1)});
  ASSERT_TRUE(wait_until_written(writer, 1));
  ASSERT_TRUE(writer.in_background());

  submit_all(writer, {usage_row(2), usage_row(3), usage_row(4)});  // the third finds 3 waiting
  EXPECT_FALSE(writer.in_background());
  EXPECT_EQ(background_threads(), 0);
  ASSERT_TRUE(wait_until_written(writer, 4));
  EXPECT_FALSE(writer.in_background());  // that batch was 3 items: not below background_below
  EXPECT_EQ(count_rows(store, "usage_ledger"), 4);
}

TEST(LedgerWriterTest, StaysAtNormalPriorityWhenBackgroundIsOff) {
  testing::SqliteStore store;
  LedgerWriter::Options options = fast_options();
  options.background_below = 0;
  LedgerWriter writer(store.store(), options);
  submit_all(writer, {usage_row(1)});
  ASSERT_TRUE(wait_until_written(writer, 1));
  EXPECT_FALSE(writer.in_background());
  EXPECT_EQ(background_threads(), 0);
}

}  // namespace
}  // namespace sluice::ledger
