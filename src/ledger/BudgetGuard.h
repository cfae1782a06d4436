// BudgetGuard: the hard-limit check made before a request goes upstream (api.md §4 step 7), and
// the running spend it checks against.
//
// Each budget (a user's, a user's per-model, a service account's) is a key; its spend is summed
// per BudgetWindow. A request is admitted only while
//
//     committed spend + holds of requests in flight  <  limit
//
// and after the upstream answers its real cost is settled into the committed spend. The hold is
// what the caller expects the request might cost; the gateway passes 0, because a request's cost
// is unknown until the upstream reports usage and any estimate would refuse requests that fit.
// With a zero hold the rule reads "admit while committed < limit", and the overshoot it allows is
// bounded: once committed spend reaches the limit nothing more is admitted, so the spend beyond the
// limit is at most the cost of the requests that were already in flight when the limit was crossed
// (the one whose settlement crossed it included). A positive hold tightens that bound by the holds.
//
// Spend lives in memory, seeded from the store with load() (at start-up, or the first time a key
// is seen) so a restart does not forget the month. A request whose window has ended is settled into
// nothing here: the new window starts at zero, and the old spend lives on in the ledger rows.
// Accounts are spread over sharded mutexes keyed by budget: admit and settle run once per request,
// never per byte, so a short lock is cheaper than anything cleverer.
#pragma once

#include "config/Money.h"
#include "core/Expected.h"
#include "ledger/BudgetWindow.h"

#include <array>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sluice::ledger {

class BudgetGuard {
 public:
  // Proof that a request was admitted: what settle() needs to release its hold.
  struct Admission {
    std::string budget_key;
    BudgetWindow window;
    config::Money4 hold;
  };

  // Admits a request against `budget_key` in `window` with `limit`, or refuses it with 429
  // budget_error / budget_exceeded. The refusal names the budget and its cadence only: never an
  // amount, and never another principal's spend.
  Expected<Admission> admit(std::string_view budget_key, const BudgetWindow& window,
                            config::Money4 limit, config::Money4 estimated_hold = {});

  // Releases the admission's hold and adds `actual_cost` (0 for an unpriced or failed request) to
  // the committed spend of its window, if that window is still the current one.
  void settle(const Admission& admission, config::Money4 actual_cost);

  // Seeds the committed spend of `budget_key` in `window` with the store's figure (which replaces
  // what the guard had for that window). A figure for an older window than the one held is ignored.
  void load(std::string_view budget_key, const BudgetWindow& window,
            config::Money4 spent_from_store);

  // Committed spend of `budget_key` in `window`, or nullopt when the guard holds no account for
  // that window (never loaded, or rolled over).
  std::optional<config::Money4> committed(std::string_view budget_key,
                                          const BudgetWindow& window) const;

 private:
  struct Account {
    BudgetWindow window;
    config::Money4 committed;
    config::Money4 held;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Account> accounts;
  };
  static constexpr std::size_t kShards = 16;

  Shard& shard_for(std::string_view budget_key);
  const Shard& shard_for(std::string_view budget_key) const;
  // The account for `budget_key`, reset if `window` has rolled past the one it holds.
  static Account& current_account(Shard& shard, std::string_view budget_key,
                                  const BudgetWindow& window);

  std::array<Shard, kShards> shards_;
};

// 429 budget_error / budget_exceeded for the budget named `budget_key` with `cadence`.
GatewayError budget_exceeded(std::string_view budget_key, config::BudgetCadence cadence);

}  // namespace sluice::ledger
