// Teams, service accounts, users, API keys and budgets (the StoreQueries identity functions).
#include "store/QuerySupport.h"
#include "store/StoreQueries.h"

#include "config/EnumNames.h"

#include <fmt/format.h>

#include <unordered_map>

namespace sluice::store::queries {
namespace {

using detail::kApiKeyColumns;

Expected<std::vector<std::string>> read_grants(StoreConnection& connection, std::int64_t key_id) {
  auto statement = connection.prepare(
      "SELECT model_id FROM api_key_models WHERE api_key_id = ? ORDER BY model_id");
  if (!statement) return statement.error();
  (*statement)->bind(1, key_id);
  std::vector<std::string> models;
  while (true) {
    auto row = (*statement)->step();
    if (!row) return row.error();
    if (!*row) break;
    models.push_back((*statement)->column_text(0));
  }
  return models;
}

// Runs a SELECT of kApiKeyColumns and attaches each key's grants.
Expected<std::vector<ApiKeyRecord>> read_keys(StoreConnection& connection, StoreStatement& select) {
  std::vector<ApiKeyRecord> keys;
  while (true) {
    auto row = select.step();
    if (!row) return row.error();
    if (!*row) break;
    keys.push_back(detail::read_api_key(select));
  }
  for (ApiKeyRecord& key : keys) {
    auto grants = read_grants(connection, key.id);
    if (!grants) return grants.error();
    key.granted_models = std::move(*grants);
  }
  return keys;
}

}  // namespace

Status upsert_team(StoreConnection& connection, const TeamRecord& team) {
  auto statement = connection.prepare(
      "INSERT INTO teams (id, name) VALUES (?, ?)"
      " ON CONFLICT (id) DO UPDATE SET name = excluded.name");
  if (!statement) return statement.error();
  (*statement)->bind(1, team.id);
  (*statement)->bind(2, team.name);
  return (*statement)->run();
}

Status upsert_service_account(StoreConnection& connection, const ServiceAccountRecord& account) {
  auto statement = connection.prepare(
      "INSERT INTO service_accounts (id, name, team_id) VALUES (?, ?, ?)"
      " ON CONFLICT (id) DO UPDATE SET name = excluded.name, team_id = excluded.team_id");
  if (!statement) return statement.error();
  (*statement)->bind(1, account.id);
  (*statement)->bind(2, account.name);
  (*statement)->bind(3, account.team_id);
  return (*statement)->run();
}

Expected<std::int64_t> upsert_user(StoreConnection& connection, const UserRecord& user) {
  static const std::string sql = std::string(detail::kInsertUser) +
      " ON CONFLICT (email) DO UPDATE SET name = excluded.name, auth_mode = excluded.auth_mode,"
      " global_role = excluded.global_role, team_id = excluded.team_id,"
      " team_role = excluded.team_role, request_logging_enabled = excluded.request_logging_enabled"
      " RETURNING id";
  auto statement = connection.prepare(sql);
  if (!statement) return statement.error();
  StoreStatement& insert = **statement;
  detail::bind_new_user(insert, user);
  return detail::required_int64(insert, "upsert user");
}

Expected<std::optional<UserRecord>> find_user(StoreConnection& connection, std::string_view email) {
  auto statement = connection.prepare(
      fmt::format("SELECT {} FROM users WHERE email = ?", detail::kUserColumns));
  if (!statement) return statement.error();
  (*statement)->bind(1, email);
  return detail::first_user(**statement);
}

Expected<std::int64_t> upsert_api_key(StoreConnection& connection, const ApiKeyRecord& key) {
  auto transaction = StoreTransaction::begin(connection);
  if (!transaction) return transaction.error();
  // A NULL config_key_id never meets another in the UNIQUE, so user keys always insert.
  auto statement = connection.prepare(
      "INSERT INTO api_keys (public_id, secret_hash, name, owner_kind, owner_id, config_key_id,"
      " encrypted_secret, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT (owner_kind, owner_id, config_key_id) DO UPDATE SET"
      " public_id = excluded.public_id, secret_hash = excluded.secret_hash, name = excluded.name,"
      " encrypted_secret = excluded.encrypted_secret"
      " RETURNING id");
  if (!statement) return statement.error();
  StoreStatement& insert = **statement;
  insert.bind(1, key.public_id);
  insert.bind(2, key.secret_hash);
  insert.bind(3, key.name);
  insert.bind(4, to_text(key.owner.kind));
  insert.bind(5, key.owner.id);
  insert.bind(6, key.config_key_id);
  insert.bind(7, key.encrypted_secret);
  insert.bind(8, key.created_at);
  auto id = detail::required_int64(insert, "upsert api key");
  if (!id) return id.error();
  if (auto granted = detail::replace_api_key_grants(connection, *id, key.granted_models); !granted) {
    return granted.error();
  }
  if (auto committed = transaction->commit(); !committed) return committed.error();
  return *id;
}

Expected<std::optional<ApiKeyRecord>> find_api_key(StoreConnection& connection,
                                                   std::string_view public_id) {
  const std::string sql = fmt::format("SELECT {} FROM api_keys WHERE public_id = ?", kApiKeyColumns);
  auto statement = connection.prepare(sql);
  if (!statement) return statement.error();
  (*statement)->bind(1, public_id);
  auto keys = read_keys(connection, **statement);
  if (!keys) return keys.error();
  if (keys->empty()) return std::optional<ApiKeyRecord>();
  return std::optional<ApiKeyRecord>(std::move(keys->front()));
}

Expected<bool> revoke_api_key(StoreConnection& connection, std::int64_t key_id, UnixMillis at) {
  auto statement =
      connection.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
  if (!statement) return statement.error();
  (*statement)->bind(1, at);
  (*statement)->bind(2, key_id);
  if (auto done = (*statement)->run(); !done) return done.error();
  return (*statement)->rows_affected() == 1;
}

Expected<std::vector<ApiKeyRecord>> list_api_keys(StoreConnection& connection,
                                                  const Principal& owner) {
  const std::string sql = fmt::format(
      "SELECT {} FROM api_keys WHERE owner_kind = ? AND owner_id = ? ORDER BY id", kApiKeyColumns);
  auto statement = connection.prepare(sql);
  if (!statement) return statement.error();
  (*statement)->bind(1, to_text(owner.kind));
  (*statement)->bind(2, owner.id);
  return read_keys(connection, **statement);
}

Expected<std::vector<CallerKeyRecord>> list_caller_keys(StoreConnection& connection) {
  // Owners join by kind: a service account by id, a user by email (the user's principal id). A
  // disabled account or a deactivated user still owns its keys (they come back with the owner),
  // but they are flagged so the registry refuses them.
  const std::string sql = fmt::format(
      "SELECT {}, CASE WHEN sa.id IS NOT NULL OR u.id IS NOT NULL THEN 1 ELSE 0 END,"
      " COALESCE(sa.team_id, u.team_id),"
      " CASE WHEN sa.disabled_at IS NOT NULL OR u.status = 'deactivated' THEN 1 ELSE 0 END"
      " FROM api_keys k"
      " LEFT JOIN service_accounts sa ON k.owner_kind = 'service_account' AND sa.id = k.owner_id"
      " LEFT JOIN users u ON k.owner_kind = 'user' AND u.email = k.owner_id"
      " ORDER BY k.id",
      detail::qualified_columns(kApiKeyColumns, "k"));
  auto keys = connection.prepare(sql);
  if (!keys) return keys.error();
  std::vector<CallerKeyRecord> records;
  std::unordered_map<std::int64_t, std::size_t> index_of;
  while (true) {
    auto row = (*keys)->step();
    if (!row) return row.error();
    if (!*row) break;
    CallerKeyRecord record;
    record.key = detail::read_api_key(**keys);
    record.owner_exists = (*keys)->column_bool(11);
    record.owner_team = (*keys)->column_optional_text(12);
    record.owner_disabled = (*keys)->column_bool(13);
    index_of.emplace(record.key.id, records.size());
    records.push_back(std::move(record));
  }
  auto grants = connection.prepare(
      "SELECT api_key_id, model_id FROM api_key_models ORDER BY api_key_id, model_id");
  if (!grants) return grants.error();
  while (true) {
    auto row = (*grants)->step();
    if (!row) return row.error();
    if (!*row) break;
    const auto found = index_of.find((*grants)->column_int64(0));
    if (found != index_of.end()) {
      records[found->second].key.granted_models.push_back((*grants)->column_text(1));
    }
  }
  return records;
}

Expected<std::int64_t> upsert_budget(StoreConnection& connection, const BudgetRecord& budget) {
  auto statement = connection.prepare(
      "INSERT INTO budgets (scope, principal_id, model_id, cadence, amount, hard_limit, timezone)"
      " VALUES (?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT (scope, principal_id, model_id) DO UPDATE SET cadence = excluded.cadence,"
      " amount = excluded.amount, hard_limit = excluded.hard_limit, timezone = excluded.timezone"
      " RETURNING id");
  if (!statement) return statement.error();
  StoreStatement& insert = **statement;
  insert.bind(1, to_text(budget.scope));
  insert.bind(2, budget.principal_id);
  insert.bind(3, budget.model_id.value_or(""));  // '' is "every model" (see the schema)
  insert.bind(4, config::to_string(budget.cadence));
  insert.bind(5, budget.amount.units());
  insert.bind(6, budget.hard_limit);
  insert.bind(7, budget.timezone);
  return detail::required_int64(insert, "upsert budget");
}

}  // namespace sluice::store::queries
