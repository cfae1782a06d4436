#include "routing/RoutePlan.h"
#include "routing/RouteSelection.h"

#include "../providers/SeedRoute.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace sluice::routing {
namespace {

// The route a request goes to first: the head of the production route plan (seeded: every test
// here uses distinct priorities, so the order does not depend on the draw).
Expected<ResolvedRoute> first_planned_route(const config::GatewayConfig& config,
                                            const config::ModelConfig& model,
                                            const RequiredCapabilities& required) {
  PlanRandom random(7);
  const auto plan = plan_routes(config, model, required, random);
  if (!plan) return plan.error();
  return plan->routes.front();
}

using testing::openai_provider;
using testing::openai_route;

config::RouteConfig route_to(std::string provider, std::string upstream_model,
                             std::int32_t priority = 100) {
  config::RouteConfig route = openai_route(std::move(provider), std::move(upstream_model));
  route.priority = priority;
  return route;
}

// Two openai_compat providers, `a` and `b`, and one model whose routes the test supplies.
struct Fixture {
  config::GatewayConfig config;
  config::ModelConfig model;

  explicit Fixture(std::vector<config::RouteConfig> routes) {
    config.providers = {openai_provider("a", "https://a.example/v1"),
                        openai_provider("b", "https://b.example/v1")};
    model.id = "m";
    model.routes = std::move(routes);
  }

  Expected<ResolvedRoute> pick(std::string_view body = R"({"messages":[]})") const {
    return first_planned_route(
        config, model,
        required_capabilities(ApiFamily::kChatCompletions, boost::json::parse(body).as_object()));
  }
};

TEST(RouteSelection, PicksTheLowestPriorityValue) {
  const Fixture f({route_to("a", "late", 200), route_to("b", "early", 10)});
  const auto picked = f.pick();
  ASSERT_TRUE(picked.ok());
  EXPECT_EQ(picked->route->upstream_model, "early");
}

TEST(RouteSelection, KeepsFileOrderWithinAPriority) {
  const Fixture f({route_to("a", "first"), route_to("b", "second")});
  const auto viable = viable_routes(f.config, f.model);
  ASSERT_EQ(viable.size(), 2u);
  EXPECT_EQ(viable[0].route->upstream_model, "first");
  EXPECT_EQ(viable[1].route->upstream_model, "second");
}

TEST(RouteSelection, ReturnsTheRouteWithItsProvider) {
  const Fixture f({route_to("b", "x")});
  const auto picked = f.pick();
  ASSERT_TRUE(picked.ok());
  EXPECT_EQ(picked->provider->id, "b");
  EXPECT_EQ(picked->route, &f.model.routes[0]);
}

TEST(RouteSelection, SkipsDisabledRoutes) {
  config::RouteConfig disabled = route_to("a", "disabled", 1);
  disabled.enabled = false;
  const Fixture f({disabled, route_to("b", "enabled", 2)});
  EXPECT_EQ(f.pick()->route->upstream_model, "enabled");
}

TEST(RouteSelection, SkipsRoutesWithWeightZeroOrLess) {
  config::RouteConfig zero = route_to("a", "zero", 1);
  zero.weight = 0;
  config::RouteConfig negative = route_to("a", "negative", 1);
  negative.weight = -1;
  const Fixture f({zero, negative, route_to("b", "weighted", 2)});
  EXPECT_EQ(f.pick()->route->upstream_model, "weighted");
}

TEST(RouteSelection, SkipsRoutesNamingAnUnknownProvider) {
  const Fixture f({route_to("missing", "orphan", 1), route_to("a", "known", 2)});
  EXPECT_EQ(f.pick()->route->upstream_model, "known");
}

TEST(RouteSelection, NoViableRouteIs503NoRoutesAvailable) {
  config::RouteConfig disabled = route_to("a", "disabled");
  disabled.enabled = false;
  const Fixture f({disabled, route_to("missing", "orphan")});
  const auto picked = f.pick();
  ASSERT_FALSE(picked.ok());
  EXPECT_EQ(picked.error().status, 503);
  EXPECT_EQ(picked.error().type, "routing_error");
  EXPECT_EQ(picked.error().code, "no_routes_available");
  EXPECT_NE(picked.error().message.find("`m`"), std::string::npos);
}

TEST(RouteSelection, SkipsARouteLackingACapabilityForTheNextOne) {
  config::RouteConfig no_stream = route_to("a", "no-stream", 1);
  no_stream.capabilities.stream = false;
  const Fixture f({no_stream, route_to("b", "streams", 2)});
  EXPECT_EQ(f.pick(R"({"stream":true,"messages":[]})")->route->upstream_model, "streams");
}

TEST(RouteSelection, CapabilityFilteringEveryRouteIsTheFirstRoutesRefusal) {
  config::RouteConfig no_tools = route_to("a", "no-tools", 1);
  no_tools.capabilities.tools = false;
  config::RouteConfig no_chat = route_to("b", "no-chat", 2);
  no_chat.capabilities.chat_completions = false;
  const Fixture f({no_chat, no_tools});
  const auto picked = f.pick(R"({"messages":[],"tools":[{"type":"function"}]})");
  ASSERT_FALSE(picked.ok());
  EXPECT_EQ(picked.error().status, 400);
  EXPECT_EQ(picked.error().code, "invalid_request");
  EXPECT_EQ(picked.error().param, "tools");  // the priority-1 route's refusal
}

TEST(RouteSelection, RefusesChatOnTheSeedModelWithTheResponsesHint) {
  config::GatewayConfig config;
  config.providers = {testing::seed_bedrock_provider()};
  const config::ModelConfig model = testing::seed_gpt55_model();
  const auto picked = first_planned_route(
      config, model,
      required_capabilities(
          ApiFamily::kChatCompletions,
          boost::json::parse(R"({"model":"gpt-55-bedrock","messages":[]})").as_object()));
  ASSERT_FALSE(picked.ok());
  EXPECT_EQ(picked.error().message,
            "model `gpt-55-bedrock` does not support /v1/chat/completions; use /v1/responses");
}

TEST(RouteSelection, RoutesTheSeedModelsResponsesRequest) {
  config::GatewayConfig config;
  config.providers = {testing::seed_bedrock_provider()};
  const config::ModelConfig model = testing::seed_gpt55_model();
  const auto picked = first_planned_route(
      config, model,
      required_capabilities(
          ApiFamily::kResponses,
          boost::json::parse(R"({"model":"gpt-55-bedrock","input":"hi"})").as_object()));
  ASSERT_TRUE(picked.ok());
  EXPECT_EQ(picked->provider->id, "bedrock-mantle-openai");
}

}  // namespace
}  // namespace sluice::routing
