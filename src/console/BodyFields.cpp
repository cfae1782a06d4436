#include "console/BodyFields.h"

#include "config/ValueSyntax.h"

#include <boost/algorithm/string/trim.hpp>
#include <fmt/format.h>

namespace sluice::console {

namespace json = boost::json;

namespace {

GatewayError bad_field(std::string_view name, std::string_view what) {
  return GatewayError::invalid_request(fmt::format("`{}` {}", name, what), std::string(name));
}

Expected<std::string> checked_text(const json::value& value, std::string_view name) {
  if (!value.is_string()) return bad_field(name, "must be a string");
  std::string text(value.as_string());
  boost::algorithm::trim(text);
  if (text.empty()) return bad_field(name, "must not be empty");
  if (text.size() > kMaxFieldLength) {
    return bad_field(name, fmt::format("may have at most {} characters", kMaxFieldLength));
  }
  return text;
}

bool absent(const json::value* value) { return value == nullptr || value->is_null(); }

}  // namespace

Expected<std::string> required_text(const json::object& body, std::string_view name) {
  const auto* value = body.if_contains(name);
  if (absent(value)) return bad_field(name, "is required");
  return checked_text(*value, name);
}

Expected<std::optional<std::string>> optional_text(const json::object& body, std::string_view name) {
  const auto* value = body.if_contains(name);
  if (absent(value)) return std::optional<std::string>();
  auto text = checked_text(*value, name);
  if (!text) return text.error();
  return std::optional<std::string>(std::move(*text));
}

Expected<std::optional<bool>> optional_bool(const json::object& body, std::string_view name) {
  const auto* value = body.if_contains(name);
  if (absent(value)) return std::optional<bool>();
  if (!value->is_bool()) return bad_field(name, "must be true or false");
  return std::optional<bool>(value->as_bool());
}

Expected<std::optional<std::vector<std::string>>> optional_text_list(const json::object& body,
                                                                     std::string_view name) {
  const auto* value = body.if_contains(name);
  if (absent(value)) return std::optional<std::vector<std::string>>();
  if (!value->is_array()) return bad_field(name, "must be a list of strings");
  std::vector<std::string> items;
  for (const auto& item : value->as_array()) {
    auto text = checked_text(item, name);
    if (!text) return text.error();
    items.push_back(std::move(*text));
  }
  return std::optional<std::vector<std::string>>(std::move(items));
}

Expected<std::string> email_field(const json::object& body, std::string_view name) {
  auto text = required_text(body, name);
  if (!text) return text.error();
  // The config's rules, so an address the file would refuse is refused here too.
  std::string email = config::normalize_email(*text);
  if (!config::is_valid_email(email)) return bad_field(name, "must be an email address");
  return email;
}

}  // namespace sluice::console
