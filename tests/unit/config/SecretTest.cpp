// Secrets never print, and config errors about them never repeat what was written.
#include "ConfigTestSupport.h"

#include "config/Secret.h"

#include <sstream>

namespace sluice::config::testing {
namespace {

TEST(SecretPrinting, FmtPrintsMask) {
  const Secret secret("sk-live-very-secret");
  EXPECT_EQ(fmt::format("{}", secret), "***");
  EXPECT_EQ(fmt::format("token={}", secret).find("very-secret"), std::string::npos);
}

TEST(SecretPrinting, OstreamPrintsMask) {
  std::ostringstream out;
  out << Secret("sk-live-very-secret");
  EXPECT_EQ(out.str(), "***");
}

TEST(SecretPrinting, RevealGivesTheValue) { EXPECT_EQ(Secret("abc").reveal(), "abc"); }

constexpr std::string_view kTokenConfig = R"(
providers:
  - id: openai
    type: openai_compat
    base_url: https://api.openai.com/v1
    pricing_provider_id: openai
    auth: { kind: bearer, token: TOKEN }
)";

std::string with_token(std::string_view token) {
  std::string text(kTokenConfig);
  text.replace(text.find("TOKEN"), 5, token);
  return text;
}

TEST(SecretValueSource, EnvReferenceResolvesAtLoad) {
  const auto result = load(with_token("env.OPENAI_API_KEY"), {{"OPENAI_API_KEY", "sk-from-env"}});
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->providers[0].openai_compat->bearer_token->reveal(), "sk-from-env");
}

TEST(SecretValueSource, LiteralReferenceIsTheTextAfterThePrefix) {
  const auto result = load(with_token("literal.admin"));
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->providers[0].openai_compat->bearer_token->reveal(), "admin");
}

TEST(SecretValueSource, MissingEnvVariableNamesTheVariableAndPath) {
  const auto result = load(with_token("env.OPENAI_API_KEY"));
  ASSERT_TRUE(HasError(result, "providers[0].auth.token",
                       "required environment variable `OPENAI_API_KEY` is not set"));
  EXPECT_EQ(result.errors[0].to_string().find("providers[0].auth.token"), 0u);
}

TEST(SecretValueSource, MissingEnvVariableNeverCarriesAValue) {
  // Another variable with a value is set; no diagnostic may contain it.
  const auto result = load(with_token("env.OPENAI_API_KEY"), {{"OTHER", "sk-should-not-appear"}});
  for (const auto& error : result.errors) {
    EXPECT_EQ(error.to_string().find("sk-should-not-appear"), std::string::npos);
  }
}

TEST(SecretValueSource, UnsupportedReferenceHidesTheRawText) {
  const auto result = load(with_token("sk-proj-PASTEDREALKEY123"));
  ASSERT_TRUE(HasError(result, "providers[0].auth.token",
                       "unsupported secret reference (value hidden); use env.* or literal.*"));
  for (const auto& error : result.errors) {
    EXPECT_EQ(error.to_string().find("PASTEDREALKEY"), std::string::npos) << error.to_string();
  }
}

TEST(SecretValueSource, EmptyEnvNameIsRejected) {
  EXPECT_TRUE(HasError(load(with_token("env.")), "providers[0].auth.token", "names no environment"));
}

TEST(SecretValueSource, NonScalarSecretIsRejectedWithoutEchoingIt) {
  const auto result = load(with_token("{ value: sk-nested-SECRET }"));
  ASSERT_TRUE(HasError(result, "providers[0].auth.token", "expected a secret reference"));
  EXPECT_EQ(all_diagnostics(result).find("sk-nested-SECRET"), std::string::npos);
}

TEST(SecretValueSource, InvalidCallerKeyValueIsNotEchoed) {
  const auto result = load(R"(
teams: [{ id: t, name: T }]
service_accounts:
  - id: ci
    team: t
    budget: { cadence: daily, amount_usd: "1" }
    keys:
      - id: k
        value: literal.not-a-gateway-key-SECRETPART
)");
  ASSERT_TRUE(HasError(result, "service_accounts[0].keys[0].value", "not a valid gateway API key"));
  EXPECT_EQ(all_diagnostics(result).find("SECRETPART"), std::string::npos);
}

}  // namespace
}  // namespace sluice::config::testing
