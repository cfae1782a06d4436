#include "console/ConsoleJson.h"

namespace sluice::console {

namespace json = boost::json;

json::value optional_json(const std::optional<std::string>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

json::value optional_json(const std::optional<std::int64_t>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

json::object user_json(const store::UserRecord& user) {
  return json::object{{"id", user.id},
                      {"email", user.email},
                      {"name", user.name},
                      {"auth_mode", user.auth_mode},
                      {"global_role", user.global_role},
                      {"status", user.status},
                      {"team_id", optional_json(user.team_id)},
                      {"team_role", optional_json(user.team_role)},
                      {"request_logging_enabled", user.request_logging_enabled},
                      {"created_at", user.created_at}};
}

}  // namespace sluice::console
