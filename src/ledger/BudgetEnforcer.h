// BudgetEnforcer: which budgets bind a caller, the pre-upstream check against the hard ones
// (api.md §4 step 7) and the post-response spend that feeds them (§4 step 9, §8).
//
// A service account is bound by its `service_accounts[].budget`; a user by `users[].budget`, or
// `budgets.users.default` when the user has none, plus `budgets.users.model_defaults` for the
// resolved model (config.md §6). Each budget is identified by (scope, principal id, model or ""),
// the same triple the store's `budgets` table is unique on.
//
// The running spend lives in a BudgetGuard. The first time a budget is met in a window, its
// committed spend is read from the usage ledger (sum_cost, on the store's threads) and loaded into
// the guard, so a restart does not forget the month; the budget's row is upserted at the same time
// because alerts refer to it by id. A store failure during that first read refuses the request with
// the store's 503: a hard limit that cannot be checked is not silently waived.
//
// Only hard budgets refuse (429 budget_exceeded). Soft budgets are tracked the same way, so their
// threshold alerts work. settle() adds a request's cost (zero for unpriced and usage_missing
// requests) and returns an alert for every threshold — 50, 80 and 100 percent — the spend crossed,
// each at most once per budget window; the caller queues them for the LedgerWriter, and the
// store's uniqueness on (budget, window, threshold) keeps them single across restarts too.
#pragma once

#include "access/CallerKeyRegistry.h"
#include "config/GatewayConfig.h"
#include "core/Expected.h"
#include "core/SharedSnapshot.h"
#include "ledger/BudgetGuard.h"
#include "ledger/BudgetWindow.h"
#include "ledger/TimeZone.h"
#include "store/StoreRecords.h"

#include <boost/asio/awaitable.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::store {
class Store;
}

namespace sluice::ledger {

// The store's spelling of a caller: users are identified by their lower-cased email, as the access
// layer identifies them, so ledger rows and budgets need no user table lookup on the request path.
store::Principal to_store_principal(const access::Principal& principal);

// One budget that binds a request.
struct ApplicableBudget {
  store::BudgetScope scope = store::BudgetScope::kUser;
  std::string principal_id;
  std::string model;  // user_model budgets only; "" otherwise
  config::Budget budget;

  // "service_account/<id>", "user/<email>" or "user_model/<email>/<model>": the guard's key, and
  // what a refusal names.
  std::string key() const;
};

// The budgets `config` binds `principal` calling `model_id` with (the table above): what
// BudgetEnforcer::budgets_for answers for its current config, and what the admin console reads to
// show a stored budget with the limit the running config gives it.
std::vector<ApplicableBudget> budgets_binding(const config::GatewayConfig& config,
                                              const access::Principal& principal,
                                              std::string_view model_id);

// What admit() let through: one entry per budget, for settle().
struct BudgetAdmission {
  struct Entry {
    BudgetGuard::Admission guard;
    std::int64_t budget_id = 0;  // the store's budgets row
    config::Money4 amount;
  };
  std::vector<Entry> entries;
};

class BudgetEnforcer {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  static constexpr std::array<int, 3> kAlertThresholds = {50, 80, 100};

  BudgetEnforcer(std::shared_ptr<const config::GatewayConfig> config,
                 std::shared_ptr<store::Store> store, Clock clock = std::chrono::system_clock::now,
                 std::filesystem::path zoneinfo_dir = TimeZone::kSystemZoneinfoDir);

  // A reloaded configuration's budgets apply to requests admitted from now on; spend already
  // committed in the current windows is kept (budgets are identified by principal and model).
  void reconfigure(std::shared_ptr<const config::GatewayConfig> config) {
    config_.replace(std::move(config));
  }

  // The budgets that bind `principal` calling `model_id` (a resolved, canonical model id).
  std::vector<ApplicableBudget> budgets_for(const access::Principal& principal,
                                            std::string_view model_id) const;

  // Admits the request against every hard budget, or refuses it with the first refusal (429
  // budget_error / budget_exceeded) or the store's error.
  boost::asio::awaitable<Expected<BudgetAdmission>> admit(access::Principal principal,
                                                          std::string model_id);

  // Adds `cost` to each admitted budget's window (if still current) and returns the threshold
  // alerts it crossed.
  std::vector<store::BudgetAlertRecord> settle(const BudgetAdmission& admission,
                                               config::Money4 cost);

  // The guard's committed spend for a budget in the window containing now (tests, admin views).
  std::optional<config::Money4> committed(const ApplicableBudget& budget);

 private:
  BudgetWindow current_window(const config::Budget& budget);
  std::shared_ptr<const TimeZone> zone(const std::string& name);
  // Loads the budget's committed spend for `window` into the guard once; returns its row id.
  boost::asio::awaitable<Expected<std::int64_t>> ensure_loaded(const ApplicableBudget& budget,
                                                               const BudgetWindow& window);
  // True the first time `threshold` is claimed for this budget window.
  bool claim_alert(const std::string& key, const BudgetWindow& window, int threshold);

  // Which budgets exist: replaced when the configuration is reloaded (reconfigure()).
  SharedSnapshot<const config::GatewayConfig> config_;
  std::shared_ptr<store::Store> store_;
  Clock clock_;
  std::filesystem::path zoneinfo_dir_;
  BudgetGuard guard_;

  std::mutex mutex_;  // guards the maps below; never held across a co_await
  std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>> zones_;
  std::map<std::string, std::int64_t, std::less<>> budget_ids_;
  std::map<std::string, std::chrono::sys_seconds, std::less<>> loaded_windows_;  // by key: start
  struct Alerted {
    std::chrono::sys_seconds window_start;
    std::vector<int> thresholds;
  };
  std::map<std::string, Alerted, std::less<>> alerted_;
};

}  // namespace sluice::ledger
