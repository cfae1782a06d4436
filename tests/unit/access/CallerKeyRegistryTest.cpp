#include "access/ApiKeyMint.h"
#include "access/CallerCredential.h"
#include "access/CallerKeyRegistry.h"
#include "config/ApiKeyFormat.h"

#include <boost/beast/http/fields.hpp>
#include <gtest/gtest.h>

namespace sluice::access {
namespace {

constexpr const char* kKey = "gwk_unittest01.s3cr3t-unit-key-0123456789";

config::GatewayConfig config_with_key(std::vector<std::string> allowed_models = {}) {
  config::GatewayConfig gateway;
  config::ServiceAccountConfig account;
  account.id = "ci";
  account.team = "platform";
  config::ServiceAccountKeyConfig key;
  key.id = "primary";
  key.value = config::Secret(kKey);
  key.allowed_models = std::move(allowed_models);
  account.keys.push_back(key);
  config::ServiceAccountKeyConfig unstored;  // auto_create without a value: needs the store
  unstored.id = "managed";
  account.keys.push_back(unstored);
  gateway.service_accounts.push_back(account);
  return gateway;
}

config::ModelConfig model_named(std::string id) {
  config::ModelConfig model;
  model.id = std::move(id);
  return model;
}

TEST(CallerKeyRegistry, AuthenticatesAConfiguredKeyAndNamesItsOwner) {
  const auto registry = CallerKeyRegistry::from_config(config_with_key());
  ASSERT_EQ(registry.size(), 1u);
  const auto key = registry.authenticate(kKey);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ((*key)->name, "ci/primary");
  EXPECT_EQ((*key)->principal.id, "ci");
  EXPECT_EQ((*key)->principal.team, "platform");
}

TEST(CallerKeyRegistry, KeepsOnlyAHashOfTheSecret) {
  const auto registry = CallerKeyRegistry::from_config(config_with_key());
  const auto key = registry.authenticate(kKey);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ((*key)->secret_hash, sha256("s3cr3t-unit-key-0123456789"));
}

TEST(CallerKeyRegistry, RejectsMalformedUnknownAndMismatchedKeysWithTheirCodes) {
  const auto registry = CallerKeyRegistry::from_config(config_with_key());
  EXPECT_EQ(registry.authenticate("sk-not-a-gateway-key").error().code, "invalid_api_key_format");
  EXPECT_EQ(registry.authenticate("gwk_unittest02.s3cr3t-unit-key-0123456789").error().code,
            "api_key_not_found");
  const auto mismatch = registry.authenticate("gwk_unittest01.s3cr3t-unit-key-0123456780");
  EXPECT_EQ(mismatch.error().code, "api_key_secret_mismatch");
  EXPECT_EQ(mismatch.error().status, 401);
  EXPECT_EQ(mismatch.error().message.find("s3cr3t"), std::string::npos);
}

TEST(CallerKey, EmptyGrantListAllowsEveryModel) {
  const auto registry = CallerKeyRegistry::from_config(config_with_key());
  const auto* key = *registry.authenticate(kKey);
  EXPECT_TRUE(key->may_use(model_named("anything")));
}

TEST(CallerKey, GrantListLimitsModels) {
  const auto registry = CallerKeyRegistry::from_config(config_with_key({"granted"}));
  const auto* key = *registry.authenticate(kKey);
  EXPECT_TRUE(key->may_use(model_named("granted")));
  EXPECT_FALSE(key->may_use(model_named("other")));
}

TEST(CallerKey, ServiceAccountKeysAreDeniedOnAllowlistedModels) {
  const auto registry = CallerKeyRegistry::from_config(config_with_key());
  const auto* key = *registry.authenticate(kKey);
  auto model = model_named("restricted");
  model.allowlist = config::ModelAllowlist{{"analyst@example.com"}, {"platform"}};
  EXPECT_FALSE(key->may_use(model));
}

TEST(ApiKeyMint, MintsKeysThatParseAndDiffer) {
  const auto first = mint_api_key();
  const auto second = mint_api_key();
  EXPECT_NE(first, second);
  const auto parsed = config::parse_api_key(first);
  ASSERT_TRUE(parsed.has_value()) << first;
  EXPECT_EQ(parsed->public_id.size(), 12u);
  EXPECT_EQ(parsed->secret.size(), 43u);
}

boost::beast::http::fields headers(std::initializer_list<std::pair<const char*, const char*>> list) {
  boost::beast::http::fields fields;
  for (const auto& [name, value] : list) fields.insert(name, value);
  return fields;
}

TEST(CallerCredential, ReadsABearerToken) {
  const auto key = presented_api_key(headers({{"Authorization", "Bearer gwk_a.b"}}),
                                     CredentialHeaders::kBearerOnly);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, "gwk_a.b");
}

TEST(CallerCredential, NamesWhatIsMissingOrMalformed) {
  EXPECT_EQ(presented_api_key(headers({}), CredentialHeaders::kBearerOnly).error().code,
            "missing_authorization_header");
  EXPECT_EQ(presented_api_key(headers({{"Authorization", "Basic abc"}}), CredentialHeaders::kBearerOnly)
                .error()
                .code,
            "invalid_authorization_header");
  EXPECT_EQ(presented_api_key(headers({{"Authorization", "Bearer   "}}), CredentialHeaders::kBearerOnly)
                .error()
                .code,
            "missing_bearer_token");
}

TEST(CallerCredential, XApiKeyCountsOnlyOnAnthropicPaths) {
  const auto fields = headers({{"x-api-key", "gwk_a.b"}});
  EXPECT_FALSE(presented_api_key(fields, CredentialHeaders::kBearerOnly).ok());
  const auto key = presented_api_key(fields, CredentialHeaders::kBearerOrXApiKey);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, "gwk_a.b");
}

TEST(CallerCredential, AuthorizationWinsOverXApiKey) {
  const auto key = presented_api_key(
      headers({{"Authorization", "Bearer gwk_from.auth"}, {"x-api-key", "gwk_from.xapikey"}}),
      CredentialHeaders::kBearerOrXApiKey);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, "gwk_from.auth");
}

}  // namespace
}  // namespace sluice::access
