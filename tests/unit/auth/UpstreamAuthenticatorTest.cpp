#include "auth/UpstreamAuthenticator.h"

#include "auth/AwsCredentialCache.h"
#include "auth/AwsCredentialSource.h"

#include "../providers/SeedRoute.h"
#include "providers/ProviderRequest.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace sluice::auth {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
using testing::bedrock_route;
using testing::kSeedBearerToken;
using testing::openai_provider;
using testing::openai_route;
using testing::seed_bedrock_provider;
using testing::seed_gpt55_route;

// Runs authorize() to completion on a private io_context.
std::optional<GatewayError> authorize(UpstreamAuthenticator& authenticator,
                                      upstream::UpstreamRequest& request) {
  boost::asio::io_context io;
  std::optional<GatewayError> result;
  boost::asio::co_spawn(io, authenticator.authorize(request),
                        [&](std::exception_ptr failure, std::optional<GatewayError> value) {
                          if (failure) std::rethrow_exception(failure);
                          result = std::move(value);
                        });
  io.run();
  return result;
}

upstream::UpstreamRequest request_with(Headers headers) {
  upstream::UpstreamRequest request;
  request.url = "https://upstream.example/v1/responses";
  request.headers = std::move(headers);
  return request;
}

config::ProviderConfig bedrock_with(config::AwsAuthMode mode) {
  config::ProviderConfig provider = seed_bedrock_provider();
  provider.aws_bedrock->auth_mode = mode;
  provider.aws_bedrock->bearer_token.reset();
  if (mode == config::AwsAuthMode::kStaticCredentials) {
    provider.aws_bedrock->access_key_id = config::Secret("AKIDEXAMPLESECRETVALUE");
    provider.aws_bedrock->secret_access_key = config::Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCY");
  }
  return provider;
}

TEST(Auth, BearerTokenIsTheLastHeader) {
  BearerAuthenticator bearer(config::Secret("tok"));
  auto request = request_with({{"content-type", "application/json"}, {"x-request-id", "r"}});
  EXPECT_FALSE(authorize(bearer, request));
  const Headers expected{
      {"content-type", "application/json"}, {"x-request-id", "r"}, {"Authorization", "Bearer tok"}};
  EXPECT_EQ(request.headers, expected);
}

TEST(Auth, BearerOverridesAnyEarlierAuthorizationOrApiKey) {
  BearerAuthenticator bearer(config::Secret("tok"));
  auto request = request_with({{"authorization", "Bearer admin-set"},
                               {"content-type", "application/json"},
                               {"X-Api-Key", "admin-key"}});
  EXPECT_FALSE(authorize(bearer, request));
  const Headers expected{{"content-type", "application/json"}, {"Authorization", "Bearer tok"}};
  EXPECT_EQ(request.headers, expected);
}

TEST(Auth, XApiKeyVariantSendsTheBareToken) {
  BearerAuthenticator api_key(config::Secret("tok"), "x-api-key",
                              BearerAuthenticator::TokenForm::kBare);
  auto request = request_with({{"Authorization", "Bearer admin-set"}});
  EXPECT_FALSE(authorize(api_key, request));
  const Headers expected{{"x-api-key", "tok"}};
  EXPECT_EQ(request.headers, expected);
}

TEST(Auth, OpenAICompatWithTokenUsesBearer) {
  config::ProviderConfig provider = openai_provider();
  provider.openai_compat->bearer_token = config::Secret("sk-test");
  auto authenticator = authenticator_for(provider, openai_route());
  auto request = request_with({});
  EXPECT_FALSE(authorize(*authenticator, request));
  ASSERT_NE(request.find_header("authorization"), nullptr);
  EXPECT_EQ(*request.find_header("authorization"), "Bearer sk-test");
}

TEST(Auth, OpenAICompatWithoutAuthSendsTheRequestAsBuilt) {
  auto authenticator = authenticator_for(openai_provider(), openai_route());
  ASSERT_NE(dynamic_cast<NoAuthenticator*>(authenticator.get()), nullptr);
  auto request = request_with({{"content-type", "application/json"}});
  EXPECT_FALSE(authorize(*authenticator, request));
  EXPECT_EQ(request.headers, (Headers{{"content-type", "application/json"}}));
}

TEST(Auth, BedrockBearerUsesAuthorizationForOpenAIShapedStyles) {
  auto authenticator = authenticator_for(seed_bedrock_provider(), seed_gpt55_route());
  auto request = request_with({});
  EXPECT_FALSE(authorize(*authenticator, request));
  EXPECT_EQ(request.headers,
            (Headers{{"Authorization", std::string("Bearer ") + kSeedBearerToken}}));
}

TEST(Auth, BedrockBearerUsesXApiKeyForMantleAnthropicMessages) {
  auto authenticator = authenticator_for(
      seed_bedrock_provider(), bedrock_route(config::BedrockApiStyle::kMantleAnthropicMessages));
  auto request = request_with({{"Authorization", "Bearer stale"}});
  EXPECT_FALSE(authorize(*authenticator, request));
  EXPECT_EQ(request.headers, (Headers{{"x-api-key", kSeedBearerToken}}));
}

// A credential source that always yields the same session credentials.
class FixedCredentialSource final : public AwsCredentialSource {
 public:
  std::string_view name() const override { return "fixed"; }
  boost::asio::awaitable<Expected<AwsCredentials>> load() override {
    co_return AwsCredentials{config::Secret("AKIDFROMTHECHAIN"), config::Secret("chain-secret-value"),
                             config::Secret("chain-session-token"), std::nullopt, "fixed"};
  }
};

const std::string* header(const upstream::UpstreamRequest& request, std::string_view name) {
  return request.find_header(name);
}

TEST(Auth, BedrockDefaultChainSignsWithCredentialsFromTheProvidersCache) {
  auto chain = AwsCredentialCache::create(
      [](upstream::UpstreamClient&) { return std::make_unique<FixedCredentialSource>(); });
  auto authenticator =
      authenticator_for(bedrock_with(config::AwsAuthMode::kDefaultChain), seed_gpt55_route(), chain);
  auto request = request_with({{"Authorization", "Bearer stale"}});
  EXPECT_FALSE(authorize(*authenticator, request));
  const auto* authorization = header(request, "Authorization");
  ASSERT_NE(authorization, nullptr);
  EXPECT_TRUE(authorization->starts_with("AWS4-HMAC-SHA256 Credential=AKIDFROMTHECHAIN/"));
  EXPECT_NE(authorization->find("/us-east-2/bedrock-mantle/aws4_request"), std::string::npos);
  ASSERT_NE(header(request, "x-amz-security-token"), nullptr);
  EXPECT_EQ(*header(request, "x-amz-security-token"), "chain-session-token");
  EXPECT_NE(header(request, "x-amz-date"), nullptr);
}

TEST(Auth, BedrockDefaultChainWithoutACacheIsRefused) {
  auto authenticator =
      authenticator_for(bedrock_with(config::AwsAuthMode::kDefaultChain), seed_gpt55_route());
  auto request = request_with({});
  const auto refusal = authorize(*authenticator, request);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 500);
  EXPECT_TRUE(request.headers.empty());
}

TEST(Auth, BedrockStaticCredentialsSignAsTheProvidersService) {
  const config::ProviderConfig provider = bedrock_with(config::AwsAuthMode::kStaticCredentials);
  auto authenticator = authenticator_for(provider, seed_gpt55_route());
  auto request = request_with({{"x-api-key", "caller-must-not-survive"}});
  EXPECT_FALSE(authorize(*authenticator, request));
  const auto* authorization = header(request, "Authorization");
  ASSERT_NE(authorization, nullptr);
  EXPECT_TRUE(authorization->starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLESECRETVALUE/"));
  EXPECT_NE(authorization->find("/bedrock-mantle/aws4_request"), std::string::npos);
  EXPECT_EQ(header(request, "x-api-key"), nullptr);
  EXPECT_EQ(header(request, "x-amz-security-token"), nullptr);
  EXPECT_EQ(authorization->find(provider.aws_bedrock->secret_access_key->reveal()), std::string::npos);
}

TEST(Auth, UnimplementedProviderTypeIs501) {
  config::ProviderConfig vertex;
  vertex.id = "vertex";
  vertex.type = config::ProviderType::kGcpVertex;
  auto authenticator = authenticator_for(vertex, openai_route("vertex", "google/gemini-2.5-pro"));
  auto request = request_with({});
  const auto refusal = authorize(*authenticator, request);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 501);
}

TEST(Auth, SeedRequestCarriesTheProjectHeaderAndBearerLast) {
  const config::ProviderConfig provider = seed_bedrock_provider();
  const config::RouteConfig route = seed_gpt55_route();
  auto request = providers::build_upstream_request(
      provider, route, ApiFamily::kResponses,
      boost::json::parse(R"({"model":"gpt-55-bedrock","input":"hi"})").as_object(), "req-7");
  ASSERT_TRUE(request.ok());
  auto authenticator = authenticator_for(provider, route);
  EXPECT_FALSE(authorize(*authenticator, *request));
  const Headers expected{{"content-type", "application/json"},
                         {"accept", "application/json"},
                         {"OpenAI-Project", "proj_123"},
                         {"x-request-id", "req-7"},
                         {"Authorization", std::string("Bearer ") + kSeedBearerToken}};
  EXPECT_EQ(request->headers, expected);
}

}  // namespace
}  // namespace sluice::auth
