// The admin console's spend reads (ConsoleSpendQueries.h): report, FOCUS rows, budgets, alerts.
#include "store/ConsoleSpendQueries.h"

#include "store/QuerySupport.h"

#include <fmt/format.h>

#include <map>

namespace sluice::store {

SpendTotals& SpendTotals::operator+=(const SpendTotals& other) {
  cost = config::Money4::from_units(cost.units() + other.cost.units());
  requests += other.requests;
  input_tokens += other.input_tokens;
  output_tokens += other.output_tokens;
  return *this;
}

namespace queries {
namespace {

using detail::PrincipalColumns;

constexpr PrincipalColumns kLedgerPrincipal{"l.principal_kind = 'user'",
                                            "l.principal_kind = 'service_account'",
                                            "l.principal_id"};
// A user's budgets (over every model, or one) belong to the user.
constexpr PrincipalColumns kBudgetPrincipal{"b.scope IN ('user', 'user_model')",
                                            "b.scope = 'service_account'", "b.principal_id"};

// The day bucket, written once so SELECT and GROUP BY agree (Postgres needs the same expression).
constexpr std::string_view kDay = "l.occurred_at / 86400000";

template <typename Row, typename Read>
Expected<std::vector<Row>> read_rows(StoreStatement& statement, Read read) {
  std::vector<Row> rows;
  while (true) {
    auto row = statement.step();
    if (!row) return row.error();
    if (!*row) break;
    rows.push_back(read(statement));
  }
  return rows;
}

}  // namespace

Expected<SpendReport> spend_report(StoreConnection& connection, const SpendReportQuery& query) {
  // One GROUP BY per day and key; the groups and the total are sums of its rows, so the three
  // parts of the report can never disagree.
  const bool by_principal = query.group_by == SpendGrouping::kPrincipal;
  const std::string_view key = by_principal ? "l.principal_id, l.principal_kind" : "l.resolved_model";
  const std::string sql = fmt::format(
      "SELECT {0}, {1}, COUNT(*), COALESCE(SUM(l.cost), 0), COALESCE(SUM(l.input_tokens), 0),"
      " COALESCE(SUM(l.output_tokens), 0) FROM usage_ledger l"
      " WHERE l.occurred_at >= ? AND l.occurred_at < ?{2} GROUP BY {0}, {1} ORDER BY {0}, {1}",
      kDay, key, detail::scope_condition(query.scope, kLedgerPrincipal));
  auto statement = connection.prepare(sql);
  if (!statement) return statement.error();
  StoreStatement& select = **statement;
  int index = 1;
  select.bind(index++, query.from);
  select.bind(index++, query.to);
  detail::bind_scope(select, index, query.scope);
  const int totals_column = by_principal ? 3 : 2;
  auto series = read_rows<SpendDay>(select, [&](const StoreStatement& row) {
    SpendDay day;
    day.day = row.column_int64(0);
    day.key.id = row.column_text(1);
    if (by_principal) day.key.principal_kind = detail::principal_kind_from(row.column_text(2));
    day.totals.requests = row.column_int64(totals_column);
    day.totals.cost = config::Money4::from_units(row.column_int64(totals_column + 1));
    day.totals.input_tokens = row.column_int64(totals_column + 2);
    day.totals.output_tokens = row.column_int64(totals_column + 3);
    return day;
  });
  if (!series) return series.error();

  SpendReport report;
  std::map<SpendKey, SpendTotals> groups;
  for (const SpendDay& day : *series) {
    report.total += day.totals;
    groups[day.key] += day.totals;
  }
  for (auto& [group_key, totals] : groups) report.groups.push_back({group_key, totals});
  report.series = std::move(*series);
  return report;
}

Expected<std::vector<FocusUsageRow>> focus_usage(StoreConnection& connection,
                                                 const PrincipalScope& scope, UnixMillis from,
                                                 UnixMillis to) {
  const std::string sql = fmt::format(
      "SELECT {0}, l.principal_kind, l.principal_id, l.resolved_model, l.provider,"
      " COALESCE(SUM(l.cost), 0), COUNT(*),"
      " SUM(CASE WHEN l.pricing_status = 'priced' THEN 0 ELSE 1 END),"
      " COALESCE(SUM(l.input_tokens), 0), COALESCE(SUM(l.output_tokens), 0),"
      " MAX(COALESCE(u.name, s.name, ''))"
      " FROM usage_ledger l"
      " LEFT JOIN users u ON l.principal_kind = 'user' AND u.email = l.principal_id"
      " LEFT JOIN service_accounts s"
      " ON l.principal_kind = 'service_account' AND s.id = l.principal_id"
      " WHERE l.occurred_at >= ? AND l.occurred_at < ?{1}"
      " GROUP BY {0}, l.principal_kind, l.principal_id, l.resolved_model, l.provider"
      " ORDER BY {0}, l.principal_kind, l.principal_id, l.resolved_model, l.provider",
      kDay, detail::scope_condition(scope, kLedgerPrincipal));
  auto statement = connection.prepare(sql);
  if (!statement) return statement.error();
  StoreStatement& select = **statement;
  int index = 1;
  select.bind(index++, from);
  select.bind(index++, to);
  detail::bind_scope(select, index, scope);
  return read_rows<FocusUsageRow>(select, [](const StoreStatement& row) {
    FocusUsageRow usage;
    usage.day = row.column_int64(0);
    usage.principal = {detail::principal_kind_from(row.column_text(1)), row.column_text(2)};
    usage.model = row.column_text(3);
    usage.provider = row.column_text(4);
    usage.cost = config::Money4::from_units(row.column_int64(5));
    usage.requests = row.column_int64(6);
    usage.unpriced_requests = row.column_int64(7);
    usage.input_tokens = row.column_int64(8);
    usage.output_tokens = row.column_int64(9);
    usage.principal_name = row.column_text(10);
    return usage;
  });
}

Expected<std::vector<BudgetRecord>> list_budgets(StoreConnection& connection,
                                                 const PrincipalScope& scope) {
  std::string columns;
  for (std::string_view column : {"id", "scope", "principal_id", "model_id", "cadence", "amount",
                                  "hard_limit", "timezone"}) {
    columns += columns.empty() ? "b." : ", b.";
    columns += column;
  }
  const std::string sql =
      fmt::format("SELECT {} FROM budgets b WHERE 1 = 1{} ORDER BY b.id", columns,
                  detail::scope_condition(scope, kBudgetPrincipal));
  auto statement = connection.prepare(sql);
  if (!statement) return statement.error();
  int index = 1;
  detail::bind_scope(**statement, index, scope);
  return read_rows<BudgetRecord>(
      **statement, [](const StoreStatement& row) { return detail::read_budget(row); });
}

Expected<std::vector<BudgetAlertRow>> list_budget_alerts(StoreConnection& connection,
                                                         const PrincipalScope& scope,
                                                         std::int64_t limit,
                                                         std::int64_t offset) {
  const std::string sql = fmt::format(
      "SELECT a.id, a.budget_id, a.window_start, a.threshold_percent, a.spend, a.created_at,"
      " a.delivered_at, a.attempts, a.last_error, a.abandoned_at, b.scope, b.principal_id"
      " FROM budget_alerts a JOIN budgets b ON b.id = a.budget_id WHERE 1 = 1{}"
      " ORDER BY a.created_at DESC, a.id DESC LIMIT ? OFFSET ?",
      detail::scope_condition(scope, kBudgetPrincipal));
  auto statement = connection.prepare(sql);
  if (!statement) return statement.error();
  int index = 1;
  detail::bind_scope(**statement, index, scope);
  (*statement)->bind(index++, limit);
  (*statement)->bind(index, offset);
  return read_rows<BudgetAlertRow>(**statement, [](const StoreStatement& row) {
    BudgetAlertRow alert;
    alert.alert = detail::read_alert(row);
    alert.scope = detail::budget_scope_from(row.column_text(10));
    alert.principal_id = row.column_text(11);
    return alert;
  });
}

}  // namespace queries
}  // namespace sluice::store
