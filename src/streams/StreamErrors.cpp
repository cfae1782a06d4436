#include "streams/StreamErrors.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string_view>

namespace sluice::streams {
namespace {

namespace json = boost::json;

std::optional<std::string> string_member(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr || !value->is_string() || value->get_string().empty()) return std::nullopt;
  return std::string(value->get_string());
}

}  // namespace

bool has_error_member(const json::object& frame) {
  const json::value* value = frame.if_contains("error");
  if (value == nullptr || value->is_null()) return false;
  if (const auto* object = value->if_object()) return !object->empty();
  if (const auto* text = value->if_string()) return !text->empty();
  if (const auto* flag = value->if_bool()) return *flag;
  return true;
}

GatewayError error_reported_by(const json::object& frame) {
  const json::object* details = &frame;
  if (const json::value* error = frame.if_contains("error")) {
    if (const auto* text = error->if_string(); text != nullptr && !text->empty()) {
      return upstream_reported_error(std::string(*text), std::nullopt);
    }
    if (const auto* object = error->if_object()) details = object;
  }
  return upstream_reported_error(
      string_member(*details, "message").value_or("upstream reported an error in the stream"),
      string_member(*details, "param"));
}

}  // namespace sluice::streams
