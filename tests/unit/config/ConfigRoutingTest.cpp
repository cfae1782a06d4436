// `routing` (top level and per model) and a route's `retries`: Sluice's retry / fallback / circuit
// breaker knobs (docs/configuration.md "Routing and resilience").
#include "ConfigTestSupport.h"

namespace sluice::config::testing {
namespace {

using std::chrono::milliseconds;

std::string with_routing(std::string_view routing) {
  return std::string(kOpenAIProvider) +
         "models:\n  - id: m\n    routes:\n      - provider: openai\n        upstream_model: gpt-4o\n" +
         std::string(routing);
}

TEST(ConfigRouting, DefaultsWhenAbsent) {
  const auto result = load(with_routing(""));
  ASSERT_TRUE(Loads(result));
  const auto& policy = result.config->routing;
  EXPECT_TRUE(policy.fallback);
  EXPECT_EQ(policy.retries_per_route, 0u);
  EXPECT_EQ(policy.max_attempts, 4u);
  EXPECT_EQ(policy.backoff_base, milliseconds(100));
  EXPECT_EQ(policy.backoff_max, milliseconds(2000));
  EXPECT_FALSE(policy.deadline.has_value());
  EXPECT_TRUE(policy.circuit_breaker.enabled);
  EXPECT_EQ(policy.circuit_breaker.consecutive_failures, 5u);
  EXPECT_EQ(policy.circuit_breaker.cooldown, milliseconds(30000));
  EXPECT_FALSE(result.config->models[0].routing.has_value());
  EXPECT_FALSE(result.config->models[0].routes[0].retries.has_value());
  EXPECT_EQ(&result.config->routing_for(result.config->models[0]), &result.config->routing);
}

TEST(ConfigRouting, ReadsEveryKey) {
  const auto result = load(with_routing(R"(routing:
  fallback: false
  retries_per_route: 2
  max_attempts: 6
  backoff_base_ms: 50
  backoff_max_ms: 800
  deadline_ms: 15000
  circuit_breaker: { enabled: false, consecutive_failures: 3, cooldown_ms: 1000 }
)"));
  ASSERT_TRUE(Loads(result));
  const auto& policy = result.config->routing;
  EXPECT_FALSE(policy.fallback);
  EXPECT_EQ(policy.retries_per_route, 2u);
  EXPECT_EQ(policy.max_attempts, 6u);
  EXPECT_EQ(policy.backoff_base, milliseconds(50));
  EXPECT_EQ(policy.backoff_max, milliseconds(800));
  EXPECT_EQ(policy.deadline, milliseconds(15000));
  EXPECT_FALSE(policy.circuit_breaker.enabled);
  EXPECT_EQ(policy.circuit_breaker.consecutive_failures, 3u);
  EXPECT_EQ(policy.circuit_breaker.cooldown, milliseconds(1000));
}

TEST(ConfigRouting, ModelOverridesOnlyTheKeysItWrites) {
  const auto result = load(std::string(kOpenAIProvider) + R"(routing:
  retries_per_route: 1
  max_attempts: 3
models:
  - id: m
    routing:
      max_attempts: 8
      circuit_breaker: { cooldown_ms: 500 }
    routes:
      - provider: openai
        upstream_model: gpt-4o
        retries: 4
)");
  ASSERT_TRUE(Loads(result));
  const auto& model = result.config->models[0];
  ASSERT_TRUE(model.routing.has_value());
  EXPECT_EQ(model.routing->max_attempts, 8u);
  EXPECT_EQ(model.routing->retries_per_route, 1u);  // inherited
  EXPECT_EQ(model.routing->circuit_breaker.cooldown, milliseconds(500));
  EXPECT_EQ(model.routing->circuit_breaker.consecutive_failures, 5u);
  EXPECT_EQ(model.routes[0].retries, 4u);
  EXPECT_EQ(result.config->routing.max_attempts, 3u);
}

struct BadKnob {
  const char* name;
  const char* yaml;
  const char* path;
  const char* fragment;
};

class ConfigRoutingInvalid : public ::testing::TestWithParam<BadKnob> {};

TEST_P(ConfigRoutingInvalid, ReportsThePath) {
  const auto& param = GetParam();
  EXPECT_TRUE(HasError(load(with_routing(param.yaml)), param.path, param.fragment)) << param.name;
}

INSTANTIATE_TEST_SUITE_P(
    ConfigRouting, ConfigRoutingInvalid,
    ::testing::Values(
        BadKnob{"fallback", "routing: { fallback: maybe }\n", "routing.fallback", "expected"},
        BadKnob{"retries_negative", "routing: { retries_per_route: -1 }\n", "routing.retries_per_route", ""},
        BadKnob{"retries_too_many", "routing: { retries_per_route: 11 }\n", "routing.retries_per_route",
                "between 0 and 10"},
        BadKnob{"max_attempts_zero", "routing: { max_attempts: 0 }\n", "routing.max_attempts", "must be > 0"},
        BadKnob{"backoff_base_negative", "routing: { backoff_base_ms: -5 }\n", "routing.backoff_base_ms",
                ""},
        BadKnob{"backoff_max_below_base", "routing: { backoff_base_ms: 500, backoff_max_ms: 100 }\n",
                "routing.backoff_max_ms", "must be >= backoff_base_ms"},
        BadKnob{"deadline_zero", "routing: { deadline_ms: 0 }\n", "routing.deadline_ms", "must be >= 1"},
        BadKnob{"deadline_text", "routing: { deadline_ms: soon }\n", "routing.deadline_ms", ""},
        BadKnob{"breaker_failures_zero", "routing: { circuit_breaker: { consecutive_failures: 0 } }\n",
                "routing.circuit_breaker.consecutive_failures", "must be > 0"},
        BadKnob{"breaker_cooldown_zero", "routing: { circuit_breaker: { cooldown_ms: 0 } }\n",
                "routing.circuit_breaker.cooldown_ms", "must be >= 1"},
        BadKnob{"breaker_enabled", "routing: { circuit_breaker: { enabled: 3 } }\n",
                "routing.circuit_breaker.enabled", ""},
        BadKnob{"routing_not_map", "routing: 5\n", "routing", ""},
        BadKnob{"route_retries", "        retries: 12\n", "models[0].routes[0].retries", "between 0 and 10"},
        BadKnob{"route_retries_negative", "        retries: -1\n", "models[0].routes[0].retries", ""}),
    [](const ::testing::TestParamInfo<BadKnob>& knob) { return std::string(knob.param.name); });

TEST(ConfigRouting, ModelRoutingIsValidatedWithItsPath) {
  const auto result = load(std::string(kOpenAIProvider) + R"(models:
  - id: m
    routing: { max_attempts: 0 }
    routes:
      - provider: openai
        upstream_model: gpt-4o
)");
  EXPECT_TRUE(HasError(result, "models[0].routing.max_attempts", "must be > 0"));
}

TEST(ConfigRouting, UnknownKeysWarn) {
  const auto result = load(with_routing("routing:\n  retries_per_rout: 1\n  circuit_breaker: { cooldown: 5 }\n"));
  ASSERT_TRUE(Loads(result));
  EXPECT_TRUE(HasWarning(result, "routing.retries_per_rout", "did you mean `retries_per_route`?"));
  EXPECT_TRUE(HasWarning(result, "routing.circuit_breaker.cooldown", "unknown key"));
}

TEST(ConfigRouting, RoutingIsAKnownTopLevelAndModelKey) {
  const auto result = load(std::string(kOpenAIProvider) + R"(routing: { fallback: true }
models:
  - id: m
    routing: { fallback: false }
    routes:
      - provider: openai
        upstream_model: gpt-4o
        retries: 1
)");
  ASSERT_TRUE(Loads(result));
  EXPECT_TRUE(result.warnings.empty()) << all_diagnostics(result);
}

}  // namespace
}  // namespace sluice::config::testing
