// ConsoleSpendQueries: what the admin console reads about money — the spend report, the FOCUS
// export's rows, budgets and their alerts (docs/admin-api.md, "Spend").
//
// Every read takes a PrincipalScope, so a user sees their own spend, a team admin their team's and a
// platform admin everyone's, with the filter in the SQL rather than after it. Sums follow the
// ledger's rule (docs/store.md): cost counts priced rows only, over a half-open [from, to); days
// are UTC days, bucketed as occurred_at / 86400000 in integer arithmetic, which both backends do
// the same way for the non-negative times the ledger holds.
#pragma once

#include "store/StoreConnection.h"
#include "store/StoreRecords.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice::store {

inline constexpr std::int64_t kMillisPerDay = 86'400'000;

enum class SpendGrouping { kModel, kPrincipal };  // by resolved model, or by who was charged

struct SpendTotals {
  config::Money4 cost;  // priced rows only
  std::int64_t requests = 0;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;

  SpendTotals& operator+=(const SpendTotals& other);
  friend bool operator==(const SpendTotals&, const SpendTotals&) = default;
};

// One group of the report: a resolved model id, or a principal (its id, with its kind).
struct SpendKey {
  std::string id;
  std::optional<PrincipalKind> principal_kind;  // principal grouping only
  friend auto operator<=>(const SpendKey&, const SpendKey&) = default;
};

struct SpendGroup {
  SpendKey key;
  SpendTotals totals;
};

struct SpendDay {
  std::int64_t day = 0;  // UTC days since 1970-01-01
  SpendKey key;
  SpendTotals totals;
};

struct SpendReportQuery {
  PrincipalScope scope;
  SpendGrouping group_by = SpendGrouping::kModel;
  UnixMillis from = 0;
  UnixMillis to = 0;
};

struct SpendReport {
  SpendTotals total;
  std::vector<SpendGroup> groups;  // by key
  std::vector<SpendDay> series;    // by day, then key; only days with rows
};

// One row of the FOCUS export: a UTC day × principal × resolved model × provider.
struct FocusUsageRow {
  std::int64_t day = 0;  // UTC days since 1970-01-01
  Principal principal;
  std::string principal_name;  // the user's or service account's name; "" when the row is gone
  std::string model;           // resolved (gateway) model id
  std::string provider;
  config::Money4 cost;  // priced requests only
  std::int64_t requests = 0;
  std::int64_t unpriced_requests = 0;  // unpriced or usage_missing: tokens counted, no cost
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
};

// An alert with the budget it belongs to.
struct BudgetAlertRow {
  BudgetAlertRecord alert;
  BudgetScope scope = BudgetScope::kUser;
  std::string principal_id;
};

namespace queries {

Expected<SpendReport> spend_report(StoreConnection& connection, const SpendReportQuery& query);

// Ordered by day, principal, model, provider.
Expected<std::vector<FocusUsageRow>> focus_usage(StoreConnection& connection,
                                                 const PrincipalScope& scope, UnixMillis from,
                                                 UnixMillis to);

// Budgets rows within `scope` (a user's and user-model budgets belong to the user), by id.
Expected<std::vector<BudgetRecord>> list_budgets(StoreConnection& connection,
                                                 const PrincipalScope& scope);

// Alerts of the budgets within `scope`, newest first, at most `limit` after skipping `offset`.
Expected<std::vector<BudgetAlertRow>> list_budget_alerts(StoreConnection& connection,
                                                         const PrincipalScope& scope,
                                                         std::int64_t limit,
                                                         std::int64_t offset = 0);

}  // namespace queries
}  // namespace sluice::store
