// ConsoleRoute: the admin API's route table and what a handler sees of a request.
//
// Every endpoint is one ConsoleRoute: a method, a path pattern with `{name}` segments, the guard
// that decides who may call it (checked by ConsoleRouter before the handler runs), and the handler.
// Resources add their routes in their own files (ConsoleRouteSets.h); the same table drives the
// dispatch and the test that holds docs/admin-openapi.json to it.
#pragma once

#include "api/GatewayState.h"
#include "config/GatewayConfig.h"
#include "console/ConsoleServices.h"
#include "core/Expected.h"
#include "server/Exchange.h"
#include "store/StoreRecords.h"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::console {

// The permission group (config.md §5) a user's pages and actions come from.
enum class PermissionGroupName { kUsers, kTeamAdmins, kPlatformAdmins };
std::string_view to_text(PermissionGroupName group);  // "users" | "team_admins" | "platform_admins"

PermissionGroupName permission_group_of(const store::UserRecord& user);
const config::PermissionGroup& permission_group(const config::PermissionsConfig& permissions,
                                                PermissionGroupName group);

// A request's signed-in user, resolved from its session cookie.
struct SignedIn {
  store::UserRecord user;
  std::string session_hash;
  std::string csrf_token;
  store::UnixMillis expires_at = 0;
  PermissionGroupName group = PermissionGroupName::kUsers;

  bool platform_admin() const { return user.global_role == "platform_admin"; }
  bool team_admin_of(std::string_view team_id) const;
  store::Principal principal() const { return {store::PrincipalKind::kUser, user.email}; }
};

// Who may call a route.
struct RouteGuard {
  enum class Kind { kPublic, kSignedIn, kPage, kAction };
  Kind kind = Kind::kSignedIn;
  config::AdminPage page = config::AdminPage::kApiKeys;
  config::ApiKeyAction action = config::ApiKeyAction::kCreateApiKey;
  bool platform_admin_only = false;  // also needs global_role platform_admin
  bool while_password_change_due = false;  // callable before a forced password change is done

  static RouteGuard open() { return {Kind::kPublic}; }
  static RouteGuard signed_in() { return {Kind::kSignedIn}; }
  static RouteGuard page_of(config::AdminPage page) { return {Kind::kPage, page}; }
  static RouteGuard admin_page(config::AdminPage page) {
    return {Kind::kPage, page, config::ApiKeyAction::kCreateApiKey, true};
  }
  static RouteGuard action_of(config::ApiKeyAction action) {
    return {Kind::kAction, config::AdminPage::kApiKeys, action};
  }
  RouteGuard during_password_change() const {
    RouteGuard copy = *this;
    copy.while_password_change_due = true;
    return copy;
  }
};

// What a handler answers. Errors are returned as GatewayErrors instead (Expected).
struct ConsoleReply {
  boost::beast::http::status status = boost::beast::http::status::ok;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;

  static ConsoleReply json(const boost::json::value& value,
                           boost::beast::http::status status = boost::beast::http::status::ok);
  static ConsoleReply no_content();
  static ConsoleReply redirect(std::string location);
  ConsoleReply& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// One request, as a handler sees it.
class ConsoleCall {
 public:
  ConsoleCall(server::Exchange& exchange, ConsoleServices& services,
              std::shared_ptr<const api::GatewayState> state, store::UnixMillis now);

  server::Exchange& exchange;
  ConsoleServices& services;
  const std::shared_ptr<const api::GatewayState> state;
  const store::UnixMillis now;
  std::optional<SignedIn> signed_in;  // always set on routes that are not public
  std::vector<std::pair<std::string, std::string>> path_params;  // percent-decoded

  const server::Request& request() const { return exchange.request(); }
  const config::GatewayConfig& config() const { return *state->config; }
  const SignedIn& user() const { return *signed_in; }
  bool may(config::ApiKeyAction action) const;
  bool may_open(config::AdminPage page) const;

  // The `{name}` segment of the path ("" when the pattern has none of that name).
  const std::string& path_param(std::string_view name) const;
  // A query parameter, percent-decoded; nullopt when absent.
  std::optional<std::string> query(std::string_view name) const;
  // The body as a JSON object; 400 invalid_request unless it is one, sent as application/json.
  Expected<boost::json::object> json_body() const;
  // The caller's address (for the sign-in rate limit).
  const std::string& client_address() const { return exchange.log().remote; }
};

using ConsoleHandler = std::function<boost::asio::awaitable<Expected<ConsoleReply>>(ConsoleCall&)>;

struct ConsoleRoute {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string pattern;  // "/api/v1/admin/api-keys/{api_key_id}"
  RouteGuard guard;
  ConsoleHandler handler;
};

class ConsoleRoutes {
 public:
  void add(boost::beast::http::verb method, std::string pattern, RouteGuard guard,
           ConsoleHandler handler);

  struct Match {
    const ConsoleRoute* route = nullptr;  // null: no route has this path (or method, see below)
    bool path_known = false;              // some route has the path, with another method
    std::vector<std::pair<std::string, std::string>> params;
  };
  Match match(boost::beast::http::verb method, std::string_view path) const;

  const std::vector<ConsoleRoute>& all() const { return routes_; }

 private:
  std::vector<ConsoleRoute> routes_;
};

// The query parameter `name` of a request target, percent-decoded (`+` read as a space); nullopt
// when absent or malformed.
std::optional<std::string> query_parameter(std::string_view target, std::string_view name);

// Parses a handler's numeric path parameter; 404 `what` when it is not a positive integer.
Expected<std::int64_t> numeric_id(const ConsoleCall& call, std::string_view param,
                                  const std::string& what);

}  // namespace sluice::console
