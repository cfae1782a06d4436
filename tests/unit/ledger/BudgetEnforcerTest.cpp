// BudgetEnforcer: which budgets bind a caller, hard limits refusing once spent, prior spend read
// from the store, window roll-over and threshold alerts.
#include "ledger/BudgetEnforcer.h"

#include "LedgerTestSupport.h"
#include "store/StoreQueries.h"

#include <gtest/gtest.h>

namespace sluice::ledger {
namespace {

using config::Money4;
using testing::at;
using testing::await;

Money4 usd(const char* text) { return *Money4::parse(text); }

config::Budget budget(const char* amount,
                      config::BudgetCadence cadence = config::BudgetCadence::kMonthly,
                      bool hard = true) {
  config::Budget result;
  result.cadence = cadence;
  result.amount_usd = usd(amount);
  result.hard_limit = hard;
  return result;
}

access::Principal service_account(const char* id) {
  return {access::PrincipalKind::kServiceAccount, id, "team"};
}
access::Principal user(const char* email) { return {access::PrincipalKind::kUser, email, ""}; }

class BudgetEnforcerTest : public ::testing::Test {
 protected:
  BudgetEnforcerTest() {
    clock_.set(at(2025, 3, 10, 12));
    config::ServiceAccountConfig account;
    account.id = "batch";
    account.team = "team";
    account.budget = budget("1");
    config_.service_accounts.push_back(account);
  }

  BudgetEnforcer& enforcer() {
    if (!enforcer_) {
      enforcer_ =
          std::make_unique<BudgetEnforcer>(std::make_shared<const config::GatewayConfig>(config_),
                                           store_.store(), clock_.function());
    }
    return *enforcer_;
  }

  Expected<BudgetAdmission> admit(const access::Principal& principal, const char* model = "gpt") {
    return await(enforcer().admit(principal, model));
  }

  void ledger_row(const char* request_id, const char* principal_id, store::PrincipalKind kind,
                  std::chrono::sys_seconds when, const char* cost, const char* model = "gpt") {
    store::UsageRecord row;
    row.request_id = request_id;
    row.occurred_at = testing::unix_ms(when);
    row.principal = {kind, principal_id};
    row.resolved_model = model;
    row.cost = usd(cost);
    row.pricing_status = "priced";
    auto inserted = store_.run<std::int64_t>([row](store::StoreConnection& connection) {
      return store::queries::insert_usage(connection, {row});
    });
    ASSERT_TRUE(inserted.ok());
  }

  config::GatewayConfig config_;
  testing::SqliteStore store_;
  testing::ManualClock clock_;
  std::unique_ptr<BudgetEnforcer> enforcer_;
};

TEST_F(BudgetEnforcerTest, RefusesOnceCommittedSpendReachesTheHardLimit) {
  auto first = admit(service_account("batch"));
  ASSERT_TRUE(first.ok()) << first.error().message;
  enforcer().settle(*first, usd("0.6"));
  auto second = admit(service_account("batch"));
  ASSERT_TRUE(second.ok());
  enforcer().settle(*second, usd("0.4"));

  auto third = admit(service_account("batch"));
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().status, 429);
  EXPECT_EQ(third.error().type, "budget_error");
  EXPECT_EQ(third.error().code, "budget_exceeded");
}

TEST_F(BudgetEnforcerTest, LoadsPriorSpendOfTheWindowFromTheStoreOnFirstUse) {
  ledger_row("old", "batch", store::PrincipalKind::kServiceAccount, at(2025, 2, 20), "5");
  ledger_row("this-month", "batch", store::PrincipalKind::kServiceAccount, at(2025, 3, 2), "0.9");
  auto admitted = admit(service_account("batch"));
  ASSERT_TRUE(admitted.ok());
  EXPECT_EQ(enforcer().committed(enforcer().budgets_for(service_account("batch"), "gpt")[0]),
            usd("0.9"));

  ledger_row("more", "batch", store::PrincipalKind::kServiceAccount, at(2025, 3, 3), "0.1");
  enforcer().settle(*admitted, usd("0.1"));  // the same spend, as the writer would store it
  EXPECT_FALSE(admit(service_account("batch")).ok());
}

TEST_F(BudgetEnforcerTest, SoftBudgetsTrackSpendButNeverRefuse) {
  config_.service_accounts[0].budget.hard_limit = false;
  for (int i = 0; i < 3; ++i) {
    auto admitted = admit(service_account("batch"));
    ASSERT_TRUE(admitted.ok());
    enforcer().settle(*admitted, usd("1"));
  }
  EXPECT_EQ(enforcer().committed(enforcer().budgets_for(service_account("batch"), "gpt")[0]),
            usd("3"));
}

TEST_F(BudgetEnforcerTest, ANewWindowStartsFromZero) {
  config_.service_accounts[0].budget = budget("1", config::BudgetCadence::kDaily);
  auto admitted = admit(service_account("batch"));
  ASSERT_TRUE(admitted.ok());
  enforcer().settle(*admitted, usd("1"));
  EXPECT_FALSE(admit(service_account("batch")).ok());

  clock_.set(at(2025, 3, 11, 0));
  EXPECT_TRUE(admit(service_account("batch")).ok());
}

TEST_F(BudgetEnforcerTest, UsersWithoutABudgetOfTheirOwnGetTheUserDefault) {
  config_.budgets.users.default_budget = budget("10");
  config::UserConfig own;
  own.email = "own@example.com";
  own.budget = budget("2", config::BudgetCadence::kWeekly);
  config_.users.push_back(own);

  const auto defaulted = enforcer().budgets_for(user("new@example.com"), "gpt");
  ASSERT_EQ(defaulted.size(), 1U);
  EXPECT_EQ(defaulted[0].budget.amount_usd, usd("10"));
  EXPECT_EQ(defaulted[0].key(), "user/new@example.com");

  const auto owned = enforcer().budgets_for(user("own@example.com"), "gpt");
  ASSERT_EQ(owned.size(), 1U);
  EXPECT_EQ(owned[0].budget.amount_usd, usd("2"));
  EXPECT_EQ(owned[0].budget.cadence, config::BudgetCadence::kWeekly);
}

TEST_F(BudgetEnforcerTest, ModelDefaultBudgetBindsUsersOnThatModelOnly) {
  config_.budgets.users.model_defaults.push_back({"opus", budget("1")});
  const auto on_opus = enforcer().budgets_for(user("a@example.com"), "opus");
  ASSERT_EQ(on_opus.size(), 1U);
  EXPECT_EQ(on_opus[0].key(), "user_model/a@example.com/opus");
  EXPECT_TRUE(enforcer().budgets_for(user("a@example.com"), "gpt").empty());
  EXPECT_TRUE(enforcer().budgets_for(service_account("batch"), "opus").size() == 1U);

  ledger_row("elsewhere", "a@example.com", store::PrincipalKind::kUser, at(2025, 3, 1), "5", "gpt");
  auto admitted = admit(user("a@example.com"), "opus");
  ASSERT_TRUE(admitted.ok()) << "spend on other models does not count";
  enforcer().settle(*admitted, usd("1"));
  EXPECT_FALSE(admit(user("a@example.com"), "opus").ok());
  EXPECT_TRUE(admit(user("a@example.com"), "gpt").ok());
}

TEST_F(BudgetEnforcerTest, EachThresholdIsAlertedOncePerWindow) {
  config_.service_accounts[0].budget = budget("10", config::BudgetCadence::kDaily);
  std::vector<int> alerted;
  std::int64_t window_start = testing::unix_ms(at(2025, 3, 10));
  auto spend = [&](const char* cost) {
    auto admitted = admit(service_account("batch"));
    ASSERT_TRUE(admitted.ok());
    for (const auto& alert : enforcer().settle(*admitted, usd(cost))) {
      alerted.push_back(alert.threshold_percent);
      EXPECT_EQ(alert.window_start, window_start);
      EXPECT_GT(alert.budget_id, 0);
    }
  };
  spend("4");  // 40%
  EXPECT_TRUE(alerted.empty());
  spend("1");  // 50%
  spend("0.5");
  spend("3.5");  // 90%: crosses 80 only
  spend("1");    // 100%
  EXPECT_EQ(alerted, (std::vector<int>{50, 80, 100}));

  clock_.set(at(2025, 3, 11, 1));
  window_start = testing::unix_ms(at(2025, 3, 11));
  alerted.clear();
  spend("9");
  EXPECT_EQ(alerted, (std::vector<int>{50, 80})) << "a new window alerts again";
}

TEST_F(BudgetEnforcerTest, ZeroCostLeavesTheSpendAlone) {
  auto admitted = admit(service_account("batch"));
  ASSERT_TRUE(admitted.ok());
  EXPECT_TRUE(enforcer().settle(*admitted, Money4{}).empty());
  EXPECT_EQ(enforcer().committed(enforcer().budgets_for(service_account("batch"), "gpt")[0]),
            Money4{});
}

TEST_F(BudgetEnforcerTest, CallersWithoutBudgetsAreAdmittedWithNothingToSettle) {
  auto admitted = admit(user("free@example.com"));
  ASSERT_TRUE(admitted.ok());
  EXPECT_TRUE(admitted->entries.empty());
}

}  // namespace
}  // namespace sluice::ledger
