#include "ledger/LogPurge.h"

#include "../store/StoreTestSupport.h"

#include <gtest/gtest.h>

#include <chrono>

namespace sluice::ledger {
namespace {

using namespace std::chrono;
using store::testing::await_on;

store::UnixMillis millis(system_clock::time_point at) {
  return duration_cast<milliseconds>(at.time_since_epoch()).count();
}

class LogPurgeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(backend_.start(), "");
    auto opened = store::Store::open(backend_.factory(), 1);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
  }

  void log_at(const std::string& request_id, system_clock::time_point at) {
    store::RequestLogRecord log;
    log.request_id = request_id;
    log.occurred_at = millis(at);
    log.method = "POST";
    log.path = "/v1/chat/completions";
    log.operation = "chat_completions";
    log.status = 200;
    auto inserted = await_on(io_, store_->insert_request_log(log));
    ASSERT_TRUE(inserted) << inserted.error().message;
  }

  std::vector<std::string> remaining() {
    store::RequestLogQuery query;
    query.limit = 100;
    auto logs = await_on(io_, store_->list_request_logs(query));
    std::vector<std::string> ids;
    for (const auto& log : *logs) ids.push_back(log.request_id);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  store::testing::SqliteBackend backend_;
  std::unique_ptr<store::Store> store_;
  boost::asio::io_context io_;
};

TEST_F(LogPurgeTest, PurgeDeletesOnlyLogsOlderThanTheRetention) {
  config::RequestLogPurgeConfig config;
  config.enabled = true;
  config.retention = days(3);
  LogPurge purge(*store_, config);
  const auto now = system_clock::now();
  log_at("ancient", now - days(30));
  log_at("just-too-old", now - days(3) - minutes(1));
  log_at("just-young-enough", now - days(3) + minutes(1));
  log_at("fresh", now - hours(1));

  auto purged = await_on(io_, purge.purge_once(now));

  ASSERT_TRUE(purged) << purged.error().message;
  EXPECT_EQ(*purged, 2);
  EXPECT_EQ(remaining(), (std::vector<std::string>{"fresh", "just-young-enough"}));
}

TEST_F(LogPurgeTest, CutoffIsNowMinusTheRetention) {
  config::RequestLogPurgeConfig config;
  config.retention = days(7);
  LogPurge purge(*store_, config);
  const auto now = system_clock::now();
  EXPECT_EQ(purge.cutoff(now), now - days(7));
}

TEST_F(LogPurgeTest, ScheduleComesFromTheConfigAndIsEvaluatedInUtc) {
  config::RequestLogPurgeConfig config;
  config.schedule = "30 2 * * *";
  LogPurge purge(*store_, config);
  const sys_seconds evening = sys_days(year(2024) / 3 / 5) + hours(20);
  EXPECT_EQ(purge.schedule().next_after(evening), sys_days(year(2024) / 3 / 6) + hours(2) + minutes(30));
}

TEST_F(LogPurgeTest, DisabledPurgeStartsNoWorkerAndShutsDownAtOnce) {
  config::RequestLogPurgeConfig config;  // enabled: false
  LogPurge purge(*store_, config);
  purge.start();
  purge.shutdown();
  SUCCEED();
}

TEST_F(LogPurgeTest, EnabledPurgeShutsDownWhileWaitingForItsSchedule) {
  config::RequestLogPurgeConfig config;
  config.enabled = true;
  LogPurge purge(*store_, config);
  purge.start();
  const auto started = steady_clock::now();
  purge.shutdown();
  EXPECT_LT(steady_clock::now() - started, seconds(2));
}

TEST(LogPurgeConfigTest, AScheduleTheEvaluatorCannotReadIsRejectedAtConstruction) {
  store::testing::SqliteBackend backend;
  ASSERT_EQ(backend.start(), "");
  auto opened = store::Store::open(backend.factory(), 1);
  ASSERT_TRUE(opened);
  config::RequestLogPurgeConfig config;
  config.schedule = "0 0 * * bogus";
  EXPECT_THROW(LogPurge(**opened, config), std::invalid_argument);
}

}  // namespace
}  // namespace sluice::ledger
