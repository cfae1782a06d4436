#include "routing/RoutePlan.h"

#include "../providers/SeedRoute.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace sluice::routing {
namespace {

using testing::openai_provider;
using testing::openai_route;

config::RouteConfig route_to(std::string provider, std::string upstream_model,
                             std::int32_t priority = 100, double weight = 1.0) {
  config::RouteConfig route = openai_route(std::move(provider), std::move(upstream_model));
  route.priority = priority;
  route.weight = weight;
  return route;
}

struct Fixture {
  config::GatewayConfig config;
  config::ModelConfig model;

  explicit Fixture(std::vector<config::RouteConfig> routes) {
    config.providers = {openai_provider("a", "https://a.example/v1"),
                        openai_provider("b", "https://b.example/v1")};
    model.id = "m";
    model.routes = std::move(routes);
  }

  Expected<RoutePlan> plan(PlanRandom& random, std::string_view body = R"({"messages":[]})",
                           const RouteAvailable& available = {}) const {
    return plan_routes(
        config, model,
        required_capabilities(ApiFamily::kChatCompletions, boost::json::parse(body).as_object()),
        random, available);
  }
};

std::vector<std::string> names(const RoutePlan& plan) {
  std::vector<std::string> out;
  for (const auto& route : plan.routes) out.push_back(route.route->upstream_model);
  return out;
}

TEST(RoutePlan, OrdersByPriorityAscending) {
  const Fixture f({route_to("a", "late", 200), route_to("b", "early", 10), route_to("a", "mid", 50)});
  PlanRandom random(1);
  const auto plan = f.plan(random);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(names(*plan), (std::vector<std::string>{"early", "mid", "late"}));
  EXPECT_FALSE(plan->panic);
}

TEST(RoutePlan, DropsDisabledZeroWeightAndUnknownProviders) {
  auto disabled = route_to("a", "disabled");
  disabled.enabled = false;
  const Fixture f({disabled, route_to("a", "zero", 100, 0.0), route_to("nope", "unknown"),
                   route_to("b", "kept")});
  PlanRandom random(1);
  const auto plan = f.plan(random);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(names(*plan), (std::vector<std::string>{"kept"}));
}

TEST(RoutePlan, NothingViableIs503NoRoutesAvailable) {
  auto disabled = route_to("a", "disabled");
  disabled.enabled = false;
  const Fixture f({disabled, route_to("a", "zero", 100, 0.0)});
  PlanRandom random(1);
  const auto plan = f.plan(random);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().status, 503);
  EXPECT_EQ(plan.error().type, "routing_error");
  EXPECT_EQ(plan.error().code, "no_routes_available");
}

TEST(RoutePlan, WeightedFirstPickConvergesToTheWeights) {
  // Weights 3:1 in one priority group: the heavy route comes first 75% of the time. Ignoring the
  // weights (file order, or a uniform shuffle) gives 100% or 50% and fails the bound.
  const Fixture f({route_to("a", "light", 100, 1.0), route_to("b", "heavy", 100, 3.0)});
  PlanRandom random(42);
  int heavy_first = 0;
  constexpr int kDraws = 20000;
  for (int i = 0; i < kDraws; ++i) {
    const auto plan = f.plan(random);
    ASSERT_TRUE(plan.ok());
    ASSERT_EQ(plan->routes.size(), 2u);
    if (plan->routes[0].route->upstream_model == "heavy") ++heavy_first;
  }
  const double share = static_cast<double>(heavy_first) / kDraws;
  EXPECT_GT(share, 0.70);
  EXPECT_LT(share, 0.80);
}

TEST(RoutePlan, WeightedSamplingStaysInsideAPriorityGroup) {
  const Fixture f({route_to("a", "backup", 200, 100.0), route_to("a", "x", 100, 1.0),
                   route_to("b", "y", 100, 1.0)});
  PlanRandom random(7);
  for (int i = 0; i < 200; ++i) {
    const auto plan = f.plan(random);
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->routes.back().route->upstream_model, "backup");
  }
}

TEST(RoutePlan, SameSeedSameOrder) {
  const Fixture f({route_to("a", "x", 100, 1.0), route_to("b", "y", 100, 1.0), route_to("a", "z")});
  PlanRandom first(99);
  PlanRandom second(99);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(names(*f.plan(first)), names(*f.plan(second)));
}

TEST(RoutePlan, SkipsRoutesLackingACapability) {
  auto no_stream = route_to("a", "no-stream", 10);
  no_stream.capabilities.stream = false;
  const Fixture f({no_stream, route_to("b", "streams", 20)});
  PlanRandom random(1);
  const auto plan = f.plan(random, R"({"messages":[],"stream":true})");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(names(*plan), (std::vector<std::string>{"streams"}));
}

TEST(RoutePlan, CapabilityErrorOnlyWhenNoRouteCanServe) {
  auto no_stream = route_to("a", "no-stream", 10);
  no_stream.capabilities.stream = false;
  auto no_stream_either = route_to("b", "no-stream-2", 20);
  no_stream_either.capabilities.stream = false;
  const Fixture f({no_stream, no_stream_either});
  PlanRandom random(1);
  const auto plan = f.plan(random, R"({"messages":[],"stream":true})");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().status, 400);
  EXPECT_EQ(plan.error().code, "invalid_request");
  EXPECT_EQ(plan.error().param, "stream");
  // Without the stream the same routes serve.
  EXPECT_TRUE(f.plan(random).ok());
}

TEST(RoutePlan, SkipsUnavailableRoutes) {
  const Fixture f({route_to("a", "open", 10), route_to("b", "closed", 20)});
  PlanRandom random(1);
  const auto plan = f.plan(random, R"({"messages":[]})", [](const ResolvedRoute& candidate) {
    return candidate.route->upstream_model != "open";
  });
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(names(*plan), (std::vector<std::string>{"closed"}));
  EXPECT_FALSE(plan->panic);
}

TEST(RoutePlan, KeepsEveryRouteInPanicWhenAllAreUnavailable) {
  const Fixture f({route_to("a", "first", 10), route_to("b", "second", 20)});
  PlanRandom random(1);
  const auto plan = f.plan(random, R"({"messages":[]})", [](const ResolvedRoute&) { return false; });
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(names(*plan), (std::vector<std::string>{"first", "second"}));
  EXPECT_TRUE(plan->panic);
}

}  // namespace
}  // namespace sluice::routing
