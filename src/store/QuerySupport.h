// QuerySupport: small pieces the StoreQueries files share (internal to store/).
//
// Text forms of the enums the schema stores as text, and the one-row read that INSERT … RETURNING
// and aggregate queries need.
#pragma once

#include "store/StoreConnection.h"
#include "store/StoreRecords.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::store::detail {

PrincipalKind principal_kind_from(std::string_view text);
BudgetScope budget_scope_from(std::string_view text);

// Runs `statement` and reads column 0 of its first row as an integer, then resets it; nullopt when
// there is no row (an INSERT … ON CONFLICT DO NOTHING that did nothing).
Expected<std::optional<std::int64_t>> first_int64(StoreStatement& statement);

// Like first_int64, for statements that must return a row.
Expected<std::int64_t> required_int64(StoreStatement& statement, std::string_view what);

// How a table names the principal a row belongs to, for scope_condition: SQL predicates that are
// true for a user's row and for a service account's row, and the principal id column.
struct PrincipalColumns {
  std::string_view is_user;             // "l.principal_kind = 'user'"
  std::string_view is_service_account;  // "l.principal_kind = 'service_account'"
  std::string_view id;                  // "l.principal_id"
};

// " AND (…)" restricting rows to `scope` ("" for everyone); bind_scope binds its parameters from
// `index` on and advances it. Team membership is read from users and service_accounts.
std::string scope_condition(const PrincipalScope& scope, const PrincipalColumns& columns);
void bind_scope(StoreStatement& statement, int& index, const PrincipalScope& scope);

// The columns of a budgets row, in the order read_budget reads them (unqualified).
inline constexpr std::string_view kBudgetColumns =
    "id, scope, principal_id, model_id, cadence, amount, hard_limit, timezone";
BudgetRecord read_budget(const StoreStatement& row, int first_column = 0);

// The columns of a budget_alerts row, in the order read_alert reads them (unqualified).
inline constexpr std::string_view kAlertColumns =
    "id, budget_id, window_start, threshold_percent, spend, created_at, delivered_at, attempts,"
    " last_error, abandoned_at";
BudgetAlertRecord read_alert(const StoreStatement& row, int first_column = 0);

// The columns of a users row, in the order read_user reads them (unqualified; a join aliases
// users as nothing else).
inline constexpr std::string_view kUserColumns =
    "id, email, name, auth_mode, global_role, team_id, team_role, request_logging_enabled, status,"
    " created_at, password_hash, must_change_password";
UserRecord read_user(const StoreStatement& row, int first_column = 0);
// "INSERT INTO users (…) VALUES (?, …)" for every column a new user row is written with, and the
// binding of those nine parameters: upsert_user (seeding) and insert_user (the console) share it.
inline constexpr std::string_view kInsertUser =
    "INSERT INTO users (email, name, auth_mode, global_role, team_id, team_role,"
    " request_logging_enabled, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
void bind_new_user(StoreStatement& insert, const UserRecord& user);
// Runs a SELECT of kUserColumns and reads its first row, then resets it; nullopt without one.
Expected<std::optional<UserRecord>> first_user(StoreStatement& select);

// The columns of an api_keys row, in the order read_api_key reads them (grants are read apart).
inline constexpr std::string_view kApiKeyColumns =
    "id, public_id, secret_hash, name, owner_kind, owner_id, config_key_id, encrypted_secret,"
    " created_at, revoked_at, last_used_at";
ApiKeyRecord read_api_key(const StoreStatement& row, int first_column = 0);
// Makes the key's grants exactly `models` (duplicates collapse).
Status replace_api_key_grants(StoreConnection& connection, std::int64_t key_id,
                              const std::vector<std::string>& models);

// "id, name" qualified as "u.id, u.name": a column list for a query that joins its table as `alias`.
std::string qualified_columns(std::string_view columns, std::string_view alias);

}  // namespace sluice::store::detail
