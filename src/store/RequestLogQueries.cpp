// Request logs: summaries, attempts, payloads, purge and listing (the StoreQueries request-log
// functions).
#include "store/QuerySupport.h"
#include "store/StoreQueries.h"

#include <boost/json.hpp>
#include <fmt/format.h>

namespace sluice::store::queries {
namespace {

using detail::PrincipalColumns;


// A request log row (alias l) and its ledger row's price (alias u, LEFT JOINed by request id),
// in the order read_log reads them.
constexpr std::string_view kLogColumns =
    "l.id, l.request_id, l.occurred_at, l.method, l.path, l.operation, l.requested_model,"
    " l.resolved_model, l.provider, l.route, l.status, l.latency_ms, l.principal_kind,"
    " l.principal_id, l.api_key_id, l.input_tokens, l.output_tokens, l.cached_tokens,"
    " l.reasoning_tokens, l.error_code, l.caller_service, l.caller_component, l.caller_env,"
    " l.caller_tags, l.has_payload, u.cost, u.pricing_status";
constexpr std::string_view kLogTables =
    "request_logs l LEFT JOIN usage_ledger u ON u.request_id = l.request_id";
constexpr PrincipalColumns kLogPrincipal{"l.principal_kind = 'user'",
                                         "l.principal_kind = 'service_account'", "l.principal_id"};

// Tags are one JSON array in one column: they are only ever read back with their row.
std::optional<std::string> tags_json(const std::vector<std::string>& tags) {
  if (tags.empty()) return std::nullopt;
  boost::json::array array;
  for (const std::string& tag : tags) array.emplace_back(tag);
  return boost::json::serialize(array);
}

std::vector<std::string> tags_from_json(const std::optional<std::string>& text) {
  std::vector<std::string> tags;
  if (!text) return tags;
  boost::system::error_code error;
  const boost::json::value parsed = boost::json::parse(*text, error);
  if (error || !parsed.is_array()) return tags;
  for (const auto& tag : parsed.as_array()) {
    if (tag.is_string()) tags.emplace_back(tag.as_string());
  }
  return tags;
}

RequestLogRecord read_log(const StoreStatement& row) {
  RequestLogRecord log;
  log.id = row.column_int64(0);
  log.request_id = row.column_text(1);
  log.occurred_at = row.column_int64(2);
  log.method = row.column_text(3);
  log.path = row.column_text(4);
  log.operation = row.column_text(5);
  log.requested_model = row.column_optional_text(6);
  log.resolved_model = row.column_optional_text(7);
  log.provider = row.column_optional_text(8);
  log.route = row.column_optional_text(9);
  log.status = static_cast<int>(row.column_int64(10));
  log.latency_ms = row.column_int64(11);
  if (!row.is_null(12)) {
    log.principal =
        Principal{detail::principal_kind_from(row.column_text(12)), row.column_text(13)};
  }
  log.api_key_id = row.column_optional_int64(14);
  log.input_tokens = row.column_optional_int64(15);
  log.output_tokens = row.column_optional_int64(16);
  log.cached_tokens = row.column_optional_int64(17);
  log.reasoning_tokens = row.column_optional_int64(18);
  log.error_code = row.column_optional_text(19);
  log.caller_service = row.column_optional_text(20);
  log.caller_component = row.column_optional_text(21);
  log.caller_env = row.column_optional_text(22);
  log.caller_tags = tags_from_json(row.column_optional_text(23));
  log.has_payload = row.column_bool(24);
  if (!row.is_null(25)) log.cost = config::Money4::from_units(row.column_int64(25));
  log.pricing_status = row.column_optional_text(26);
  return log;
}

Expected<std::int64_t> insert_summary(StoreConnection& connection, const RequestLogRecord& log) {
  auto statement = connection.prepare(
      "INSERT INTO request_logs (request_id, occurred_at, method, path, operation, requested_model,"
      " resolved_model, provider, route, status, latency_ms, principal_kind, principal_id,"
      " api_key_id, input_tokens, output_tokens, cached_tokens, reasoning_tokens, error_code,"
      " caller_service, caller_component, caller_env, caller_tags, has_payload)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT (request_id) DO NOTHING RETURNING id");
  if (!statement) return statement.error();
  StoreStatement& insert = **statement;
  insert.bind_in_place(1, log.request_id);
  insert.bind(2, log.occurred_at);
  insert.bind_in_place(3, log.method);
  insert.bind_in_place(4, log.path);
  insert.bind_in_place(5, log.operation);
  insert.bind_in_place(6, log.requested_model);
  insert.bind_in_place(7, log.resolved_model);
  insert.bind_in_place(8, log.provider);
  insert.bind_in_place(9, log.route);
  insert.bind(10, log.status);
  insert.bind(11, log.latency_ms);
  if (log.principal) {
    insert.bind(12, to_text(log.principal->kind));
    insert.bind_in_place(13, log.principal->id);
  } else {
    insert.bind_null(12);
    insert.bind_null(13);
  }
  insert.bind(14, log.api_key_id);
  insert.bind(15, log.input_tokens);
  insert.bind(16, log.output_tokens);
  insert.bind(17, log.cached_tokens);
  insert.bind(18, log.reasoning_tokens);
  insert.bind_in_place(19, log.error_code);
  insert.bind_in_place(20, log.caller_service);
  insert.bind_in_place(21, log.caller_component);
  insert.bind_in_place(22, log.caller_env);
  insert.bind(23, tags_json(log.caller_tags));
  insert.bind(24, log.payload.has_value());
  auto id = detail::first_int64(insert);
  if (!id) return id.error();
  if (!*id) return store_conflict("request " + log.request_id + " is already logged");
  return **id;
}

Status insert_attempt(StoreConnection& connection, std::int64_t log_id,
                      const RequestLogAttempt& attempt) {
  auto statement = connection.prepare(
      "INSERT INTO request_log_attempts (request_log_id, attempt_index, route, outcome,"
      " upstream_status, duration_ms) VALUES (?, ?, ?, ?, ?, ?)");
  if (!statement) return statement.error();
  StoreStatement& insert = **statement;
  insert.bind(1, log_id);
  insert.bind(2, attempt.attempt_index);
  insert.bind_in_place(3, attempt.route);
  insert.bind_in_place(4, attempt.outcome);
  insert.bind(5, attempt.upstream_status);
  insert.bind(6, attempt.duration_ms);
  return insert.run();
}

Status insert_payload(StoreConnection& connection, std::int64_t log_id,
                      const RequestLogPayload& payload) {
  auto statement = connection.prepare(
      "INSERT INTO request_log_payloads (request_log_id, request_json, response_json,"
      " request_truncated, response_truncated) VALUES (?, ?, ?, ?, ?)");
  if (!statement) return statement.error();
  StoreStatement& insert = **statement;
  insert.bind(1, log_id);
  insert.bind_in_place(2, payload.request_json);
  insert.bind_in_place(3, payload.response_json);
  insert.bind(4, payload.request_truncated);
  insert.bind(5, payload.response_truncated);
  return insert.run();
}

}  // namespace

Expected<std::int64_t> insert_request_log(StoreConnection& connection,
                                          const RequestLogRecord& log) {
  // Inside a caller's transaction (the ledger writer's batch) the writes below commit or roll back
  // with it, and a request id already logged is found before anything is written (ON CONFLICT DO
  // NOTHING): no savepoint of its own is needed, and none is paid for on every log of a batch.
  std::optional<StoreTransaction> transaction;
  if (!connection.in_transaction()) {
    auto begun = StoreTransaction::begin(connection);
    if (!begun) return begun.error();
    transaction.emplace(std::move(*begun));
  }
  auto id = insert_summary(connection, log);
  if (!id) return id.error();
  for (const RequestLogAttempt& attempt : log.attempts) {
    if (auto done = insert_attempt(connection, *id, attempt); !done) return done.error();
  }
  if (log.payload) {
    if (auto done = insert_payload(connection, *id, *log.payload); !done) return done.error();
  }
  if (transaction) {
    if (auto committed = transaction->commit(); !committed) return committed.error();
  }
  return *id;
}

Expected<std::int64_t> purge_request_logs(StoreConnection& connection, UnixMillis cutoff) {
  // Attempts and payloads go with their log through ON DELETE CASCADE.
  auto statement = connection.prepare("DELETE FROM request_logs WHERE occurred_at < ?");
  if (!statement) return statement.error();
  (*statement)->bind(1, cutoff);
  if (auto done = (*statement)->run(); !done) return done.error();
  return (*statement)->rows_affected();
}

Expected<std::vector<RequestLogRecord>> list_request_logs(StoreConnection& connection,
                                                          const RequestLogQuery& query) {
  // One text per combination of filters (a handful), each with its own cached plan; a parameter
  // compared only with NULL has no type Postgres can infer, so absent filters are left out.
  std::string sql = fmt::format("SELECT {} FROM {} WHERE 1 = 1", kLogColumns, kLogTables);
  if (query.model) sql += " AND (l.requested_model = ? OR l.resolved_model = ?)";
  if (query.status_from) sql += " AND l.status >= ?";
  if (query.status_to) sql += " AND l.status <= ?";
  if (query.principal_id) sql += " AND l.principal_id = ?";
  sql += detail::scope_condition(query.scope, kLogPrincipal);
  sql += " ORDER BY l.occurred_at DESC, l.id DESC LIMIT ? OFFSET ?";
  auto statement = connection.prepare(sql);
  if (!statement) return statement.error();
  StoreStatement& select = **statement;
  int index = 1;
  if (query.model) {
    select.bind(index++, *query.model);
    select.bind(index++, *query.model);
  }
  if (query.status_from) select.bind(index++, *query.status_from);
  if (query.status_to) select.bind(index++, *query.status_to);
  if (query.principal_id) select.bind(index++, *query.principal_id);
  detail::bind_scope(select, index, query.scope);
  select.bind(index++, query.limit);
  select.bind(index, query.offset);
  std::vector<RequestLogRecord> logs;
  while (true) {
    auto row = select.step();
    if (!row) return row.error();
    if (!*row) break;
    logs.push_back(read_log(select));
  }
  return logs;
}

Expected<std::optional<RequestLogRecord>> find_request_log(StoreConnection& connection,
                                                           std::int64_t id,
                                                           const PrincipalScope& scope) {
  const std::string sql = fmt::format("SELECT {} FROM {} WHERE l.id = ?{}", kLogColumns,
                                      kLogTables, detail::scope_condition(scope, kLogPrincipal));
  auto summary = connection.prepare(sql);
  if (!summary) return summary.error();
  int index = 1;
  (*summary)->bind(index++, id);
  detail::bind_scope(**summary, index, scope);
  auto found = (*summary)->step();
  if (!found) return found.error();
  std::optional<RequestLogRecord> log;
  if (!*found) return log;
  log = read_log(**summary);
  (*summary)->reset();

  auto attempts = connection.prepare(
      "SELECT attempt_index, route, outcome, upstream_status, duration_ms"
      " FROM request_log_attempts WHERE request_log_id = ? ORDER BY attempt_index");
  if (!attempts) return attempts.error();
  StoreStatement& attempt_rows = **attempts;
  attempt_rows.bind(1, id);
  while (true) {
    auto row = attempt_rows.step();
    if (!row) return row.error();
    if (!*row) break;
    RequestLogAttempt attempt;
    attempt.attempt_index = static_cast<int>(attempt_rows.column_int64(0));
    attempt.route = attempt_rows.column_text(1);
    attempt.outcome = attempt_rows.column_text(2);
    if (auto status = attempt_rows.column_optional_int64(3)) {
      attempt.upstream_status = static_cast<int>(*status);
    }
    attempt.duration_ms = attempt_rows.column_int64(4);
    log->attempts.push_back(std::move(attempt));
  }

  auto payload = connection.prepare(
      "SELECT request_json, response_json, request_truncated, response_truncated"
      " FROM request_log_payloads WHERE request_log_id = ?");
  if (!payload) return payload.error();
  StoreStatement& payload_row = **payload;
  payload_row.bind(1, id);
  auto has_payload = payload_row.step();
  if (!has_payload) return has_payload.error();
  if (*has_payload) {
    log->payload = RequestLogPayload{payload_row.column_optional_text(0),
                                     payload_row.column_optional_text(1),
                                     payload_row.column_bool(2), payload_row.column_bool(3)};
  }
  payload_row.reset();
  return log;
}

}  // namespace sluice::store::queries
