// BodyFields: the fields of an admin API request body, read one way everywhere. Each refusal is a
// 400 invalid_request whose `param` names the field, so the UI can point at it.
#pragma once

#include "core/Expected.h"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::console {

// Longest name, label or id a body may carry: enough for any real one, and a bound on what the
// store and every listing must hold.
inline constexpr std::size_t kMaxFieldLength = 200;

// A string, trimmed, non-empty and at most kMaxFieldLength long.
Expected<std::string> required_text(const boost::json::object& body, std::string_view name);
// The same, or nullopt when the field is absent or null.
Expected<std::optional<std::string>> optional_text(const boost::json::object& body,
                                                   std::string_view name);
Expected<std::optional<bool>> optional_bool(const boost::json::object& body, std::string_view name);
// A list of strings (each trimmed and non-empty), or nullopt when absent or null.
Expected<std::optional<std::vector<std::string>>> optional_text_list(const boost::json::object& body,
                                                                     std::string_view name);
// A user's email as the store keys it: trimmed and lower-cased; 400 unless it looks like an address.
Expected<std::string> email_field(const boost::json::object& body, std::string_view name);

}  // namespace sluice::console
