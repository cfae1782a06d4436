// Migration v5 rebuilds SQLite's per-request tables. A database written by v4 must come through
// with every row, its foreign keys and cascades intact, and the new shapes in place.
#include "StoreTestSupport.h"
#include "store/Migrations.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace sluice::store {
namespace {

using testing::must;

void run(StoreConnection& connection, const std::string& sql) {
  auto done = connection.execute_script(sql);
  if (!done) throw std::runtime_error(done.error().message + " in: " + sql);
}

std::string text(StoreConnection& connection, const std::string& sql) {
  auto statement = must(connection.prepare(sql));
  const bool row = must(statement->step());
  std::string value = row ? statement->column_text(0) : std::string("<no row>");
  statement->reset();
  return value;
}

std::int64_t number(StoreConnection& connection, const std::string& sql) {
  auto statement = must(connection.prepare(sql));
  const bool row = must(statement->step());
  const std::int64_t value = row ? statement->column_int64(0) : -1;
  statement->reset();
  return value;
}

// A database as a v4 gateway left it: migrations 1-4 applied, a ledger row, and two request logs
// with attempts and payloads.
void write_v4_database(StoreConnection& connection) {
  run(connection,
      "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)");
  for (const Migration& migration : migrations()) {
    if (migration.version > 4) break;
    run(connection, "BEGIN");
    run(connection, migration.sqlite_sql);
    run(connection, "INSERT INTO schema_migrations VALUES (" + std::to_string(migration.version) + ", 1)");
    run(connection, "COMMIT");
  }
  run(connection, R"sql(
INSERT INTO usage_ledger (request_id, occurred_at, principal_kind, principal_id, requested_model,
  resolved_model, route, provider, input_tokens, output_tokens, cache_read_tokens,
  cache_write_tokens, reasoning_tokens, cost, pricing_status, latency_ms, status)
VALUES ('req-a', 1000, 'service_account', 'robot', 'm', 'm', 'p/m', 'p', 10, 20, 0, 0, 0, 123,
  'priced', 42, 200);
INSERT INTO request_logs (request_id, occurred_at, method, path, operation, requested_model,
  resolved_model, status, latency_ms, has_payload)
VALUES ('req-a', 1000, 'POST', '/v1/chat/completions', 'chat', 'm', 'm', 200, 42, 1),
       ('req-b', 2000, 'POST', '/v1/chat/completions', 'chat', 'm', 'm', 502, 7, 0);
INSERT INTO request_log_attempts VALUES (1, 0, 'p/m', 'ok', 200, 40);
INSERT INTO request_log_attempts VALUES (2, 0, 'p/m', 'http_502', 502, 3);
INSERT INTO request_log_attempts VALUES (2, 1, 'q/m', 'upstream_transport', NULL, 4);
INSERT INTO request_log_payloads VALUES (1, '{"body":{}}', '{"body":{"ok":true}}', 0, 0);
)sql");
}

TEST(SqliteMigrationV5, KeepsEveryRowAndItsCascadesWhileTheTablesLoseTheirExtraBTrees) {
  testing::SqliteBackend backend;
  ASSERT_EQ(backend.start(), "");
  auto connection = must(backend.factory()());
  write_v4_database(*connection);
  ASSERT_EQ(number(*connection, "SELECT COUNT(*) FROM sqlite_sequence WHERE name = 'request_logs'"), 1);

  EXPECT_EQ(must(apply_migrations(*connection)), 1);
  EXPECT_EQ(must(schema_version(*connection)), 5);

  // Every row is still there, with its values.
  EXPECT_EQ(number(*connection, "SELECT cost FROM usage_ledger WHERE request_id = 'req-a'"), 123);
  EXPECT_EQ(number(*connection, "SELECT COUNT(*) FROM request_logs"), 2);
  EXPECT_EQ(number(*connection, "SELECT COUNT(*) FROM request_log_attempts"), 3);
  EXPECT_EQ(text(*connection,
                 "SELECT response_json FROM request_log_payloads WHERE request_log_id = 1"),
            "{\"body\":{\"ok\":true}}");
  EXPECT_EQ(text(*connection, "SELECT outcome FROM request_log_attempts "
                              "WHERE request_log_id = 2 AND attempt_index = 1"),
            "upstream_transport");

  // The new shapes: no AUTOINCREMENT, the payload's key is the rowid, attempts without a rowid.
  EXPECT_EQ(number(*connection, "SELECT COUNT(*) FROM sqlite_master WHERE sql LIKE '%AUTOINCREMENT%' "
                                "AND name IN ('usage_ledger', 'request_logs')"),
            0);
  EXPECT_EQ(number(*connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND "
                                "tbl_name IN ('request_log_payloads', 'request_log_attempts')"),
            0);
  EXPECT_NE(text(*connection, "SELECT sql FROM sqlite_master WHERE name = 'request_log_attempts'")
                .find("WITHOUT ROWID"),
            std::string::npos);
  EXPECT_EQ(number(*connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                                "('usage_ledger_by_principal', 'usage_ledger_by_principal_model', "
                                "'request_logs_by_time', 'request_logs_by_requested_model', "
                                "'request_logs_by_resolved_model')"),
            5);
  EXPECT_EQ(number(*connection, "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE '%_v5'"), 0);

  // The references follow the renamed parent: nothing dangles, and deleting a log cascades.
  EXPECT_EQ(text(*connection, "SELECT sql FROM sqlite_master WHERE name = 'request_log_payloads'")
                .find("request_logs_v5"),
            std::string::npos);
  EXPECT_EQ(number(*connection, "SELECT COUNT(*) FROM pragma_foreign_key_check"), 0);
  run(*connection, "DELETE FROM request_logs WHERE request_id = 'req-b'");
  EXPECT_EQ(number(*connection, "SELECT COUNT(*) FROM request_log_attempts"), 1);
  run(*connection, "DELETE FROM request_logs WHERE request_id = 'req-a'");
  EXPECT_EQ(number(*connection, "SELECT COUNT(*) FROM request_log_payloads"), 0);

  // New rows keep numbering after the old ones.
  run(*connection, "INSERT INTO usage_ledger (request_id, occurred_at, principal_kind, principal_id, "
                   "requested_model, resolved_model, route, provider, input_tokens, output_tokens, "
                   "cache_read_tokens, cache_write_tokens, reasoning_tokens, pricing_status, "
                   "latency_ms, status) VALUES ('req-c', 3000, 'user', '1', 'm', 'm', 'p/m', 'p', "
                   "1, 1, 0, 0, 0, 'unpriced', 1, 200)");
  EXPECT_EQ(number(*connection, "SELECT id FROM usage_ledger WHERE request_id = 'req-c'"), 2);
}

}  // namespace
}  // namespace sluice::store
