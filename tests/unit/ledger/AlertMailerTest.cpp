#include "ledger/AlertMailer.h"

#include "../store/StoreTestSupport.h"
#include "FakeSmtpServer.h"
#include "store/StoreQueries.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace sluice::ledger {
namespace {

using namespace std::chrono;
using store::testing::await_on;
using test::FakeSmtpServer;

config::Money4 usd(std::string_view text) { return *config::Money4::parse(text); }

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

class AlertMailerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(backend_.start(), "");
    auto opened = store::Store::open(backend_.factory(), 1);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->upsert_team_sync({"research", "Research"}));
    ASSERT_TRUE(store_->upsert_service_account_sync({"svc-batch", "Batch jobs", "research"}));
  }

  std::int64_t user(const std::string& email, std::optional<std::string> team_role,
                    std::string global_role = "user") {
    store::UserRecord record;
    record.email = email;
    record.name = email;
    record.auth_mode = "password";
    record.global_role = std::move(global_role);
    if (team_role) record.team_id = "research";
    record.team_role = std::move(team_role);
    auto id = store_->upsert_user_sync(record);
    EXPECT_TRUE(id) << id.error().message;
    return id ? *id : 0;
  }

  std::int64_t budget(store::BudgetScope scope, const std::string& principal_id) {
    store::BudgetRecord record;
    record.scope = scope;
    record.principal_id = principal_id;
    record.cadence = config::BudgetCadence::kMonthly;
    record.amount = usd("100");
    auto id = store_->upsert_budget_sync(record);
    EXPECT_TRUE(id) << id.error().message;
    return id ? *id : 0;
  }

  void alert(std::int64_t budget_id, int threshold) {
    store::BudgetAlertRecord record;
    record.budget_id = budget_id;
    record.window_start = duration_cast<milliseconds>(
                              sys_days(year(2024) / 3 / 1).time_since_epoch())
                              .count();
    record.threshold_percent = threshold;
    record.spend = usd("81.25");
    record.created_at = record.window_start + 1000;
    auto inserted = await_on(io_, store_->insert_budget_alert(record));
    ASSERT_TRUE(inserted && *inserted);
  }

  std::vector<store::BudgetAlertRecord> undelivered() {
    auto alerts = await_on(io_, store_->list_undelivered_alerts(100));
    EXPECT_TRUE(alerts);
    return alerts ? *alerts : std::vector<store::BudgetAlertRecord>{};
  }

  AlertMailerOptions smtp_to(const FakeSmtpServer& server) {
    AlertMailerOptions options;
    options.email.from_email = "alerts@sluice.test";
    options.email.from_name = "Sluice";
    options.email.transport.kind = config::EmailTransportKind::kSmtp;
    options.smtp.host = "127.0.0.1";
    options.smtp.port = server.port();
    options.smtp.starttls = false;
    options.smtp.command_timeout = seconds(5);
    options.fallback_recipient = "admin@local";
    return options;
  }

  AlertPoll poll(AlertMailer& mailer) {
    auto outcome = await_on(io_, mailer.poll(io_));
    EXPECT_TRUE(outcome) << outcome.error().message;
    return outcome ? *outcome : AlertPoll{};
  }

  store::testing::SqliteBackend backend_;
  std::unique_ptr<store::Store> store_;
  boost::asio::io_context io_;
};

TEST_F(AlertMailerTest, SinkTransportMarksAlertsDeliveredWithoutSending) {
  const auto alice = user("alice@example.com", std::nullopt);
  alert(budget(store::BudgetScope::kUser, std::to_string(alice)), 80);
  alert(budget(store::BudgetScope::kServiceAccount, "svc-batch"), 50);
  AlertMailer mailer(*store_, AlertMailerOptions{});  // transport: sink

  const AlertPoll outcome = poll(mailer);

  EXPECT_EQ(outcome.delivered, 2);
  EXPECT_TRUE(undelivered().empty());
}

TEST_F(AlertMailerTest, UserBudgetAlertIsEmailedToThatUser) {
  FakeSmtpServer server;
  const auto alice = user("alice@example.com", std::nullopt);
  alert(budget(store::BudgetScope::kUser, std::to_string(alice)), 80);
  AlertMailer mailer(*store_, smtp_to(server));

  EXPECT_EQ(poll(mailer).delivered, 1);

  const auto mails = server.messages();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].to, std::vector<std::string>{"alice@example.com"});
  EXPECT_EQ(mails[0].from, "alerts@sluice.test");
  EXPECT_TRUE(contains(mails[0].data, "Subject: Budget alert: alice@example.com reached 80% of"));
  EXPECT_TRUE(contains(mails[0].data, "81.2500 USD of 100.0000 USD (81%)"));
  EXPECT_TRUE(contains(mails[0].data, "2024-03-01 00:00 to 2024-04-01 00:00 (UTC)"));
  EXPECT_TRUE(undelivered().empty());
}

TEST_F(AlertMailerTest, ServiceAccountAlertGoesToTheTeamsOwnersAndAdmins) {
  FakeSmtpServer server;
  user("owner@example.com", "owner");
  user("admin@example.com", "admin");
  user("member@example.com", "member");
  user("root@example.com", std::nullopt, "platform_admin");
  alert(budget(store::BudgetScope::kServiceAccount, "svc-batch"), 90);
  AlertMailer mailer(*store_, smtp_to(server));

  EXPECT_EQ(poll(mailer).delivered, 1);

  const auto mails = server.messages();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].to, (std::vector<std::string>{"admin@example.com", "owner@example.com"}));
  EXPECT_TRUE(contains(mails[0].data, "Batch jobs (svc-batch)"));
}

TEST_F(AlertMailerTest, ServiceAccountAlertWithoutTeamAdminsGoesToPlatformAdmins) {
  FakeSmtpServer server;
  user("member@example.com", "member");
  user("root@example.com", std::nullopt, "platform_admin");
  alert(budget(store::BudgetScope::kServiceAccount, "svc-batch"), 90);
  AlertMailer mailer(*store_, smtp_to(server));

  poll(mailer);

  ASSERT_EQ(server.messages().size(), 1u);
  EXPECT_EQ(server.messages()[0].to, std::vector<std::string>{"root@example.com"});
}

TEST_F(AlertMailerTest, ServiceAccountAlertWithNoAdminsAtAllGoesToTheBootstrapAdmin) {
  FakeSmtpServer server;
  alert(budget(store::BudgetScope::kServiceAccount, "svc-batch"), 90);
  AlertMailer mailer(*store_, smtp_to(server));

  poll(mailer);

  ASSERT_EQ(server.messages().size(), 1u);
  EXPECT_EQ(server.messages()[0].to, std::vector<std::string>{"admin@local"});
}

TEST_F(AlertMailerTest, SendsOneMessagePerAlert) {
  FakeSmtpServer server;
  const auto alice = user("alice@example.com", std::nullopt);
  const auto budget_id = budget(store::BudgetScope::kUser, std::to_string(alice));
  alert(budget_id, 50);
  alert(budget_id, 80);
  AlertMailer mailer(*store_, smtp_to(server));

  EXPECT_EQ(poll(mailer).delivered, 2);
  EXPECT_EQ(server.messages().size(), 2u);
  EXPECT_EQ(poll(mailer).delivered, 0);
  EXPECT_EQ(server.messages().size(), 2u);
}

TEST_F(AlertMailerTest, FailedSendIsLeftForTheNextPollWithTheError) {
  FakeSmtpServer server;
  const auto alice = user("alice@example.com", std::nullopt);
  alert(budget(store::BudgetScope::kUser, std::to_string(alice)), 80);
  AlertMailer mailer(*store_, smtp_to(server));
  server.fail("RCPT", "451 4.3.0 mailbox busy, try later");

  EXPECT_EQ(poll(mailer).failed, 1);
  auto waiting = undelivered();
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].attempts, 1);
  EXPECT_TRUE(contains(waiting[0].last_error.value_or(""), "451 4.3.0 mailbox busy"));

  server.stop_failing();
  EXPECT_EQ(poll(mailer).delivered, 1);
  EXPECT_EQ(server.messages().size(), 1u);
  EXPECT_TRUE(undelivered().empty());
}

TEST_F(AlertMailerTest, GivesUpOnAnAlertAfterTheLastAttempt) {
  FakeSmtpServer server;
  const auto alice = user("alice@example.com", std::nullopt);
  alert(budget(store::BudgetScope::kUser, std::to_string(alice)), 80);
  auto options = smtp_to(server);
  options.max_attempts = 2;
  AlertMailer mailer(*store_, options);
  server.fail("RCPT", "550 5.1.1 no such user");

  EXPECT_EQ(poll(mailer).failed, 1);
  EXPECT_EQ(poll(mailer).abandoned, 1);

  EXPECT_TRUE(undelivered().empty());
  server.stop_failing();
  EXPECT_EQ(poll(mailer).delivered, 0);
  EXPECT_TRUE(server.messages().empty());
}

TEST_F(AlertMailerTest, BackgroundLoopPollsOnItsOwnThreadUntilShutdown) {
  const auto alice = user("alice@example.com", std::nullopt);
  alert(budget(store::BudgetScope::kUser, std::to_string(alice)), 80);
  AlertMailerOptions options;
  options.email.poll_interval_secs = 60;
  AlertMailer mailer(*store_, options);

  mailer.start();  // polls at once, then sleeps a minute
  const auto deadline = steady_clock::now() + seconds(5);
  while (!undelivered().empty() && steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  const auto started = steady_clock::now();
  mailer.shutdown();

  EXPECT_TRUE(undelivered().empty());
  EXPECT_LT(steady_clock::now() - started, seconds(2));
}

}  // namespace
}  // namespace sluice::ledger
