#include "console/ConsoleRoute.h"
#include "console/Sessions.h"

#include <gtest/gtest.h>

namespace sluice::console {
namespace {

namespace http = boost::beast::http;

ConsoleHandler nothing() {
  return [](ConsoleCall&) -> boost::asio::awaitable<Expected<ConsoleReply>> {
    co_return ConsoleReply::no_content();
  };
}

ConsoleRoutes sample_routes() {
  ConsoleRoutes routes;
  routes.add(http::verb::get, "/api/v1/admin/api-keys", RouteGuard::signed_in(), nothing());
  routes.add(http::verb::patch, "/api/v1/admin/api-keys/{api_key_id}", RouteGuard::signed_in(), nothing());
  routes.add(http::verb::post, "/api/v1/admin/api-keys/{api_key_id}/revoke", RouteGuard::signed_in(), nothing());
  routes.add(http::verb::delete_, "/api/v1/admin/identity/teams/{team_id}/members/{user_id}",
             RouteGuard::signed_in(), nothing());
  return routes;
}

TEST(ConsoleRoutes, MatchesLiteralAndParameterSegments) {
  const auto routes = sample_routes();
  auto match = routes.match(http::verb::patch, "/api/v1/admin/api-keys/42");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/api/v1/admin/api-keys/{api_key_id}");
  ASSERT_EQ(match.params.size(), 1u);
  EXPECT_EQ(match.params[0], (std::pair<std::string, std::string>{"api_key_id", "42"}));

  match = routes.match(http::verb::delete_, "/api/v1/admin/identity/teams/ml%20ops/members/7");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.params[0].second, "ml ops");  // percent-decoded
  EXPECT_EQ(match.params[1].second, "7");
}

TEST(ConsoleRoutes, RefusesWrongShapesAndTellsAWrongMethodFromAnUnknownPath) {
  const auto routes = sample_routes();
  EXPECT_EQ(routes.match(http::verb::get, "/api/v1/admin/api-keys/").route, nullptr);  // empty id
  EXPECT_EQ(routes.match(http::verb::get, "/api/v1/admin/api-keys/1/2").route, nullptr);
  EXPECT_EQ(routes.match(http::verb::get, "/api/v1/admin").route, nullptr);
  EXPECT_EQ(routes.match(http::verb::get, "/api/v1/admin/api-keys/bad%zz").route, nullptr);

  auto wrong_method = routes.match(http::verb::delete_, "/api/v1/admin/api-keys");
  EXPECT_EQ(wrong_method.route, nullptr);
  EXPECT_TRUE(wrong_method.path_known);
  EXPECT_FALSE(routes.match(http::verb::get, "/api/v1/admin/nothing").path_known);
}

TEST(ConsoleQuery, ReadsEachParameterWithinTheTargetDecoded) {
  const std::string_view target = "/cb?code=a%2Fb&empty=&plus=x+y&state=last-one";
  EXPECT_EQ(query_parameter(target, "code"), "a/b");
  EXPECT_EQ(query_parameter(target, "empty"), "");
  EXPECT_EQ(query_parameter(target, "plus"), "x y");
  EXPECT_EQ(query_parameter(target, "state"), "last-one");
  EXPECT_EQ(query_parameter(target, "missing"), std::nullopt);
  EXPECT_EQ(query_parameter("/cb", "state"), std::nullopt);
  EXPECT_EQ(query_parameter("/cb?state=%zz", "state"), std::nullopt);
  // A target inside a larger buffer (as Beast hands it over) is read only up to its end.
  const std::string buffer = "/cb?state=abc HTTP/1.1\r\nHost: x";
  EXPECT_EQ(query_parameter(std::string_view(buffer).substr(0, 13), "state"), "abc");
}

TEST(ConsoleSessions, FindsTheSessionCookieAmongOthers) {
  server::Request request;
  EXPECT_FALSE(session_cookie(request));
  request.set(http::field::cookie, "theme=dark; sluice_session=abc-123 ;other=1");
  EXPECT_EQ(session_cookie(request), "abc-123");
  request.set(http::field::cookie, "sluice_sessionx=1; xsluice_session=2");
  EXPECT_FALSE(session_cookie(request));
}

TEST(ConsolePermissions, GroupFollowsGlobalRoleThenTeamRole) {
  store::UserRecord user;
  user.global_role = "user";
  EXPECT_EQ(permission_group_of(user), PermissionGroupName::kUsers);
  user.team_role = "member";
  EXPECT_EQ(permission_group_of(user), PermissionGroupName::kUsers);
  user.team_role = "admin";
  EXPECT_EQ(permission_group_of(user), PermissionGroupName::kTeamAdmins);
  user.team_role = "owner";
  EXPECT_EQ(permission_group_of(user), PermissionGroupName::kTeamAdmins);
  user.global_role = "platform_admin";
  EXPECT_EQ(permission_group_of(user), PermissionGroupName::kPlatformAdmins);
}

}  // namespace
}  // namespace sluice::console
