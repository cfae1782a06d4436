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

// Runs `statement` and reads column 0 of its first row as an integer, then resets it; nullopt when
// there is no row (an INSERT … ON CONFLICT DO NOTHING that did nothing).
Expected<std::optional<std::int64_t>> first_int64(StoreStatement& statement);

// Like first_int64, for statements that must return a row.
Expected<std::int64_t> required_int64(StoreStatement& statement, std::string_view what);

// The columns of a users row, in the order read_user reads them (unqualified; a join aliases
// users as nothing else).
inline constexpr std::string_view kUserColumns =
    "id, email, name, auth_mode, global_role, team_id, team_role, request_logging_enabled, status,"
    " created_at, password_hash, must_change_password";
UserRecord read_user(const StoreStatement& row, int first_column = 0);
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
