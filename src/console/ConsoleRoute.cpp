#include "console/ConsoleRoute.h"

#include "console/ConsoleErrors.h"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/pct_string_view.hpp>

#include <algorithm>
#include <charconv>

namespace sluice::console {

namespace http = boost::beast::http;
namespace json = boost::json;

std::string_view to_text(PermissionGroupName group) {
  switch (group) {
    case PermissionGroupName::kPlatformAdmins: return "platform_admins";
    case PermissionGroupName::kTeamAdmins: return "team_admins";
    default: return "users";
  }
}

PermissionGroupName permission_group_of(const store::UserRecord& user) {
  if (user.global_role == "platform_admin") return PermissionGroupName::kPlatformAdmins;
  if (user.team_role == "owner" || user.team_role == "admin") return PermissionGroupName::kTeamAdmins;
  return PermissionGroupName::kUsers;
}

const config::PermissionGroup& permission_group(const config::PermissionsConfig& permissions,
                                                PermissionGroupName group) {
  switch (group) {
    case PermissionGroupName::kPlatformAdmins: return permissions.platform_admins;
    case PermissionGroupName::kTeamAdmins: return permissions.team_admins;
    default: return permissions.users;
  }
}

bool SignedIn::team_admin_of(std::string_view team_id) const {
  return user.team_id && *user.team_id == team_id &&
         (user.team_role == "owner" || user.team_role == "admin");
}

ConsoleReply ConsoleReply::json(const json::value& value, http::status status) {
  ConsoleReply reply;
  reply.status = status;
  reply.body = json::serialize(value);
  return reply;
}

ConsoleReply ConsoleReply::no_content() {
  ConsoleReply reply;
  reply.status = http::status::no_content;
  reply.content_type.clear();
  return reply;
}

ConsoleReply ConsoleReply::redirect(std::string location) {
  ConsoleReply reply;
  reply.status = http::status::found;
  reply.content_type.clear();
  reply.headers.emplace_back("Location", std::move(location));
  return reply;
}

ConsoleCall::ConsoleCall(server::Exchange& exchange_, ConsoleServices& services_,
                         std::shared_ptr<const api::GatewayState> state_, store::UnixMillis now_)
    : exchange(exchange_), services(services_), state(std::move(state_)), now(now_) {}

bool ConsoleCall::may(config::ApiKeyAction action) const {
  if (!signed_in) return false;
  const auto& actions = permission_group(config().permissions, signed_in->group).effective_actions;
  return std::find(actions.begin(), actions.end(), action) != actions.end();
}

bool ConsoleCall::may_open(config::AdminPage page) const {
  if (!signed_in) return false;
  const auto& pages = permission_group(config().permissions, signed_in->group).effective_pages;
  return std::find(pages.begin(), pages.end(), page) != pages.end();
}

const std::string& ConsoleCall::path_param(std::string_view name) const {
  static const std::string kNone;
  for (const auto& [key, value] : path_params) {
    if (key == name) return value;
  }
  return kNone;
}

std::optional<std::string> ConsoleCall::query(std::string_view name) const {
  const std::string_view target = request().target();
  const auto question = target.find('?');
  if (question == std::string_view::npos) return std::nullopt;
  // A copy, not a view into the request: Boost.URL 1.81's parse_query reads the last value up to
  // a NUL, past the end of a view that has none (the request's target is not NUL-terminated).
  const std::string query_text(target.substr(question + 1));
  auto params = boost::urls::parse_query(query_text);
  if (!params) return std::nullopt;
  for (const auto& param : *params) {
    if (param.key == name) return param.value.decode();
  }
  return std::nullopt;
}

Expected<json::object> ConsoleCall::json_body() const {
  const auto type = request().find(http::field::content_type);
  if (type == request().end() ||
      !boost::algorithm::istarts_with(std::string_view(type->value()), "application/json")) {
    return GatewayError::invalid_request("send the request body as application/json");
  }
  boost::system::error_code error;
  json::value body = json::parse(request().body(), error);
  if (error) return GatewayError::invalid_request("request body is not valid JSON: " + error.message());
  if (!body.is_object()) return GatewayError::invalid_request("request body must be a JSON object");
  return std::move(body.as_object());
}

void ConsoleRoutes::add(http::verb method, std::string pattern, RouteGuard guard,
                        ConsoleHandler handler) {
  routes_.push_back(ConsoleRoute{method, std::move(pattern), guard, std::move(handler)});
}

namespace {

// Matches `path` against `pattern` segment by segment; `{name}` takes one non-empty segment.
bool matches(std::string_view pattern, std::string_view path,
             std::vector<std::pair<std::string, std::string>>& params) {
  params.clear();
  while (!pattern.empty() || !path.empty()) {
    if (pattern.empty() || path.empty() || pattern.front() != '/' || path.front() != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const auto pattern_end = pattern.find('/');
    const auto path_end = path.find('/');
    const std::string_view pattern_segment = pattern.substr(0, pattern_end);
    const std::string_view path_segment = path.substr(0, path_end);
    if (pattern_segment.size() > 2 && pattern_segment.front() == '{' && pattern_segment.back() == '}') {
      if (path_segment.empty()) return false;
      const auto encoded = boost::urls::make_pct_string_view(path_segment);
      if (!encoded) return false;
      params.emplace_back(std::string(pattern_segment.substr(1, pattern_segment.size() - 2)),
                          encoded->decode());
    } else if (pattern_segment != path_segment) {
      return false;
    }
    pattern = pattern_end == std::string_view::npos ? std::string_view() : pattern.substr(pattern_end);
    path = path_end == std::string_view::npos ? std::string_view() : path.substr(path_end);
  }
  return true;
}

}  // namespace

ConsoleRoutes::Match ConsoleRoutes::match(http::verb method, std::string_view path) const {
  Match result;
  std::vector<std::pair<std::string, std::string>> params;
  for (const auto& route : routes_) {
    if (!matches(route.pattern, path, params)) continue;
    if (route.method == method) {
      result.route = &route;
      result.params = std::move(params);
      return result;
    }
    result.path_known = true;
  }
  return result;
}

Expected<std::int64_t> numeric_id(const ConsoleCall& call, std::string_view param,
                                  const std::string& what) {
  const std::string& text = call.path_param(param);
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) return not_found(what);
  return id;
}

}  // namespace sluice::console
