// `providers[]` (§10): the five provider types and the keys they share.
#include "ConfigTestSupport.h"

namespace sluice::config::testing {
namespace {

std::string provider(std::string_view body) { return fmt::format("providers:\n  - {}\n", body); }

TEST(ConfigProviders, TypeIsRequired) {
  EXPECT_TRUE(HasError(load("providers:\n  - id: x\n"), "providers[0].type", "required key `type`"));
}

TEST(ConfigProviders, UnknownTypeListsTheTypes) {
  EXPECT_TRUE(HasError(load("providers:\n  - { id: x, type: azure }\n"), "providers[0].type",
                       "unknown value \"azure\"; expected one of openai_compat, "
                       "gcp_cloud_run_openai_compat, gcp_vertex, aws_bedrock, github_copilot"));
}

TEST(ConfigProviders, IdCannotBeEmpty) {
  EXPECT_TRUE(HasError(load(provider("{ id: \"\", type: aws_bedrock, region: us-east-1, endpoint_kind: bedrock_runtime }")),
                       "providers[0].id", "aws_bedrock provider id cannot be empty"));
}

TEST(ConfigProviders, DuplicateIdsAreRejected) {
  const auto result = load(R"(
providers:
  - { id: b, type: aws_bedrock, region: us-east-1, endpoint_kind: bedrock_runtime }
  - { id: b, type: aws_bedrock, region: us-east-2, endpoint_kind: bedrock_runtime }
)");
  EXPECT_TRUE(HasError(result, "providers[1].id", "duplicate provider id `b`"));
}

TEST(ConfigProviders, DefaultHeadersKeepFileOrder) {
  const auto result = load(R"(
providers:
  - id: b
    type: aws_bedrock
    region: us-east-1
    endpoint_kind: bedrock_runtime
    default_headers:
      X-Zeta: "1"
      X-Alpha: "2"
)");
  ASSERT_TRUE(Loads(result));
  const auto& headers = result.config->providers[0].default_headers;
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers[0].first, "X-Zeta");
  EXPECT_EQ(headers[1].first, "X-Alpha");
}

TEST(ConfigProviders, HeaderNameMustBeAToken) {
  EXPECT_TRUE(HasError(load(provider("{ id: b, type: aws_bedrock, region: r, endpoint_kind: bedrock_runtime, default_headers: { \"Bad Header\": x } }")),
                       "providers[0].default_headers.Bad Header", "not a valid HTTP header name"));
}

TEST(ConfigProviders, TimeoutTotalIsRead) {
  const auto result = load(provider("{ id: b, type: aws_bedrock, region: r, endpoint_kind: bedrock_runtime, timeouts: { total_ms: 90000 } }"));
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->providers[0].total_timeout, std::chrono::milliseconds(90000));
}

TEST(ConfigProviders, DisplayLabelCannotBeEmpty) {
  EXPECT_TRUE(HasError(load(provider("{ id: b, type: aws_bedrock, region: r, endpoint_kind: bedrock_runtime, display: { label: \"\" } }")),
                       "providers[0].display.label", "provider `b` display.label cannot be empty"));
}

TEST(ConfigProviders, DisplayIconKeyMustBeSupported) {
  EXPECT_TRUE(HasError(load(provider("{ id: b, type: aws_bedrock, region: r, endpoint_kind: bedrock_runtime, display: { icon_key: azure } }")),
                       "providers[0].display.icon_key", "display.icon_key `azure` is not supported"));
}

// ---- openai_compat

TEST(ConfigOpenAICompat, BaseUrlIsRequired) {
  EXPECT_TRUE(HasError(load(provider("{ id: o, type: openai_compat, pricing_provider_id: openai }")),
                       "providers[0].base_url", "openai_compat provider `o` base_url cannot be empty"));
}

TEST(ConfigOpenAICompat, BaseUrlMustParse) {
  EXPECT_TRUE(HasError(load(provider("{ id: o, type: openai_compat, base_url: \"api.openai.com/v1\", pricing_provider_id: openai }")),
                       "providers[0].base_url", "is not a valid URL"));
}

TEST(ConfigOpenAICompat, PricingProviderIdIsRequired) {
  EXPECT_TRUE(HasError(load(provider("{ id: o, type: openai_compat, base_url: \"https://x.example/v1\" }")),
                       "providers[0].pricing_provider_id", "pricing_provider_id cannot be empty"));
}

TEST(ConfigOpenAICompat, PricingProviderIdMustBeSupported) {
  EXPECT_TRUE(HasError(load(provider("{ id: o, type: openai_compat, base_url: \"https://x.example/v1\", pricing_provider_id: azure }")),
                       "providers[0].pricing_provider_id", "pricing_provider_id `azure` is not supported"));
}

TEST(ConfigOpenAICompat, OpenRouterIsDetectedFromHost) {
  const auto result = load(provider("{ id: o, type: openai_compat, base_url: \"https://OpenRouter.ai/api/v1\", pricing_provider_id: openrouter }"));
  ASSERT_TRUE(Loads(result));
  EXPECT_TRUE(result.config->providers[0].openai_compat->is_openrouter);
}

TEST(ConfigOpenAICompat, LookalikeHostIsNotOpenRouter) {
  const auto result = load(provider("{ id: o, type: openai_compat, base_url: \"https://notopenrouter.ai/v1\", pricing_provider_id: openrouter }"));
  ASSERT_TRUE(Loads(result));
  EXPECT_FALSE(result.config->providers[0].openai_compat->is_openrouter);
}

TEST(ConfigOpenAICompat, AuthKindMustBeBearer) {
  EXPECT_TRUE(HasError(load(provider("{ id: o, type: openai_compat, base_url: \"https://x.example/v1\", pricing_provider_id: openai, auth: { kind: basic, token: literal.x } }")),
                       "providers[0].auth.kind", "auth.kind `basic` is not supported"));
}

TEST(ConfigOpenAICompat, BearerNeedsToken) {
  EXPECT_TRUE(HasError(load(provider("{ id: o, type: openai_compat, base_url: \"https://x.example/v1\", pricing_provider_id: openai, auth: { kind: bearer } }")),
                       "providers[0].auth.token", "auth.token is required"));
}

TEST(ConfigOpenAICompat, NoAuthMeansNoToken) {
  const auto result = load(provider("{ id: o, type: openai_compat, base_url: \"http://localhost:11434/v1\", pricing_provider_id: openai }"));
  ASSERT_TRUE(Loads(result));
  EXPECT_FALSE(result.config->providers[0].openai_compat->bearer_token);
}

TEST(ConfigOpenAICompat, OpenRouterBatchNeedsBaseUrl) {
  EXPECT_TRUE(HasError(load(provider("{ id: o, type: openai_compat, base_url: \"https://openrouter.ai/api/v1\", pricing_provider_id: openrouter, batch: { dialect: open_router } }")),
                       "providers[0].batch.base_url", "required when batch.dialect is open_router"));
}

TEST(ConfigOpenAICompat, BatchDialectIsAnEnum) {
  EXPECT_TRUE(HasError(load(provider("{ id: o, type: openai_compat, base_url: \"https://x.example/v1\", pricing_provider_id: openai, batch: { dialect: anthropic } }")),
                       "providers[0].batch.dialect", "expected one of open_ai, open_router"));
}

// ---- gcp_cloud_run_openai_compat

constexpr std::string_view kCloudRun =
    "{ id: run, type: gcp_cloud_run_openai_compat, base_url: \"https://gemma-abc.a.run.app/v1\", "
    "pricing_provider_id: google-vertex, ";

TEST(ConfigCloudRun, AudienceDefaultsToTheHttpsOrigin) {
  const auto result = load(provider(std::string(kCloudRun) + "auth: { mode: adc } }"));
  ASSERT_TRUE(Loads(result));
  const auto& run = *result.config->providers[0].gcp_cloud_run;
  EXPECT_EQ(run.audience, "https://gemma-abc.a.run.app/");
  EXPECT_FALSE(run.x_serverless_authorization);
}

TEST(ConfigCloudRun, BaseUrlMustBeHttps) {
  EXPECT_TRUE(HasError(load(provider("{ id: run, type: gcp_cloud_run_openai_compat, base_url: \"http://x.a.run.app\", pricing_provider_id: google-vertex, auth: { mode: adc } }")),
                       "providers[0].base_url", "scheme `http` is not supported"));
}

TEST(ConfigCloudRun, AuthModeIsRequired) {
  EXPECT_TRUE(HasError(load(provider(std::string(kCloudRun) + "auth_header: authorization }")),
                       "providers[0].auth", "auth.mode is required"));
}

TEST(ConfigCloudRun, ServiceAccountNeedsCredentialsPath) {
  EXPECT_TRUE(HasError(load(provider(std::string(kCloudRun) + "auth: { mode: service_account } }")),
                       "providers[0].auth.credentials_path", "requires a non-empty credentials_path"));
}

TEST(ConfigCloudRun, CredentialsPathTakesAPlainPath) {
  const auto result = load(provider(std::string(kCloudRun) +
                                    "auth: { mode: service_account, credentials_path: /etc/sa.json } }"));
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->providers[0].gcp_cloud_run->credentials_path, "/etc/sa.json");
}

TEST(ConfigCloudRun, BearerNeedsToken) {
  EXPECT_TRUE(HasError(load(provider(std::string(kCloudRun) + "auth: { mode: bearer } }")),
                       "providers[0].auth.token", "auth.token is required"));
}

TEST(ConfigCloudRun, AuthHeaderIsAnEnum) {
  EXPECT_TRUE(HasError(load(provider(std::string(kCloudRun) + "auth: { mode: adc }, auth_header: proxy }")),
                       "providers[0].auth_header", "expected one of authorization, x_serverless_authorization"));
}

TEST(ConfigCloudRun, AudienceCannotBeEmpty) {
  EXPECT_TRUE(HasError(load(provider(std::string(kCloudRun) + "auth: { mode: adc }, audience: \"\" }")),
                       "providers[0].audience", "audience cannot be empty"));
}

// ---- gcp_vertex

TEST(ConfigVertex, ProjectIdIsRequired) {
  EXPECT_TRUE(HasError(load(provider("{ id: v, type: gcp_vertex, auth: { mode: adc } }")),
                       "providers[0].project_id", "project_id cannot be empty"));
}

TEST(ConfigVertex, DefaultsLocationAndHost) {
  const auto result = load(provider("{ id: v, type: gcp_vertex, project_id: p, auth: { mode: adc } }"));
  ASSERT_TRUE(Loads(result));
  const auto& vertex = *result.config->providers[0].gcp_vertex;
  EXPECT_EQ(vertex.location, "global");
  EXPECT_EQ(vertex.api_host, "aiplatform.googleapis.com");
}

TEST(ConfigVertex, LocationCannotBeEmpty) {
  EXPECT_TRUE(HasError(load(provider("{ id: v, type: gcp_vertex, project_id: p, location: \"\", auth: { mode: adc } }")),
                       "providers[0].location", "location cannot be empty"));
}

TEST(ConfigVertex, AuthModeIsRequired) {
  EXPECT_TRUE(HasError(load(provider("{ id: v, type: gcp_vertex, project_id: p }")), "providers[0].auth",
                       "auth.mode is required"));
}

TEST(ConfigVertex, BatchDatasetCannotBeEmpty) {
  EXPECT_TRUE(HasError(load(provider("{ id: v, type: gcp_vertex, project_id: p, auth: { mode: adc }, batch: { dataset: \"\" } }")),
                       "providers[0].batch.dataset", "batch.dataset cannot be empty"));
}

// ---- aws_bedrock

TEST(ConfigBedrock, RegionIsRequired) {
  EXPECT_TRUE(HasError(load(provider("{ id: b, type: aws_bedrock, endpoint_kind: bedrock_runtime }")),
                       "providers[0].region", "required key `region`"));
}

TEST(ConfigBedrock, EndpointKindIsRequired) {
  EXPECT_TRUE(HasError(load(provider("{ id: b, type: aws_bedrock, region: us-east-1 }")),
                       "providers[0].endpoint_kind", "endpoint_kind is required"));
}

TEST(ConfigBedrock, RuntimeEndpointDefaultsFromRegion) {
  const auto result = load(provider("{ id: b, type: aws_bedrock, region: eu-west-1, endpoint_kind: bedrock_runtime }"));
  ASSERT_TRUE(Loads(result));
  const auto& bedrock = *result.config->providers[0].aws_bedrock;
  EXPECT_EQ(bedrock.endpoint_url, "https://bedrock-runtime.eu-west-1.amazonaws.com");
  EXPECT_EQ(bedrock.signing_service(), "bedrock");
  EXPECT_EQ(bedrock.auth_mode, AwsAuthMode::kDefaultChain);
}

TEST(ConfigBedrock, MantleEndpointDefaultsFromRegion) {
  const auto result = load(provider("{ id: b, type: aws_bedrock, region: us-east-2, endpoint_kind: bedrock_mantle }"));
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->providers[0].aws_bedrock->endpoint_url, "https://bedrock-mantle.us-east-2.api.aws");
}

TEST(ConfigBedrock, ExplicitEndpointTrailingSlashIsTrimmed) {
  const auto result = load(provider("{ id: b, type: aws_bedrock, region: us-east-1, endpoint_kind: bedrock_runtime, endpoint_url: \"http://localhost:4566/\" }"));
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->providers[0].aws_bedrock->endpoint_url, "http://localhost:4566");
}

TEST(ConfigBedrock, EndpointUrlMustHaveHttpScheme) {
  EXPECT_TRUE(HasError(load(provider("{ id: b, type: aws_bedrock, region: r, endpoint_kind: bedrock_runtime, endpoint_url: \"ftp://x\" }")),
                       "providers[0].endpoint_url", "scheme `ftp` is not supported"));
}

TEST(ConfigBedrock, BearerNeedsToken) {
  EXPECT_TRUE(HasError(load(provider("{ id: b, type: aws_bedrock, region: r, endpoint_kind: bedrock_mantle, auth: { mode: bearer } }")),
                       "providers[0].auth.token", "auth.token is required"));
}

TEST(ConfigBedrock, StaticCredentialsAreResolved) {
  const auto result = load(provider("{ id: b, type: aws_bedrock, region: r, endpoint_kind: bedrock_runtime, auth: { mode: static_credentials, access_key_id: env.AK, secret_access_key: env.SK } }"),
                           {{"AK", "AKIA"}, {"SK", "secret"}});
  ASSERT_TRUE(Loads(result));
  const auto& bedrock = *result.config->providers[0].aws_bedrock;
  EXPECT_EQ(bedrock.access_key_id->reveal(), "AKIA");
  EXPECT_EQ(bedrock.secret_access_key->reveal(), "secret");
  EXPECT_FALSE(bedrock.session_token);
}

TEST(ConfigBedrock, StaticCredentialsNeedBothKeys) {
  EXPECT_TRUE(HasError(load(provider("{ id: b, type: aws_bedrock, region: r, endpoint_kind: bedrock_runtime, auth: { mode: static_credentials, access_key_id: literal.AKIA } }")),
                       "providers[0].auth.secret_access_key", "is required"));
}

TEST(ConfigBedrock, SessionTokenCannotBeEmptyIfSet) {
  EXPECT_TRUE(HasError(load(provider("{ id: b, type: aws_bedrock, region: r, endpoint_kind: bedrock_runtime, auth: { mode: static_credentials, access_key_id: literal.a, secret_access_key: literal.b, session_token: \"literal.\" } }")),
                       "providers[0].auth.session_token", "cannot be empty"));
}

TEST(ConfigBedrock, AuthModeIsAnEnum) {
  EXPECT_TRUE(HasError(load(provider("{ id: b, type: aws_bedrock, region: r, endpoint_kind: bedrock_runtime, auth: { mode: sso } }")),
                       "providers[0].auth.mode", "expected one of default_chain, bearer, static_credentials"));
}

// ---- github_copilot

TEST(ConfigCopilot, BearerProviderLoadsWithDefaults) {
  const auto result = load(provider("{ id: c, type: github_copilot, auth: { mode: bearer, token: literal.ghu_x } }"));
  ASSERT_TRUE(Loads(result));
  const auto& copilot = *result.config->providers[0].github_copilot;
  EXPECT_EQ(copilot.base_url, "https://api.githubcopilot.com");
  EXPECT_FALSE(copilot.editor_version.empty());
  EXPECT_FALSE(copilot.integration_id.empty());
}

TEST(ConfigCopilot, GithubAppNeedsPositiveIds) {
  EXPECT_TRUE(HasError(load(provider("{ id: c, type: github_copilot, auth: { mode: github_app, app_id: 0, private_key: /k.pem, installation_id: 1, repository_id: 1 } }")),
                       "providers[0].auth.app_id", "must be > 0"));
}

TEST(ConfigCopilot, GithubAppPrivateKeyTakesAPath) {
  const auto result = load(provider("{ id: c, type: github_copilot, auth: { mode: github_app, app_id: 1, private_key: /etc/app.pem, installation_id: 2, repository_id: 3 } }"));
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->providers[0].github_copilot->private_key->reveal(), "/etc/app.pem");
}

TEST(ConfigCopilot, AuthModeIsRequired) {
  EXPECT_TRUE(HasError(load(provider("{ id: c, type: github_copilot }")), "providers[0].auth",
                       "auth.mode is required"));
}

TEST(ConfigCopilot, PricingProviderIdMustBeSupportedIfSet) {
  EXPECT_TRUE(HasError(load(provider("{ id: c, type: github_copilot, pricing_provider_id: github, auth: { mode: bearer, token: literal.x } }")),
                       "providers[0].pricing_provider_id", "`github` is not supported"));
}

}  // namespace
}  // namespace sluice::config::testing
