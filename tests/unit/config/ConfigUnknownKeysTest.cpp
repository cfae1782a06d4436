// Unknown keys: errors in the reference's strict sections, warnings (with a "did you mean")
// everywhere else; never silently ignored.
#include "ConfigTestSupport.h"

namespace sluice::config::testing {
namespace {

TEST(ConfigUnknownKeys, LenientSectionWarnsWithDidYouMean) {
  const auto result = load("server:\n  bnd: 127.0.0.1:80\n");
  ASSERT_TRUE(Loads(result));
  EXPECT_TRUE(HasWarning(result, "server.bnd", "unknown key `bnd` is ignored; did you mean `bind`?"));
  EXPECT_EQ(result.warnings[0].line, 2);
  EXPECT_EQ(result.warnings[0].column, 3);
}

TEST(ConfigUnknownKeys, UnknownTopLevelSectionWarns) {
  const auto result = load("provders: []\n");
  ASSERT_TRUE(Loads(result));
  EXPECT_TRUE(HasWarning(result, "provders", "did you mean `providers`?"));
}

TEST(ConfigUnknownKeys, FarKeyWarnsWithoutSuggestion) {
  const auto result = load("server:\n  completely_unrelated: 1\n");
  ASSERT_TRUE(HasWarning(result, "server.completely_unrelated", "unknown key"));
  EXPECT_EQ(result.warnings[0].message.find("did you mean"), std::string::npos);
}

TEST(ConfigUnknownKeys, RouteKeyTypoWarns) {
  const std::string text = std::string(kOpenAIProvider) + R"(
models:
  - id: gpt
    routes:
      - provider: openai
        upstream_model: gpt-4o
        extra_header: { X-Test: "1" }
)";
  EXPECT_TRUE(HasWarning(load(text), "models[0].routes[0].extra_header",
                         "did you mean `extra_headers`?"));
}

struct StrictCase {
  const char* name;
  const char* yaml;
  const char* path;
};

class ConfigStrictSections : public ::testing::TestWithParam<StrictCase> {};

TEST_P(ConfigStrictSections, RejectUnknownKeys) {
  const auto& param = GetParam();
  EXPECT_TRUE(HasError(load(param.yaml, {{"TOKEN", "t"}}), param.path, "unknown key")) << param.name;
}

INSTANTIATE_TEST_SUITE_P(
    ConfigStrict, ConfigStrictSections,
    ::testing::Values(
        StrictCase{"auth", "auth:\n  bootstrap:\n    email: a@b.c\n", "auth.bootstrap"},
        StrictCase{"mcp", "mcp:\n  oath: {}\n", "mcp.oath"},
        StrictCase{"mcp.oauth", "mcp:\n  oauth:\n    public_url: https://x.example\n",
                   "mcp.oauth.public_url"},
        StrictCase{"mcp.oauth.providers", R"(
mcp:
  oauth:
    public_base_url: https://gw.example.com
    providers:
      - key: g
        client_id: literal.id
        client_secret: literal.secret
        scope: x
)",
                   "mcp.oauth.providers[0].scope"},
        StrictCase{"teams", "teams:\n  - id: t\n    name: T\n    budget: {}\n", "teams[0].budget"},
        StrictCase{"service_accounts", R"(
teams: [{ id: t, name: T }]
service_accounts:
  - id: ci
    team: t
    budget: { cadence: daily, amount_usd: "1" }
    owner: me
)",
                   "service_accounts[0].owner"},
        StrictCase{"service_accounts.keys", R"(
teams: [{ id: t, name: T }]
service_accounts:
  - id: ci
    team: t
    budget: { cadence: daily, amount_usd: "1" }
    keys:
      - id: k
        expires: never
)",
                   "service_accounts[0].keys[0].expires"},
        StrictCase{"budgets", "budgets:\n  teams: {}\n", "budgets.teams"},
        StrictCase{"budgets.users", "budgets:\n  users:\n    defaults: {}\n", "budgets.users.defaults"},
        StrictCase{"budgets.users.model_defaults", R"(
budgets:
  users:
    model_defaults:
      - model: gpt
        budget: { cadence: daily, amount_usd: "1" }
        note: x
)",
                   "budgets.users.model_defaults[0].note"},
        StrictCase{"models.allowlist", R"(
providers:
  - { id: openai, type: openai_compat, base_url: "https://api.openai.com/v1", pricing_provider_id: openai }
models:
  - id: gpt
    allowlist: { users: [a@example.com], groups: [x] }
    routes: [{ provider: openai, upstream_model: gpt-4o }]
)",
                   "models[0].allowlist.groups"},
        StrictCase{"routes.pricing_override", R"(
providers:
  - { id: openai, type: openai_compat, base_url: "https://api.openai.com/v1", pricing_provider_id: openai }
models:
  - id: gpt
    routes:
      - provider: openai
        upstream_model: gpt-4o
        pricing_override: { input_usd_per_million_tokens: "1", output_usd_per_million_tokens: "2", reasoning_usd_per_million_tokens: "3" }
)",
                   "models[0].routes[0].pricing_override.reasoning_usd_per_million_tokens"},
        StrictCase{"gcp_cloud_run provider", R"(
providers:
  - id: run
    type: gcp_cloud_run_openai_compat
    base_url: https://x.a.run.app/v1
    pricing_provider_id: google-vertex
    auth: { mode: adc }
    region: us
)",
                   "providers[0].region"},
        StrictCase{"gcp_cloud_run auth", R"(
providers:
  - id: run
    type: gcp_cloud_run_openai_compat
    base_url: https://x.a.run.app/v1
    pricing_provider_id: google-vertex
    auth: { mode: adc, token: env.TOKEN }
)",
                   "providers[0].auth.token"},
        StrictCase{"aws_bedrock auth", R"(
providers:
  - id: b
    type: aws_bedrock
    region: us-east-1
    endpoint_kind: bedrock_runtime
    auth: { mode: default_chain, token: env.TOKEN }
)",
                   "providers[0].auth.token"},
        StrictCase{"github_copilot auth", R"(
providers:
  - id: c
    type: github_copilot
    auth: { mode: bearer, token: env.TOKEN, app_id: 1 }
)",
                   "providers[0].auth.app_id"},
        StrictCase{"agent_analysis", "agent_analysis:\n  enable: true\n", "agent_analysis.enable"},
        StrictCase{"permissions", "permissions:\n  admins: {}\n", "permissions.admins"},
        StrictCase{"permissions group", "permissions:\n  users:\n    page: [models]\n",
                   "permissions.users.page"}),
    [](const ::testing::TestParamInfo<StrictCase>& case_info) {
      std::string name = case_info.param.name;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(ConfigUnknownKeys, StrictErrorStillSuggests) {
  EXPECT_TRUE(HasError(load("agent_analysis:\n  enable: true\n"), "agent_analysis.enable",
                       "did you mean `enabled`?"));
}

TEST(ConfigUnknownKeys, LegacySeedApiKeysSaysWhatReplacedIt) {
  const auto result = load("auth:\n  seed_api_keys:\n    - gwk_x\n");
  ASSERT_TRUE(HasError(result, "auth.seed_api_keys", "seed_api_keys"));
  const std::string& message = result.errors[0].message;
  EXPECT_NE(message.find("service_accounts[].keys[]"), std::string::npos);
  EXPECT_NE(message.find("auth.bootstrap_admin"), std::string::npos);
}

TEST(ConfigUnknownKeys, LegacySeedApiKeysIsReportedOnce) {
  EXPECT_EQ(load("auth:\n  seed_api_keys: []\n").errors.size(), 1u);
}

}  // namespace
}  // namespace sluice::config::testing
