// ConsoleJson: how the admin API writes the store's rows (docs/admin-api.md): one function per
// object, so every endpoint that returns a user (or a key, …) writes it the same way.
#pragma once

#include "store/StoreRecords.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace sluice::console {

boost::json::object user_json(const store::UserRecord& user);

// null for an absent optional.
boost::json::value optional_json(const std::optional<std::string>& value);
boost::json::value optional_json(const std::optional<std::int64_t>& value);

}  // namespace sluice::console
