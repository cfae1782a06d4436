// BudgetGuard: hard limits checked before the upstream call, with bounded overshoot.
#include "ledger/BudgetGuard.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace sluice::ledger {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using config::BudgetCadence;
using config::Money4;

Money4 usd(const char* text) { return *Money4::parse(text); }

BudgetWindow day(year_month_day date) {
  return BudgetWindow::containing(BudgetCadence::kDaily, TimeZone::utc(), sys_days(date) + 12h);
}

const BudgetWindow kToday = day(2024y / May / 5);
const BudgetWindow kTomorrow = day(2024y / May / 6);

TEST(BudgetGuard, AdmitsWhileSpendIsBelowTheLimit) {
  BudgetGuard guard;
  const auto admission = guard.admit("user:ada", kToday, usd("10"));
  ASSERT_TRUE(admission);
  guard.settle(*admission, usd("9.9999"));
  EXPECT_TRUE(guard.admit("user:ada", kToday, usd("10")));
}

TEST(BudgetGuard, RefusesOnceCommittedSpendReachesTheLimit) {
  BudgetGuard guard;
  guard.settle(*guard.admit("user:ada", kToday, usd("10")), usd("10"));
  const auto refused = guard.admit("user:ada", kToday, usd("10"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, 429);
  EXPECT_EQ(refused.error().type, "budget_error");
  EXPECT_EQ(refused.error().code, "budget_exceeded");
}

TEST(BudgetGuard, RefusalNamesTheBudgetAndCadenceButNoAmounts) {
  BudgetGuard guard;
  guard.load("service_account:batch", kToday, usd("12.34"));
  const auto refused = guard.admit("service_account:batch", kToday, usd("12"));
  ASSERT_FALSE(refused);
  const std::string& message = refused.error().message;
  EXPECT_NE(message.find("`service_account:batch`"), std::string::npos) << message;
  EXPECT_NE(message.find("daily"), std::string::npos) << message;
  EXPECT_EQ(message.find("12"), std::string::npos) << message;
  EXPECT_EQ(message.find('$'), std::string::npos) << message;
}

TEST(BudgetGuard, ZeroLimitRefusesEveryRequest) {
  BudgetGuard guard;
  EXPECT_FALSE(guard.admit("user:ada", kToday, Money4{}));
}

TEST(BudgetGuard, RequestsInFlightAreAdmittedAndMayOvershootByTheirCost) {
  BudgetGuard guard;
  const auto first = guard.admit("user:ada", kToday, usd("1"));
  const auto second = guard.admit("user:ada", kToday, usd("1"));  // zero hold: both fit
  ASSERT_TRUE(first && second);
  guard.settle(*first, usd("0.80"));
  guard.settle(*second, usd("0.80"));
  EXPECT_EQ(guard.committed("user:ada", kToday), usd("1.60"));  // overshoot = one in-flight cost
  EXPECT_FALSE(guard.admit("user:ada", kToday, usd("1")));
}

TEST(BudgetGuard, HoldsCountAgainstTheLimitUntilSettled) {
  BudgetGuard guard;
  const auto held = guard.admit("user:ada", kToday, usd("1"), usd("0.60"));
  ASSERT_TRUE(held);
  EXPECT_TRUE(guard.admit("user:ada", kToday, usd("1"), usd("0.40")));  // 0.60 < 1
  EXPECT_FALSE(guard.admit("user:ada", kToday, usd("1")));              // 0.60 + 0.40 = 1
  guard.settle(*held, usd("0.10"));
  EXPECT_TRUE(guard.admit("user:ada", kToday, usd("1")));  // 0.10 + 0.40 < 1
}

TEST(BudgetGuard, SettleAddsTheActualCost) {
  BudgetGuard guard;
  guard.settle(*guard.admit("user:ada", kToday, usd("10")), usd("0.0042"));
  guard.settle(*guard.admit("user:ada", kToday, usd("10")), Money4{});  // unpriced
  EXPECT_EQ(guard.committed("user:ada", kToday), usd("0.0042"));
}

TEST(BudgetGuard, LoadSeedsSpendFromTheStore) {
  BudgetGuard guard;
  guard.load("user:ada", kToday, usd("5"));
  EXPECT_EQ(guard.committed("user:ada", kToday), usd("5"));
  EXPECT_FALSE(guard.admit("user:ada", kToday, usd("5")));
  EXPECT_TRUE(guard.admit("user:ada", kToday, usd("5.0001")));
}

TEST(BudgetGuard, NewWindowStartsFromZero) {
  BudgetGuard guard;
  guard.load("user:ada", kToday, usd("5"));
  ASSERT_FALSE(guard.admit("user:ada", kToday, usd("5")));
  EXPECT_TRUE(guard.admit("user:ada", kTomorrow, usd("5")));
  EXPECT_EQ(guard.committed("user:ada", kTomorrow), Money4{});
  EXPECT_FALSE(guard.committed("user:ada", kToday));
}

TEST(BudgetGuard, SettlingAfterRollOverDoesNotChargeTheNewWindow) {
  BudgetGuard guard;
  const auto yesterday = guard.admit("user:ada", kToday, usd("5"));
  ASSERT_TRUE(yesterday);
  ASSERT_TRUE(guard.admit("user:ada", kTomorrow, usd("5")));
  guard.settle(*yesterday, usd("4"));
  EXPECT_EQ(guard.committed("user:ada", kTomorrow), Money4{});
  guard.load("user:ada", kToday, usd("100"));  // a stale store figure for a closed window
  EXPECT_TRUE(guard.admit("user:ada", kTomorrow, usd("5")));
}

TEST(BudgetGuard, BudgetsAreIndependent) {
  BudgetGuard guard;
  guard.load("user:ada", kToday, usd("5"));
  EXPECT_FALSE(guard.admit("user:ada", kToday, usd("5")));
  EXPECT_TRUE(guard.admit("user:bob", kToday, usd("5")));
  EXPECT_TRUE(guard.admit("user_model:ada:gpt-4o", kToday, usd("5")));
}

TEST(BudgetGuard, ConcurrentAdmitsStopOnceCommittedReachesTheLimit) {
  // Each request costs 10 units; the limit is 100. With a zero hold, at most 10 requests can be
  // admitted before committed reaches 100, plus those in flight then: at most one per other thread.
  constexpr int kThreads = 8;
  const Money4 limit = Money4::from_units(100);
  const Money4 cost = Money4::from_units(10);
  BudgetGuard guard;
  std::atomic<int> admitted{0};
  std::atomic<int> admitted_after_limit{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        const auto admission = guard.admit("team:shared", kToday, limit);
        if (!admission) continue;
        ++admitted;
        // The admission was granted under the lock while committed < limit; if committed is
        // already at the limit now, only settlements of other in-flight requests can explain it.
        if (*guard.committed("team:shared", kToday) >= limit) ++admitted_after_limit;
        guard.settle(*admission, cost);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_GE(admitted.load(), 10);
  EXPECT_LE(admitted.load(), 10 + kThreads - 1);
  EXPECT_LE(admitted_after_limit.load(), kThreads - 1);
  const Money4 spent = *guard.committed("team:shared", kToday);
  EXPECT_GE(spent, limit);
  EXPECT_LE(spent.units(), limit.units() + (kThreads - 1) * cost.units());
  EXPECT_FALSE(guard.admit("team:shared", kToday, limit));
}

}  // namespace
}  // namespace sluice::ledger
