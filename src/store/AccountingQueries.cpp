// The usage ledger, spend sums and budget alerts (the StoreQueries accounting functions).
#include "store/QuerySupport.h"
#include "store/StoreQueries.h"

#include <fmt/format.h>

namespace sluice::store::queries {
namespace {

Status insert_usage_row(StoreConnection& connection, const UsageRecord& row,
                        std::int64_t& inserted) {
  auto statement = connection.prepare(
      "INSERT INTO usage_ledger (request_id, occurred_at, principal_kind, principal_id, api_key_id,"
      " requested_model, resolved_model, route, provider, input_tokens, output_tokens,"
      " cache_read_tokens, cache_write_tokens, reasoning_tokens, cost, pricing_status, latency_ms,"
      " status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT (request_id) DO NOTHING");
  if (!statement) return statement.error();
  StoreStatement& insert = **statement;
  insert.bind_in_place(1, row.request_id);
  insert.bind(2, row.occurred_at);
  insert.bind(3, to_text(row.principal.kind));
  insert.bind_in_place(4, row.principal.id);
  insert.bind(5, row.api_key_id);
  insert.bind_in_place(6, row.requested_model);
  insert.bind_in_place(7, row.resolved_model);
  insert.bind_in_place(8, row.route);
  insert.bind_in_place(9, row.provider);
  insert.bind(10, row.input_tokens);
  insert.bind(11, row.output_tokens);
  insert.bind(12, row.cache_read_tokens);
  insert.bind(13, row.cache_write_tokens);
  insert.bind(14, row.reasoning_tokens);
  if (row.cost) {
    insert.bind(15, row.cost->units());
  } else {
    insert.bind_null(15);
  }
  insert.bind_in_place(16, row.pricing_status);
  insert.bind(17, row.latency_ms);
  insert.bind(18, row.status);
  if (auto done = insert.run(); !done) return done;
  inserted += insert.rows_affected();
  return Done{};
}

// Column 0 of every row, in order.
Expected<std::vector<std::string>> read_texts(StoreStatement& statement) {
  std::vector<std::string> texts;
  while (true) {
    auto row = statement.step();
    if (!row) return row.error();
    if (!*row) break;
    texts.push_back(statement.column_text(0));
  }
  return texts;
}

Expected<BudgetAlertAudience> user_audience(StoreConnection& connection,
                                            const std::string& user_id) {
  auto statement = connection.prepare("SELECT email FROM users WHERE CAST(id AS TEXT) = ?");
  if (!statement) return statement.error();
  (*statement)->bind(1, user_id);
  auto emails = read_texts(**statement);
  if (!emails) return emails.error();
  BudgetAlertAudience audience;
  audience.principal_label = emails->empty() ? "user " + user_id : emails->front();
  audience.emails = std::move(*emails);
  return audience;
}

Expected<BudgetAlertAudience> service_account_audience(StoreConnection& connection,
                                                       const std::string& account_id) {
  auto account = connection.prepare("SELECT name FROM service_accounts WHERE id = ?");
  if (!account) return account.error();
  (*account)->bind(1, account_id);
  auto names = read_texts(**account);
  if (!names) return names.error();
  BudgetAlertAudience audience;
  audience.principal_label =
      names->empty() ? account_id : fmt::format("{} ({})", names->front(), account_id);

  auto admins = connection.prepare(
      "SELECT u.email FROM users u JOIN service_accounts s ON u.team_id = s.team_id"
      " WHERE s.id = ? AND u.team_role IN ('owner', 'admin') ORDER BY u.email");
  if (!admins) return admins.error();
  (*admins)->bind(1, account_id);
  auto emails = read_texts(**admins);
  if (!emails) return emails.error();
  if (emails->empty()) {
    // Someone must hear about a team's spend; with no team admin, the platform's admins do.
    auto platform = connection.prepare(
        "SELECT email FROM users WHERE global_role = 'platform_admin' ORDER BY email");
    if (!platform) return platform.error();
    emails = read_texts(**platform);
    if (!emails) return emails.error();
  }
  audience.emails = std::move(*emails);
  return audience;
}

}  // namespace

Expected<std::int64_t> insert_usage(StoreConnection& connection,
                                    const std::vector<UsageRecord>& rows) {
  auto transaction = StoreTransaction::begin(connection);
  if (!transaction) return transaction.error();
  std::int64_t inserted = 0;
  for (const UsageRecord& row : rows) {
    if (auto done = insert_usage_row(connection, row, inserted); !done) return done.error();
  }
  if (auto committed = transaction->commit(); !committed) return committed.error();
  return inserted;
}

Expected<config::Money4> sum_cost(StoreConnection& connection, const SpendQuery& query) {
  // Two texts rather than `? IS NULL OR …`: Postgres cannot infer a type for a parameter that only
  // meets NULL, and each text gets the plan for its own index.
  constexpr std::string_view kAllModels =
      "SELECT COALESCE(SUM(cost), 0) FROM usage_ledger WHERE principal_kind = ?"
      " AND principal_id = ? AND occurred_at >= ? AND occurred_at < ?";
  constexpr std::string_view kOneModel =
      "SELECT COALESCE(SUM(cost), 0) FROM usage_ledger WHERE principal_kind = ?"
      " AND principal_id = ? AND occurred_at >= ? AND occurred_at < ? AND resolved_model = ?";
  auto statement = connection.prepare(query.model ? kOneModel : kAllModels);
  if (!statement) return statement.error();
  StoreStatement& select = **statement;
  select.bind(1, to_text(query.principal.kind));
  select.bind(2, query.principal.id);
  select.bind(3, query.from);
  select.bind(4, query.to);
  if (query.model) select.bind(5, *query.model);
  auto total = detail::required_int64(select, "sum cost");
  if (!total) return total.error();
  return config::Money4::from_units(*total);
}

Expected<bool> insert_budget_alert(StoreConnection& connection, const BudgetAlertRecord& alert) {
  auto statement = connection.prepare(
      "INSERT INTO budget_alerts (budget_id, window_start, threshold_percent, spend, created_at)"
      " VALUES (?, ?, ?, ?, ?)"
      " ON CONFLICT (budget_id, window_start, threshold_percent) DO NOTHING");
  if (!statement) return statement.error();
  StoreStatement& insert = **statement;
  insert.bind(1, alert.budget_id);
  insert.bind(2, alert.window_start);
  insert.bind(3, alert.threshold_percent);
  insert.bind(4, alert.spend.units());
  insert.bind(5, alert.created_at);
  if (auto done = insert.run(); !done) return done.error();
  return insert.rows_affected() == 1;
}

Expected<std::vector<BudgetAlertRecord>> list_undelivered_alerts(StoreConnection& connection,
                                                                 std::int64_t limit) {
  auto statement = connection.prepare(fmt::format(
      "SELECT {} FROM budget_alerts WHERE delivered_at IS NULL AND abandoned_at IS NULL"
      " ORDER BY id LIMIT ?",
      detail::kAlertColumns));
  if (!statement) return statement.error();
  (*statement)->bind(1, limit);
  std::vector<BudgetAlertRecord> alerts;
  while (true) {
    auto row = (*statement)->step();
    if (!row) return row.error();
    if (!*row) break;
    alerts.push_back(detail::read_alert(**statement));
  }
  return alerts;
}

Status mark_alert_delivered(StoreConnection& connection, std::int64_t alert_id, UnixMillis at) {
  auto statement = connection.prepare("UPDATE budget_alerts SET delivered_at = ? WHERE id = ?");
  if (!statement) return statement.error();
  (*statement)->bind(1, at);
  (*statement)->bind(2, alert_id);
  return (*statement)->run();
}

Expected<int> record_alert_failure(StoreConnection& connection, std::int64_t alert_id,
                                   std::string_view error, UnixMillis at, int max_attempts) {
  auto statement = connection.prepare(
      "UPDATE budget_alerts SET attempts = attempts + 1, last_error = ?,"
      " abandoned_at = CASE WHEN attempts + 1 >= ? THEN ? ELSE abandoned_at END"
      " WHERE id = ? RETURNING attempts");
  if (!statement) return statement.error();
  StoreStatement& update = **statement;
  update.bind(1, error);
  update.bind(2, max_attempts);
  update.bind(3, at);
  update.bind(4, alert_id);
  auto attempts = detail::required_int64(update, "record alert failure");
  if (!attempts) return attempts.error();
  return static_cast<int>(*attempts);
}

Expected<std::optional<BudgetRecord>> find_budget(StoreConnection& connection, std::int64_t id) {
  auto statement = connection.prepare(
      fmt::format("SELECT {} FROM budgets WHERE id = ?", detail::kBudgetColumns));
  if (!statement) return statement.error();
  StoreStatement& select = **statement;
  select.bind(1, id);
  auto row = select.step();
  if (!row) return row.error();
  std::optional<BudgetRecord> budget;
  if (*row) budget = detail::read_budget(select);
  select.reset();
  return budget;
}

Expected<BudgetAlertAudience> budget_alert_audience(StoreConnection& connection,
                                                    const BudgetRecord& budget) {
  if (budget.scope == BudgetScope::kServiceAccount) {
    return service_account_audience(connection, budget.principal_id);
  }
  return user_audience(connection, budget.principal_id);
}

}  // namespace sluice::store::queries
