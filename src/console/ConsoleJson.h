// ConsoleJson: how the admin API writes the store's rows (docs/admin-api.md): one function per
// object, so every endpoint that returns a user (or a key, …) writes it the same way.
#pragma once

#include "store/ConsoleQueries.h"
#include "store/StoreRecords.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace sluice::console {

boost::json::object user_json(const store::UserRecord& user);
// {id, public_id, name, owner: {kind, id, label}, models, managed, source, created_at, revoked_at,
// last_used_at}: never the secret or its hash.
boost::json::object key_json(const store::ApiKeyListing& listing);
// {id, name, members: [{user_id, email, name, role}], service_accounts: [ids]}
boost::json::object team_json(const store::TeamListing& team);
// {id, name, team_id, status: active|disabled, keys: count of unrevoked keys}
boost::json::object service_account_json(const store::ServiceAccountListing& account);

// null for an absent optional.
boost::json::value optional_json(const std::optional<std::string>& value);
boost::json::value optional_json(const std::optional<std::int64_t>& value);

}  // namespace sluice::console
