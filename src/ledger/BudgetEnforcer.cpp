#include "ledger/BudgetEnforcer.h"

#include "store/Store.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace sluice::ledger {

namespace asio = boost::asio;
using config::Money4;
using std::chrono::sys_seconds;

namespace {

__extension__ using Int128 = __int128;  // __extension__: a GNU type, on purpose

store::UnixMillis unix_millis(sys_seconds instant) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(instant.time_since_epoch()).count();
}

// spend ≥ threshold% of amount, without overflow or rounding.
bool reaches(Money4 spend, Money4 amount, int threshold_percent) {
  return static_cast<Int128>(spend.units()) * 100 >=
         static_cast<Int128>(amount.units()) * threshold_percent;
}

const config::UserConfig* find_user(const config::GatewayConfig& config, std::string_view email) {
  for (const auto& user : config.users) {
    if (user.email == email) return &user;
  }
  return nullptr;
}

}  // namespace

store::Principal to_store_principal(const access::Principal& principal) {
  return {principal.kind == access::PrincipalKind::kUser ? store::PrincipalKind::kUser
                                                         : store::PrincipalKind::kServiceAccount,
          principal.id};
}

std::string ApplicableBudget::key() const {
  if (scope == store::BudgetScope::kUserModel) {
    return fmt::format("{}/{}/{}", store::to_text(scope), principal_id, model);
  }
  return fmt::format("{}/{}", store::to_text(scope), principal_id);
}

BudgetEnforcer::BudgetEnforcer(std::shared_ptr<const config::GatewayConfig> config,
                               std::shared_ptr<store::Store> store, Clock clock,
                               std::filesystem::path zoneinfo_dir)
    : config_(std::move(config)),
      store_(std::move(store)),
      clock_(std::move(clock)),
      zoneinfo_dir_(std::move(zoneinfo_dir)) {}

std::vector<ApplicableBudget> budgets_binding(const config::GatewayConfig& config,
                                              const access::Principal& principal,
                                              std::string_view model_id) {
  std::vector<ApplicableBudget> budgets;
  if (principal.kind == access::PrincipalKind::kServiceAccount) {
    for (const auto& account : config.service_accounts) {
      if (account.id == principal.id) {
        budgets.push_back({store::BudgetScope::kServiceAccount, principal.id, "", account.budget});
      }
    }
    return budgets;
  }
  const config::UserConfig* user = find_user(config, principal.id);
  if (user != nullptr && user->budget) {
    budgets.push_back({store::BudgetScope::kUser, principal.id, "", *user->budget});
  } else if (config.budgets.users.default_budget) {
    budgets.push_back(
        {store::BudgetScope::kUser, principal.id, "", *config.budgets.users.default_budget});
  }
  for (const auto& model_default : config.budgets.users.model_defaults) {
    if (model_default.model == model_id) {
      budgets.push_back({store::BudgetScope::kUserModel, principal.id, std::string(model_id),
                         model_default.budget});
    }
  }
  return budgets;
}

std::vector<ApplicableBudget> BudgetEnforcer::budgets_for(const access::Principal& principal,
                                                          std::string_view model_id) const {
  const std::shared_ptr<const config::GatewayConfig> config = config_.current();
  return budgets_binding(*config, principal, model_id);
}

asio::awaitable<Expected<BudgetAdmission>> BudgetEnforcer::admit(access::Principal principal,
                                                                 std::string model_id) {
  BudgetAdmission admission;
  const std::vector<ApplicableBudget> budgets = budgets_for(principal, model_id);
  for (const ApplicableBudget& budget : budgets) {
    const BudgetWindow window = current_window(budget.budget);
    Expected<std::int64_t> budget_id = co_await ensure_loaded(budget, window);
    if (!budget_id) co_return budget_id.error();
    const std::string key = budget.key();
    BudgetGuard::Admission admitted{key, window, {}};
    if (budget.budget.hard_limit) {
      auto checked = guard_.admit(key, window, budget.budget.amount_usd);
      if (!checked) co_return checked.error();
      admitted = std::move(*checked);
    }
    admission.entries.push_back({std::move(admitted), *budget_id, budget.budget.amount_usd});
  }
  co_return admission;
}

std::vector<store::BudgetAlertRecord> BudgetEnforcer::settle(const BudgetAdmission& admission,
                                                             Money4 cost) {
  std::vector<store::BudgetAlertRecord> alerts;
  for (const auto& entry : admission.entries) {
    const auto& key = entry.guard.budget_key;
    const auto& window = entry.guard.window;
    // Read before and after rather than inside the guard: concurrent settles may both see a
    // crossing (claim_alert keeps one), but none can miss it.
    const Money4 before = guard_.committed(key, window).value_or(Money4{});
    guard_.settle(entry.guard, cost);
    const auto after = guard_.committed(key, window);
    if (!after) continue;  // the window rolled over: this spend belongs to the ledger only
    for (const int threshold : kAlertThresholds) {
      if (reaches(before, entry.amount, threshold) || !reaches(*after, entry.amount, threshold)) {
        continue;
      }
      if (!claim_alert(key, window, threshold)) continue;
      store::BudgetAlertRecord alert;
      alert.budget_id = entry.budget_id;
      alert.window_start = unix_millis(window.start);
      alert.threshold_percent = threshold;
      alert.spend = *after;
      alert.created_at =
          std::chrono::duration_cast<std::chrono::milliseconds>(clock_().time_since_epoch())
              .count();
      alerts.push_back(alert);
    }
  }
  return alerts;
}

std::optional<Money4> BudgetEnforcer::committed(const ApplicableBudget& budget) {
  return guard_.committed(budget.key(), current_window(budget.budget));
}

BudgetWindow BudgetEnforcer::current_window(const config::Budget& budget) {
  const auto now = std::chrono::floor<std::chrono::seconds>(clock_());
  return BudgetWindow::containing(budget.cadence, *zone(budget.timezone), now);
}

std::shared_ptr<const TimeZone> BudgetEnforcer::zone(const std::string& name) {
  const std::lock_guard lock(mutex_);
  if (auto it = zones_.find(name); it != zones_.end()) return it->second;
  std::string why;
  auto loaded = TimeZone::load(name, &why, zoneinfo_dir_);
  if (!loaded) {
    // The config loader checks names; a zone missing from this host's tzdata must not stop
    // requests, so it counts in UTC and says so once.
    spdlog::error("budget timezone `{}` cannot be loaded ({}); its budgets use UTC", name, why);
    loaded = TimeZone::utc();
  }
  auto shared = std::make_shared<const TimeZone>(std::move(*loaded));
  zones_.emplace(name, shared);
  return shared;
}

asio::awaitable<Expected<std::int64_t>> BudgetEnforcer::ensure_loaded(
    const ApplicableBudget& budget, const BudgetWindow& window) {
  const std::string key = budget.key();
  std::optional<std::int64_t> known_id;
  {
    const std::lock_guard lock(mutex_);
    if (auto it = budget_ids_.find(key); it != budget_ids_.end()) known_id = it->second;
    const auto loaded = loaded_windows_.find(key);
    if (known_id && loaded != loaded_windows_.end() && loaded->second == window.start) {
      co_return *known_id;
    }
  }
  if (!known_id) {
    store::BudgetRecord record;
    record.scope = budget.scope;
    record.principal_id = budget.principal_id;
    if (!budget.model.empty()) record.model_id = budget.model;
    record.cadence = budget.budget.cadence;
    record.amount = budget.budget.amount_usd;
    record.hard_limit = budget.budget.hard_limit;
    record.timezone = budget.budget.timezone;
    auto upsert = store_->upsert_budget(std::move(record));
    Expected<std::int64_t> id = co_await std::move(upsert);
    if (!id) co_return id.error();
    known_id = *id;
  }
  store::SpendQuery query;
  query.principal = {budget.scope == store::BudgetScope::kServiceAccount
                         ? store::PrincipalKind::kServiceAccount
                         : store::PrincipalKind::kUser,
                     budget.principal_id};
  if (!budget.model.empty()) query.model = budget.model;
  query.from = unix_millis(window.start);
  query.to = unix_millis(window.end);
  auto sum = store_->sum_cost(std::move(query));
  Expected<Money4> spent = co_await std::move(sum);
  if (!spent) co_return spent.error();

  const std::lock_guard lock(mutex_);
  budget_ids_[key] = *known_id;
  // Two first requests may both have read the store; loading the same figure twice is harmless.
  if (auto loaded = loaded_windows_.find(key);
      loaded == loaded_windows_.end() || loaded->second != window.start) {
    guard_.load(key, window, *spent);
    loaded_windows_[key] = window.start;
  }
  co_return *known_id;
}

bool BudgetEnforcer::claim_alert(const std::string& key, const BudgetWindow& window,
                                 int threshold) {
  const std::lock_guard lock(mutex_);
  Alerted& alerted = alerted_[key];
  if (alerted.window_start != window.start) alerted = {window.start, {}};
  if (std::find(alerted.thresholds.begin(), alerted.thresholds.end(), threshold) !=
      alerted.thresholds.end()) {
    return false;
  }
  alerted.thresholds.push_back(threshold);
  return true;
}

}  // namespace sluice::ledger
