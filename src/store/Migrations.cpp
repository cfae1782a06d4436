#include "store/Migrations.h"

#include <chrono>

namespace sluice::store {
namespace {

// Schema v1, written once for both backends: the one word that differs, AUTO_ID, is the
// auto-increment primary key. Money is INTEGER ten-thousandths of a dollar (Money4's raw units),
// timestamps are BIGINT unix milliseconds, booleans are INTEGER 0/1: types both backends store
// exactly, so no value changes on its way through either.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE teams (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL
);

CREATE TABLE users (
  id AUTO_ID,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  auth_mode TEXT NOT NULL,
  global_role TEXT NOT NULL,
  team_id TEXT REFERENCES teams (id),
  team_role TEXT,
  request_logging_enabled INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE service_accounts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  team_id TEXT NOT NULL REFERENCES teams (id)
);

-- owner_id: a service account id, or a user id in decimal. config_key_id is the config's
-- service_accounts[].keys[].id for seeded keys and NULL otherwise; NULLs never collide in the
-- UNIQUE below, so only seeded keys are unique per owner.
CREATE TABLE api_keys (
  id AUTO_ID,
  public_id TEXT NOT NULL UNIQUE,
  secret_hash TEXT NOT NULL,
  name TEXT NOT NULL,
  owner_kind TEXT NOT NULL CHECK (owner_kind IN ('user', 'service_account')),
  owner_id TEXT NOT NULL,
  config_key_id TEXT,
  encrypted_secret TEXT,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT,
  last_used_at BIGINT,
  UNIQUE (owner_kind, owner_id, config_key_id)
);

CREATE TABLE api_key_models (
  api_key_id BIGINT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  model_id TEXT NOT NULL,
  PRIMARY KEY (api_key_id, model_id)
);

-- model_id is '' for budgets over every model: NULLs are distinct in a UNIQUE constraint, so a
-- NULL here would let the same budget be stored twice.
CREATE TABLE budgets (
  id AUTO_ID,
  scope TEXT NOT NULL CHECK (scope IN ('user', 'user_model', 'service_account')),
  principal_id TEXT NOT NULL,
  model_id TEXT NOT NULL DEFAULT '',
  cadence TEXT NOT NULL,
  amount BIGINT NOT NULL,
  hard_limit INTEGER NOT NULL,
  timezone TEXT NOT NULL,
  UNIQUE (scope, principal_id, model_id)
);

CREATE TABLE usage_ledger (
  id AUTO_ID,
  request_id TEXT NOT NULL UNIQUE,
  occurred_at BIGINT NOT NULL,
  principal_kind TEXT NOT NULL,
  principal_id TEXT NOT NULL,
  api_key_id BIGINT,
  requested_model TEXT NOT NULL,
  resolved_model TEXT NOT NULL,
  route TEXT NOT NULL,
  provider TEXT NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  cache_read_tokens BIGINT NOT NULL,
  cache_write_tokens BIGINT NOT NULL,
  reasoning_tokens BIGINT NOT NULL,
  cost BIGINT,
  pricing_status TEXT NOT NULL,
  latency_ms BIGINT NOT NULL,
  status INTEGER NOT NULL
);
CREATE INDEX usage_ledger_by_principal
  ON usage_ledger (principal_kind, principal_id, occurred_at);
CREATE INDEX usage_ledger_by_principal_model
  ON usage_ledger (principal_kind, principal_id, resolved_model, occurred_at);

CREATE TABLE budget_alerts (
  id AUTO_ID,
  budget_id BIGINT NOT NULL REFERENCES budgets (id) ON DELETE CASCADE,
  window_start BIGINT NOT NULL,
  threshold_percent INTEGER NOT NULL,
  spend BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  delivered_at BIGINT,
  UNIQUE (budget_id, window_start, threshold_percent)
);
CREATE INDEX budget_alerts_undelivered ON budget_alerts (id) WHERE delivered_at IS NULL;

CREATE TABLE request_logs (
  id AUTO_ID,
  request_id TEXT NOT NULL UNIQUE,
  occurred_at BIGINT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  operation TEXT NOT NULL,
  requested_model TEXT,
  resolved_model TEXT,
  provider TEXT,
  route TEXT,
  status INTEGER NOT NULL,
  latency_ms BIGINT NOT NULL,
  principal_kind TEXT,
  principal_id TEXT,
  api_key_id BIGINT,
  input_tokens BIGINT,
  output_tokens BIGINT,
  cached_tokens BIGINT,
  reasoning_tokens BIGINT,
  error_code TEXT,
  caller_service TEXT,
  caller_component TEXT,
  caller_env TEXT,
  caller_tags TEXT,
  has_payload INTEGER NOT NULL
);
CREATE INDEX request_logs_by_time ON request_logs (occurred_at, id);
CREATE INDEX request_logs_by_requested_model ON request_logs (requested_model, occurred_at);
CREATE INDEX request_logs_by_resolved_model ON request_logs (resolved_model, occurred_at);

CREATE TABLE request_log_attempts (
  request_log_id BIGINT NOT NULL REFERENCES request_logs (id) ON DELETE CASCADE,
  attempt_index INTEGER NOT NULL,
  route TEXT NOT NULL,
  outcome TEXT NOT NULL,
  upstream_status INTEGER,
  duration_ms BIGINT NOT NULL,
  PRIMARY KEY (request_log_id, attempt_index)
);

CREATE TABLE request_log_payloads (
  request_log_id BIGINT PRIMARY KEY REFERENCES request_logs (id) ON DELETE CASCADE,
  request_json TEXT,
  response_json TEXT,
  request_truncated INTEGER NOT NULL,
  response_truncated INTEGER NOT NULL
);
)sql";

// v2: delivery bookkeeping for budget alert emails (AlertMailer). A failed send counts an attempt
// and keeps the server's answer; after the mailer's last attempt the alert is abandoned, and the
// undelivered index leaves it out so it never crowds newer alerts out of a batch. One column per
// ALTER: SQLite adds no more than that at a time.
constexpr std::string_view kSchemaV2 = R"sql(
ALTER TABLE budget_alerts ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE budget_alerts ADD COLUMN last_error TEXT;
ALTER TABLE budget_alerts ADD COLUMN abandoned_at BIGINT;
DROP INDEX budget_alerts_undelivered;
CREATE INDEX budget_alerts_undelivered ON budget_alerts (id)
  WHERE delivered_at IS NULL AND abandoned_at IS NULL;
)sql";

// v3: a user's status. Seeding creates the users the config lists as `invited` (the reference's
// rule); they become `active` at their first login. Rows from before v3 predate invitations and
// were usable, hence the default.
constexpr std::string_view kSchemaV3 = R"sql(
ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
)sql";

// v4: the admin console. Users get an Argon2id password hash and a forced-change flag; sessions,
// invitations and pending single-sign-on logins are rows (not process memory) so any instance
// behind a load balancer can answer for them — and only SHA-256 digests of their random ids are
// kept, so a copy of the database opens no session. Service accounts can be disabled (the console's
// DELETE) without losing the rows their ledger history points at.
constexpr std::string_view kSchemaV4 = R"sql(
ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE service_accounts ADD COLUMN disabled_at BIGINT;
CREATE TABLE console_sessions (
  id_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL
);
CREATE INDEX console_sessions_by_user ON console_sessions (user_id);
CREATE TABLE console_invitations (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE TABLE console_login_flows (
  state_hash TEXT PRIMARY KEY,
  provider_kind TEXT NOT NULL,
  provider_key TEXT NOT NULL,
  nonce TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
)sql";

// v5 (SQLite only): the per-request tables written on every request lose what cost a b-tree
// write each and bought nothing there (bench/README.md, "Leaner per-request tables"): the store
// thread's work per request fell from ~40 to ~26 µs.
//  - usage_ledger and request_logs: INTEGER PRIMARY KEY without AUTOINCREMENT, so an insert no
//    longer reads and rewrites sqlite_sequence. Their external names are request ids; SQLite
//    could reuse a row id only after the newest row was deleted, i.e. after a purge emptied the
//    table, and then only for a log id whose log is gone.
//  - request_log_payloads: `INTEGER PRIMARY KEY` makes request_log_id the rowid; as `BIGINT
//    PRIMARY KEY` it was a second index beside a hidden rowid.
//  - request_log_attempts: WITHOUT ROWID, so the (request_log_id, attempt_index) key is the table.
// Tables are rebuilt (SQLite cannot change a primary key in place) with foreign keys on: the
// children are copied to tables that reference the new parent before the old ones are dropped, so
// no cascade fires, and the renames carry the references along. Postgres identities have no such
// cost; its v5 does nothing.
constexpr std::string_view kSchemaV5Sqlite = R"sql(
CREATE TABLE usage_ledger_v5 (
  id INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL UNIQUE,
  occurred_at BIGINT NOT NULL,
  principal_kind TEXT NOT NULL,
  principal_id TEXT NOT NULL,
  api_key_id BIGINT,
  requested_model TEXT NOT NULL,
  resolved_model TEXT NOT NULL,
  route TEXT NOT NULL,
  provider TEXT NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  cache_read_tokens BIGINT NOT NULL,
  cache_write_tokens BIGINT NOT NULL,
  reasoning_tokens BIGINT NOT NULL,
  cost BIGINT,
  pricing_status TEXT NOT NULL,
  latency_ms BIGINT NOT NULL,
  status INTEGER NOT NULL
);
INSERT INTO usage_ledger_v5 SELECT * FROM usage_ledger;
DROP TABLE usage_ledger;
ALTER TABLE usage_ledger_v5 RENAME TO usage_ledger;
CREATE INDEX usage_ledger_by_principal
  ON usage_ledger (principal_kind, principal_id, occurred_at);
CREATE INDEX usage_ledger_by_principal_model
  ON usage_ledger (principal_kind, principal_id, resolved_model, occurred_at);

CREATE TABLE request_logs_v5 (
  id INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL UNIQUE,
  occurred_at BIGINT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  operation TEXT NOT NULL,
  requested_model TEXT,
  resolved_model TEXT,
  provider TEXT,
  route TEXT,
  status INTEGER NOT NULL,
  latency_ms BIGINT NOT NULL,
  principal_kind TEXT,
  principal_id TEXT,
  api_key_id BIGINT,
  input_tokens BIGINT,
  output_tokens BIGINT,
  cached_tokens BIGINT,
  reasoning_tokens BIGINT,
  error_code TEXT,
  caller_service TEXT,
  caller_component TEXT,
  caller_env TEXT,
  caller_tags TEXT,
  has_payload INTEGER NOT NULL
);
INSERT INTO request_logs_v5 SELECT * FROM request_logs;
CREATE TABLE request_log_attempts_v5 (
  request_log_id BIGINT NOT NULL REFERENCES request_logs_v5 (id) ON DELETE CASCADE,
  attempt_index INTEGER NOT NULL,
  route TEXT NOT NULL,
  outcome TEXT NOT NULL,
  upstream_status INTEGER,
  duration_ms BIGINT NOT NULL,
  PRIMARY KEY (request_log_id, attempt_index)
) WITHOUT ROWID;
INSERT INTO request_log_attempts_v5 SELECT * FROM request_log_attempts;
CREATE TABLE request_log_payloads_v5 (
  request_log_id INTEGER PRIMARY KEY REFERENCES request_logs_v5 (id) ON DELETE CASCADE,
  request_json TEXT,
  response_json TEXT,
  request_truncated INTEGER NOT NULL,
  response_truncated INTEGER NOT NULL
);
INSERT INTO request_log_payloads_v5 SELECT * FROM request_log_payloads;
DROP TABLE request_log_attempts;
DROP TABLE request_log_payloads;
DROP TABLE request_logs;
ALTER TABLE request_logs_v5 RENAME TO request_logs;
ALTER TABLE request_log_attempts_v5 RENAME TO request_log_attempts;
ALTER TABLE request_log_payloads_v5 RENAME TO request_log_payloads;
CREATE INDEX request_logs_by_time ON request_logs (occurred_at, id);
CREATE INDEX request_logs_by_requested_model ON request_logs (requested_model, occurred_at);
CREATE INDEX request_logs_by_resolved_model ON request_logs (resolved_model, occurred_at);
)sql";

// Postgres keeps v4's tables; the version is recorded so both backends count the same versions.
constexpr std::string_view kSchemaV5Postgres = "SELECT 1;";

// AUTOINCREMENT keeps SQLite from reusing the id of a deleted newest row, as Postgres identities
// never do: an id in a log line names one key or user forever.
constexpr std::string_view kSqliteAutoId = "INTEGER PRIMARY KEY AUTOINCREMENT";
constexpr std::string_view kPostgresAutoId = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";

std::string with_auto_id(std::string_view schema, std::string_view auto_id) {
  constexpr std::string_view kMarker = "AUTO_ID";
  std::string text(schema);
  for (auto at = text.find(kMarker); at != std::string::npos; at = text.find(kMarker, at)) {
    text.replace(at, kMarker.size(), auto_id);
    at += auto_id.size();
  }
  return text;
}

// Two gateways starting together against one Postgres would otherwise both see a version missing
// and both apply it; the lock makes the second wait and then find it applied. (SQLite's BEGIN
// IMMEDIATE already serialises writers.)
constexpr std::string_view kPostgresMigrationLock =
    "LOCK TABLE schema_migrations IN SHARE ROW EXCLUSIVE MODE";

constexpr std::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Expected<bool> is_applied(StoreConnection& connection, std::int64_t version) {
  auto statement = connection.prepare("SELECT 1 FROM schema_migrations WHERE version = ?");
  if (!statement) return statement.error();
  (*statement)->bind(1, version);
  auto row = (*statement)->step();
  if (!row) return row.error();
  const bool applied = *row;
  (*statement)->reset();
  return applied;
}

// One migration in one transaction; false when another process (or an earlier run) applied it.
Expected<bool> apply_one(StoreConnection& connection, const Migration& migration) {
  const bool postgres = connection.backend() == StoreConnection::Backend::kPostgres;
  auto transaction = StoreTransaction::begin(connection);
  if (!transaction) return transaction.error();
  if (postgres) {
    auto locked = connection.execute_script(kPostgresMigrationLock);
    if (!locked) return locked.error();
  }
  auto applied = is_applied(connection, migration.version);
  if (!applied) return applied.error();
  if (*applied) return false;
  auto changed =
      connection.execute_script(postgres ? migration.postgres_sql : migration.sqlite_sql);
  if (!changed) return changed.error();
  auto record =
      connection.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)");
  if (!record) return record.error();
  (*record)->bind(1, migration.version);
  (*record)->bind(2, now_ms());
  if (auto recorded = (*record)->run(); !recorded) return recorded.error();
  if (auto committed = transaction->commit(); !committed) return committed.error();
  return true;
}

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1, "identity, keys, budgets, usage ledger, budget alerts, request logs",
       with_auto_id(kSchemaV1, kSqliteAutoId), with_auto_id(kSchemaV1, kPostgresAutoId)},
      {2, "budget alert delivery attempts", std::string(kSchemaV2), std::string(kSchemaV2)},
      {3, "users.status (invited | active)", std::string(kSchemaV3), std::string(kSchemaV3)},
      {4, "admin console: passwords, sessions, invitations, sign-in flows",
       std::string(kSchemaV4), std::string(kSchemaV4)},
      {5, "leaner per-request tables (SQLite)", std::string(kSchemaV5Sqlite),
       std::string(kSchemaV5Postgres)},
  };
  return all;
}

Expected<int> apply_migrations(StoreConnection& connection) {
  if (auto created = connection.execute_script(kCreateMigrationsTable); !created) {
    return created.error();
  }
  int applied = 0;
  for (const Migration& migration : migrations()) {
    auto result = apply_one(connection, migration);
    if (!result) return result.error();
    if (*result) ++applied;
  }
  return applied;
}

Expected<std::int64_t> schema_version(StoreConnection& connection) {
  auto statement = connection.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!statement) return statement.error();
  auto row = (*statement)->step();
  if (!row) return row.error();
  const std::int64_t version = *row ? (*statement)->column_int64(0) : 0;
  (*statement)->reset();
  return version;
}

}  // namespace sluice::store
