// The seed's YAML blocks, the reference's complete example and the shipped example must load.
#include "ConfigTestSupport.h"

#include "config/EnumNames.h"

#include <filesystem>

namespace sluice::config::testing {
namespace {

const char* const kSeedFile = "/../shared/seed/000_ebc30c1ff68162ea.txt";

EnvMap bedrock_env() { return {{"AWS_BEARER_TOKEN_BEDROCK", "bedrock-api-key-for-tests"}}; }

std::string seed_fixture(std::string_view name) {
  return read_text(source_path(fmt::format("tests/fixtures/seed/{}", name)));
}

// The first block's `providers:` section, which the third (models-only) block refers to.
std::string bearer_providers_section() {
  const std::string bearer = seed_fixture("bedrock-mantle-bearer.yaml");
  return bearer.substr(0, bearer.find("\nmodels:") + 1);
}

class ConfigSeedFixtures : public ::testing::TestWithParam<const char*> {};

TEST_P(ConfigSeedFixtures, FixtureTextOccursVerbatimInTheSeed) {
  const std::string seed_path = std::string(SLUICE_SOURCE_DIR) + kSeedFile;
  if (!std::filesystem::exists(seed_path)) GTEST_SKIP() << "shared seed not present: " << seed_path;
  const std::string fixture = seed_fixture(GetParam());
  ASSERT_FALSE(fixture.empty());
  EXPECT_NE(read_text(seed_path).find(fixture), std::string::npos)
      << GetParam() << " has drifted from the seed";
}

INSTANTIATE_TEST_SUITE_P(ConfigSeed, ConfigSeedFixtures,
                         ::testing::Values("bedrock-mantle-bearer.yaml",
                                           "bedrock-mantle-default-chain.yaml",
                                           "bedrock-mantle-projects.yaml"));

TEST(ConfigSeedBlocks, BearerBlockLoads) {
  const auto result = load(seed_fixture("bedrock-mantle-bearer.yaml"), bedrock_env());
  ASSERT_TRUE(Loads(result));
  const auto* provider = result.config->find_provider("bedrock-mantle-openai");
  ASSERT_NE(provider, nullptr);
  ASSERT_TRUE(provider->aws_bedrock);
  EXPECT_EQ(provider->aws_bedrock->auth_mode, AwsAuthMode::kBearer);
  EXPECT_EQ(provider->aws_bedrock->bearer_token->reveal(), "bedrock-api-key-for-tests");
  EXPECT_EQ(provider->aws_bedrock->endpoint_url, "https://bedrock-mantle.us-east-2.api.aws");
  EXPECT_EQ(provider->display.label, "Bedrock Mantle OpenAI");
  EXPECT_EQ(provider->display.icon_key, IconKey::kAws);
  const auto* model = result.config->find_model("gpt-55-bedrock");
  ASSERT_NE(model, nullptr);
  ASSERT_EQ(model->routes.size(), 1u);
  const auto& route = model->routes[0];
  EXPECT_EQ(route.compatibility.aws_bedrock->api_style, BedrockApiStyle::kMantleOpenAIResponses);
  EXPECT_EQ(route.compatibility.aws_bedrock->openai_base_path, "/openai/v1");
  EXPECT_FALSE(route.capabilities.chat_completions);
  EXPECT_TRUE(route.capabilities.json_schema);
  EXPECT_TRUE(result.warnings.empty()) << all_diagnostics(result);
}

TEST(ConfigSeedBlocks, BearerBlockFailsNamingTheUnsetVariable) {
  const auto result = load(seed_fixture("bedrock-mantle-bearer.yaml"), {});
  EXPECT_TRUE(HasError(result, "providers[0].auth.token",
                       "required environment variable `AWS_BEARER_TOKEN_BEDROCK` is not set"));
}

TEST(ConfigSeedBlocks, DefaultChainBlockLoads) {
  const auto result = load(seed_fixture("bedrock-mantle-default-chain.yaml"), bedrock_env());
  ASSERT_TRUE(Loads(result));
  const auto& bedrock = *result.config->find_provider("bedrock-mantle-openai")->aws_bedrock;
  EXPECT_EQ(bedrock.auth_mode, AwsAuthMode::kDefaultChain);
  EXPECT_EQ(bedrock.signing_service(), "bedrock-mantle");
}

TEST(ConfigSeedBlocks, ProjectsBlockLoadsAfterTheBearerProviders) {
  const std::string text = bearer_providers_section() + seed_fixture("bedrock-mantle-projects.yaml");
  const auto result = load(text, bedrock_env());
  ASSERT_TRUE(Loads(result));
  const auto& route = result.config->find_model("gpt-55-bedrock")->routes.at(0);
  ASSERT_EQ(route.extra_headers.size(), 1u);
  EXPECT_EQ(route.extra_headers[0].first, "OpenAI-Project");
  EXPECT_EQ(route.extra_headers[0].second, "proj_123");
}

TEST(ConfigSeedBlocks, ProjectsBlockAloneNamesItsMissingProvider) {
  const auto result = load(seed_fixture("bedrock-mantle-projects.yaml"), bedrock_env());
  EXPECT_TRUE(HasError(result, "models[0].routes[0].provider",
                       "references unknown provider `bedrock-mantle-openai`"));
}

EnvMap reference_env() {
  return {{"POSTGRES_URL", "postgres://gateway@db/gateway"},
          {"GATEWAY_BOOTSTRAP_ADMIN_PASSWORD", "bootstrap-password"},
          {"GATEWAY_PUBLIC_BASE_URL", "https://sluice.example.com"},
          {"OIDC_CLIENT_ID", "sluice"},
          {"OIDC_CLIENT_SECRET", "oidc-secret"},
          {"GITHUB_OAUTH_CLIENT_ID", "github-client"},
          {"GITHUB_OAUTH_CLIENT_SECRET", "github-secret"},
          {"SMTP_USER", "mailer"},
          {"SMTP_PASSWORD", "smtp-secret"},
          {"OPENAI_API_KEY", "sk-test"},
          {"OPENROUTER_API_KEY", "or-test"},
          {"GCP_PROJECT_ID", "my-project"},
          {"GCP_SERVICE_ACCOUNT_JSON", "/etc/gcp/sa.json"},
          {"AWS_BEARER_TOKEN_BEDROCK", "bedrock-key"}};
}

TEST(ConfigReferenceExample, CompleteExampleLoads) {
  const auto result = load_config_file(source_path("tests/fixtures/config/reference-complete.yaml"),
                                       env_from(reference_env()));
  ASSERT_TRUE(Loads(result));
  EXPECT_TRUE(result.warnings.empty()) << all_diagnostics(result);
  const GatewayConfig& config = *result.config;
  EXPECT_EQ(config.providers.size(), 6u);
  EXPECT_EQ(config.models.size(), 7u);
  EXPECT_EQ(config.database.kind, DatabaseKind::kPostgres);
  EXPECT_EQ(config.server.otel_trace_sample_ratio, 0.25);
  EXPECT_EQ(config.request_logging.purge.retention, std::chrono::days(3));
  EXPECT_EQ(config.budget_alerts.email.transport.username, "mailer");
  EXPECT_TRUE(config.find_provider("openrouter")->openai_compat->is_openrouter);
  EXPECT_FALSE(config.find_provider("openai-prod")->openai_compat->is_openrouter);
  EXPECT_EQ(config.find_provider("gemma-cloud-run")->gcp_cloud_run->audience,
            "https://gemma-abc-uc.a.run.app/");
  EXPECT_EQ(config.find_provider("vertex")->gcp_vertex->credentials_path, "/etc/gcp/sa.json");
  EXPECT_EQ(config.find_model("fast")->canonical_id, "gpt-4o-mini");
  EXPECT_EQ(config.users.at(1).oidc_provider_key, "corp-sso");
}

TEST(ConfigReferenceExample, EveryEnvironmentVariableIsRequired) {
  const EnvMap full = reference_env();
  for (const auto& [name, value] : full) {
    EnvMap missing_one = full;
    missing_one.erase(name);
    const auto result = load(read_text(source_path("tests/fixtures/config/reference-complete.yaml")),
                             missing_one);
    EXPECT_FALSE(result.ok()) << name << " was not needed";
  }
}

TEST(ConfigShippedExample, BedrockMantleExampleLoads) {
  EnvMap env = bedrock_env();
  env["SLUICE_CALLER_KEY"] = "gwk_demo0001.0123456789abcdef0123";
  const auto result = load_config_file(source_path("examples/bedrock-mantle.yaml"), env_from(env));
  ASSERT_TRUE(Loads(result));
  EXPECT_TRUE(result.warnings.empty()) << all_diagnostics(result);
  EXPECT_EQ(result.config->server.bind_host, "127.0.0.1");
  EXPECT_EQ(result.config->server.bind_port, 8080);
  ASSERT_EQ(result.config->service_accounts.size(), 1u);
  EXPECT_EQ(result.config->service_accounts[0].keys.at(0).value->reveal(),
            "gwk_demo0001.0123456789abcdef0123");
}

}  // namespace
}  // namespace sluice::config::testing
