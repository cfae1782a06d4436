#include "ledger/BudgetGuard.h"

#include "config/EnumNames.h"

#include <fmt/format.h>

#include <functional>
#include <limits>

namespace sluice::ledger {

namespace {

using config::Money4;

Money4 saturating_add(Money4 a, Money4 b) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a.units(), b.units(), &sum)) {
    sum = b.units() > 0 ? std::numeric_limits<std::int64_t>::max()
                        : std::numeric_limits<std::int64_t>::min();
  }
  return Money4::from_units(sum);
}

Money4 minus_floor_zero(Money4 a, Money4 b) {
  return Money4::from_units(a.units() > b.units() ? a.units() - b.units() : 0);
}

}  // namespace

GatewayError budget_exceeded(std::string_view budget_key, config::BudgetCadence cadence) {
  return {429, "budget_error", "budget_exceeded", std::nullopt,
          fmt::format("{} budget `{}` is exhausted for the current window; it resets when the "
                      "next {} window begins",
                      config::to_string(cadence), budget_key, config::to_string(cadence))};
}

BudgetGuard::Shard& BudgetGuard::shard_for(std::string_view budget_key) {
  return shards_[std::hash<std::string_view>{}(budget_key) % kShards];
}

const BudgetGuard::Shard& BudgetGuard::shard_for(std::string_view budget_key) const {
  return shards_[std::hash<std::string_view>{}(budget_key) % kShards];
}

BudgetGuard::Account& BudgetGuard::current_account(Shard& shard, std::string_view budget_key,
                                                   const BudgetWindow& window) {
  auto [it, inserted] =
      shard.accounts.try_emplace(std::string(budget_key), Account{window, {}, {}});
  Account& account = it->second;
  if (!inserted && window.start > account.window.start) {
    // Roll-over: holds of the old window's in-flight requests are dropped too; their settle()
    // will find a different window and add nothing here.
    account = Account{window, {}, {}};
  }
  return account;
}

Expected<BudgetGuard::Admission> BudgetGuard::admit(std::string_view budget_key,
                                                    const BudgetWindow& window, Money4 limit,
                                                    Money4 estimated_hold) {
  Shard& shard = shard_for(budget_key);
  const std::lock_guard lock(shard.mutex);
  Account& account = current_account(shard, budget_key, window);
  // A request computed against an older window than the account's is judged against the newer
  // one: the conservative answer when clocks disagree.
  if (saturating_add(account.committed, account.held) >= limit) {
    return budget_exceeded(budget_key, window.cadence);
  }
  const Money4 hold = estimated_hold.is_negative() ? Money4{} : estimated_hold;
  account.held = saturating_add(account.held, hold);
  return Admission{std::string(budget_key), account.window, hold};
}

void BudgetGuard::settle(const Admission& admission, Money4 actual_cost) {
  Shard& shard = shard_for(admission.budget_key);
  const std::lock_guard lock(shard.mutex);
  const auto it = shard.accounts.find(admission.budget_key);
  if (it == shard.accounts.end() || !(it->second.window == admission.window)) return;
  Account& account = it->second;
  account.held = minus_floor_zero(account.held, admission.hold);
  if (!actual_cost.is_negative())
    account.committed = saturating_add(account.committed, actual_cost);
}

void BudgetGuard::load(std::string_view budget_key, const BudgetWindow& window,
                       Money4 spent_from_store) {
  Shard& shard = shard_for(budget_key);
  const std::lock_guard lock(shard.mutex);
  Account& account = current_account(shard, budget_key, window);
  if (account.window == window) account.committed = spent_from_store;
}

std::optional<Money4> BudgetGuard::committed(std::string_view budget_key,
                                             const BudgetWindow& window) const {
  const Shard& shard = shard_for(budget_key);
  const std::lock_guard lock(shard.mutex);
  const auto it = shard.accounts.find(std::string(budget_key));
  if (it == shard.accounts.end() || !(it->second.window == window)) return std::nullopt;
  return it->second.committed;
}

}  // namespace sluice::ledger
