// PostgresConnection: the StoreConnection for `database.kind: postgres`, one libpq session.
//
// The executor opens one per store thread (database.max_connections of them), so a session is never
// shared and libpq's blocking calls stay off the I/O threads. Statements are prepared once per
// session under generated names; parameters travel as text and Postgres infers their types from the
// columns they meet, which is why store SQL compares parameters with columns rather than with other
// parameters. SQLSTATE class 23 (integrity constraint violation) maps to 409 conflict.
#pragma once

#include "store/StoreConnection.h"

#include <map>
#include <memory>
#include <string>
#include <string_view>

struct pg_conn;

namespace sluice::store {

// The store's one SQL dialect difference handled in code rather than in Migrations.cpp: `?`
// placeholders become `$1`, `$2`, … in order. Question marks inside '…' literals, "…" identifiers
// and -- comments are left alone.
struct NumberedSql {
  std::string text;
  int parameter_count = 0;
};
NumberedSql number_placeholders(std::string_view sql);

class PostgresConnection final : public StoreConnection {
 public:
  // `conninfo` is a libpq connection string or URI (database.url, revealed by the caller).
  static Expected<std::unique_ptr<PostgresConnection>> open(const std::string& conninfo);

  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Backend backend() const override { return Backend::kPostgres; }
  Expected<StoreStatement*> prepare(std::string_view sql) override;
  Status execute_script(std::string_view sql) override;
  Status begin() override { return execute_script("BEGIN"); }
  Status commit() override { return execute_script("COMMIT"); }
  Status rollback() override { return execute_script("ROLLBACK"); }
  bool healthy() const override;

 private:
  explicit PostgresConnection(pg_conn* connection) : connection_(connection) {}

  pg_conn* connection_;
  std::map<std::string, std::unique_ptr<StoreStatement>, std::less<>> statements_;
};

}  // namespace sluice::store
