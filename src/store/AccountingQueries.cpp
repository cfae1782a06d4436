// The usage ledger, spend sums and budget alerts (the StoreQueries accounting functions).
#include "store/QuerySupport.h"
#include "store/StoreQueries.h"

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
  insert.bind(1, row.request_id);
  insert.bind(2, row.occurred_at);
  insert.bind(3, to_text(row.principal.kind));
  insert.bind(4, row.principal.id);
  insert.bind(5, row.api_key_id);
  insert.bind(6, row.requested_model);
  insert.bind(7, row.resolved_model);
  insert.bind(8, row.route);
  insert.bind(9, row.provider);
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
  insert.bind(16, row.pricing_status);
  insert.bind(17, row.latency_ms);
  insert.bind(18, row.status);
  if (auto done = insert.run(); !done) return done;
  inserted += insert.rows_affected();
  return Done{};
}

BudgetAlertRecord read_alert(const StoreStatement& row) {
  BudgetAlertRecord alert;
  alert.id = row.column_int64(0);
  alert.budget_id = row.column_int64(1);
  alert.window_start = row.column_int64(2);
  alert.threshold_percent = static_cast<int>(row.column_int64(3));
  alert.spend = config::Money4::from_units(row.column_int64(4));
  alert.created_at = row.column_int64(5);
  alert.delivered_at = row.column_optional_int64(6);
  return alert;
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
  auto statement = connection.prepare(
      "SELECT id, budget_id, window_start, threshold_percent, spend, created_at, delivered_at"
      " FROM budget_alerts WHERE delivered_at IS NULL ORDER BY id LIMIT ?");
  if (!statement) return statement.error();
  (*statement)->bind(1, limit);
  std::vector<BudgetAlertRecord> alerts;
  while (true) {
    auto row = (*statement)->step();
    if (!row) return row.error();
    if (!*row) break;
    alerts.push_back(read_alert(**statement));
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

}  // namespace sluice::store::queries
