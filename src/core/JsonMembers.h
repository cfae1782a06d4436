// JsonMembers: typed, null-safe access to the members of a JSON object from an outside source.
//
// Upstream answers and caller bodies are read defensively: a member that is absent or of the wrong
// type reads as "not there" (nullptr, an empty view, nullopt), never as an exception, and the reader
// decides whether that is an error. One set of these serves every reader in the gateway.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace sluice::json_members {

inline const boost::json::object* object_member(const boost::json::object& object,
                                                std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  return value != nullptr ? value->if_object() : nullptr;
}

inline const boost::json::array* array_member(const boost::json::object& object,
                                              std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  return value != nullptr ? value->if_array() : nullptr;
}

inline const boost::json::string* string_if(const boost::json::object& object,
                                            std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  return value != nullptr ? value->if_string() : nullptr;
}

// The member's text, or an empty view when it is absent or not a string.
inline std::string_view string_member(const boost::json::object& object, std::string_view key) {
  const boost::json::string* text = string_if(object, key);
  return text != nullptr ? std::string_view(*text) : std::string_view();
}

// A non-negative count as an upstream wrote it. Some servers write integral doubles (12.0); nothing
// sane is negative or beyond int64, so anything else reads as "not reported".
inline std::optional<std::int64_t> count_member(const boost::json::object& object,
                                                std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  if (value == nullptr) return std::nullopt;
  if (const auto* i = value->if_int64()) {
    if (*i >= 0) return *i;
    return std::nullopt;
  }
  if (const auto* u = value->if_uint64()) {
    if (*u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return static_cast<std::int64_t>(*u);
    }
    return std::nullopt;
  }
  if (const auto* d = value->if_double()) {
    if (std::isfinite(*d) && *d >= 0 && *d < 9.0e18 && std::floor(*d) == *d) {
      return static_cast<std::int64_t>(*d);
    }
  }
  return std::nullopt;
}

}  // namespace sluice::json_members
