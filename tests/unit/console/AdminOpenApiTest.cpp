// docs/admin-openapi.json against the gateway's own route table: every documented operation is a
// route and every route is documented, with the same guard (public or session; page, action,
// platform-admin-only). A route added, removed or re-guarded without the document fails here.
#include "config/EnumNames.h"
#include "console/ConsoleRouteSets.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

namespace sluice::console {
namespace {

namespace json = boost::json;

json::object load_document() {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/docs/admin-openapi.json");
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str()).as_object();
}

std::string lower(std::string_view method) {
  std::string text(method);
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// What the document should say about a route's guard, in its x-sluice-permission words.
std::string permission_words(const RouteGuard& guard) {
  std::string words;
  if (guard.kind == RouteGuard::Kind::kPage) words = "page:" + std::string(config::to_string(guard.page));
  if (guard.kind == RouteGuard::Kind::kAction) {
    words = "action:" + std::string(config::to_string(guard.action));
  }
  if (guard.platform_admin_only) words += " + platform admin";
  return words;
}

TEST(AdminOpenApi, DocumentsExactlyTheRoutesTheGatewayServes) {
  const json::object document = load_document();
  std::set<std::string> documented;
  for (const auto& [path, item] : document.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      documented.insert(lower(std::string(method)) + " " + std::string(path));
    }
  }
  std::set<std::string> served;
  const ConsoleRoutes routes = all_console_routes();
  for (const auto& route : routes.all()) {
    served.insert(lower(std::string(boost::beast::http::to_string(route.method))) + " " + route.pattern);
  }
  for (const auto& operation : served) EXPECT_TRUE(documented.count(operation)) << "undocumented: " << operation;
  for (const auto& operation : documented) EXPECT_TRUE(served.count(operation)) << "not served: " << operation;
}

TEST(AdminOpenApi, EachOperationStatesTheGuardTheRouterApplies) {
  const json::object document = load_document();
  const auto& paths = document.at("paths").as_object();
  const ConsoleRoutes routes = all_console_routes();
  for (const auto& route : routes.all()) {
    const auto* item = paths.if_contains(route.pattern);
    if (item == nullptr) continue;  // reported by the test above
    const auto* operation =
        item->as_object().if_contains(lower(std::string(boost::beast::http::to_string(route.method))));
    if (operation == nullptr) continue;
    const auto& fields = operation->as_object();
    const std::string name = std::string(boost::beast::http::to_string(route.method)) + " " + route.pattern;
    const auto* security = fields.if_contains("security");
    const bool documented_public = security != nullptr && security->as_array().empty();
    EXPECT_EQ(documented_public, route.guard.kind == RouteGuard::Kind::kPublic) << name;
    const auto* permission = fields.if_contains("x-sluice-permission");
    const std::string documented_permission = permission ? std::string(permission->as_string()) : "";
    EXPECT_EQ(documented_permission, permission_words(route.guard)) << name;
    EXPECT_TRUE(fields.contains("summary")) << name;
    EXPECT_FALSE(fields.at("responses").as_object().empty()) << name;
  }
}

}  // namespace
}  // namespace sluice::console
