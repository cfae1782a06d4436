// Pricing: which rates a request is charged at, and exact cost arithmetic (api.md §8).
#include "ledger/Pricing.h"

#include <gtest/gtest.h>

#include <limits>

namespace sluice::ledger {
namespace {

using config::Money4;

Money4 usd(const char* text) { return *Money4::parse(text); }

streams::TokenUsage usage(std::int64_t input, std::int64_t output) {
  streams::TokenUsage u;
  u.present = true;
  u.input = input;
  u.output = output;
  u.total = input + output;
  return u;
}

ModelRates rates(const char* input, const char* output) {
  return {usd(input), usd(output), {}, {}};
}

PriceCatalog test_catalog() {
  return *PriceCatalog::parse(
      R"({"providers":{"openai":{"as_of":"2025-01-01","source":"t","models":{
      "gpt-test":{"input":"2","output":"8","cache_read":"0.5","cache_write":"2.5"}}}}})");
}

config::ProviderConfig vertex(std::string location) {
  config::ProviderConfig provider;
  provider.type = config::ProviderType::kGcpVertex;
  provider.gcp_vertex = config::GcpVertexProvider{};
  provider.gcp_vertex->location = std::move(location);
  return provider;
}

TEST(Pricing, UsageMissingWhenTheUpstreamReportedNone) {
  EXPECT_EQ(charge_for(streams::TokenUsage{}, rates("1", "1")),
            (Charge{PricingStatus::kUsageMissing, {}}));
  EXPECT_EQ(to_string(PricingStatus::kUsageMissing), "usage_missing");
}

TEST(Pricing, UnpricedWithoutRates) {
  EXPECT_EQ(charge_for(usage(1000, 1000), std::nullopt), (Charge{PricingStatus::kUnpriced, {}}));
}

TEST(Pricing, ChargesInputAndOutputPerMillionTokens) {
  // 1M input at $2.50 + 0.5M output at $10 = $7.50
  EXPECT_EQ(charge_for(usage(1'000'000, 500'000), rates("2.50", "10")),
            (Charge{PricingStatus::kPriced, usd("7.5")}));
}

TEST(Pricing, CachedReadsAndWritesArePricedApartFromPlainInput) {
  auto u = usage(10'000, 500);  // input includes the 2000 cached and the 1000 written
  u.cached_input = 2'000;
  u.cache_write_input = 1'000;
  const ModelRates claude{usd("3"), usd("15"), usd("0.30"), usd("3.75")};
  // (7000×3 + 2000×0.30 + 1000×3.75 + 500×15) / 1e6 = 0.03285 → 0.0329 (half up)
  EXPECT_EQ(charge_for(u, claude).cost, usd("0.0329"));
}

TEST(Pricing, CacheTokensWithoutCacheRatesAreChargedAtTheInputRate) {
  auto u = usage(1'000'000, 0);
  u.cached_input = 400'000;
  u.cache_write_input = 100'000;
  EXPECT_EQ(charge_for(u, rates("2", "8")).cost, usd("2"));
}

TEST(Pricing, ReasoningTokensAreAlreadyInsideOutput) {
  auto u = usage(0, 1'000'000);
  u.reasoning = 900'000;
  EXPECT_EQ(charge_for(u, rates("1", "10")).cost, usd("10"));
}

TEST(Pricing, RoundsHalfUpOnceAtTheEnd) {
  EXPECT_EQ(charge_for(usage(50, 0), rates("1", "1")).cost, usd("0.0001"));  // 0.00005 → up
  EXPECT_EQ(charge_for(usage(49, 0), rates("1", "1")).cost, usd("0"));       // 0.000049 → down
  // 0.00004 + 0.00004: each would round to zero alone; the sum rounds to 0.0001.
  EXPECT_EQ(charge_for(usage(40, 40), rates("1", "1")).cost, usd("0.0001"));
}

TEST(Pricing, HugeTokenCountsStayExact) {
  // 10^15 input tokens at $2.5001 = $2,500,100,000 exactly.
  EXPECT_EQ(charge_for(usage(1'000'000'000'000'000, 0), rates("2.5001", "0")).cost,
            usd("2500100000"));
  const auto max = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(charge_for(usage(max, max), rates("600", "600")).cost, Money4::from_units(max));
}

TEST(Pricing, CacheCountsAboveInputLeaveNoNegativePlainInput) {
  auto u = usage(100, 0);
  u.cached_input = 1'000'000;
  EXPECT_EQ(charge_for(u, rates("1", "1")).cost, usd("1"));
}

TEST(Pricing, RouteOverrideWinsOverTheCatalog) {
  config::RouteConfig route;
  route.pricing_override = config::RoutePricing{usd("5"), usd("20"), {}, {}};
  const auto chosen = rates_for(route, CatalogKey{"openai", "gpt-test"}, test_catalog());
  ASSERT_TRUE(chosen);
  EXPECT_EQ(chosen->input, usd("5"));
}

TEST(Pricing, OverrideWithoutCacheRatesNeverBorrowsTheCatalogs) {
  config::RouteConfig route;
  route.pricing_override = config::RoutePricing{usd("5"), usd("20"), {}, {}};
  auto u = usage(1'000'000, 0);
  u.cached_input = 1'000'000;
  // The catalog's cache_read is 0.5; the override's input rate 5 applies instead.
  EXPECT_EQ(charge_for(u, rates_for(route, CatalogKey{"openai", "gpt-test"}, test_catalog())).cost,
            usd("5"));
}

TEST(Pricing, CatalogRatesApplyWithoutOverride) {
  const auto chosen =
      rates_for(config::RouteConfig{}, CatalogKey{"openai", "gpt-test"}, test_catalog());
  ASSERT_TRUE(chosen);
  EXPECT_EQ(chosen->cache_write, usd("2.5"));
}

TEST(Pricing, UnknownModelOrNoCatalogKeyIsUnpriced) {
  EXPECT_FALSE(rates_for(config::RouteConfig{}, CatalogKey{"openai", "nope"}, test_catalog()));
  EXPECT_FALSE(rates_for(config::RouteConfig{}, std::nullopt, test_catalog()));
}

TEST(Pricing, CatalogKeyFollowsTheProviderType) {
  config::ProviderConfig openai;
  openai.openai_compat = config::OpenAICompatProvider{};
  openai.openai_compat->pricing_provider_id = "openrouter";
  EXPECT_EQ(catalog_key_for(openai, "openai/gpt-4o")->pricing_provider_id, "openrouter");

  config::ProviderConfig bedrock;
  bedrock.type = config::ProviderType::kAwsBedrock;
  bedrock.aws_bedrock = config::AwsBedrockProvider{};
  EXPECT_EQ(catalog_key_for(bedrock, "us.anthropic.x")->pricing_provider_id, "amazon-bedrock");
}

TEST(Pricing, VertexChoosesByPublisherAndPricesAnthropicOnlyOnGlobal) {
  EXPECT_EQ(catalog_key_for(vertex("us-central1"), "google/gemini-2.5-pro")->pricing_provider_id,
            "google-vertex");
  EXPECT_EQ(catalog_key_for(vertex("global"), "anthropic/claude-sonnet-4-5")->pricing_provider_id,
            "google-vertex-anthropic");
  EXPECT_FALSE(catalog_key_for(vertex("us-east5"), "anthropic/claude-sonnet-4-5"));
}

}  // namespace
}  // namespace sluice::ledger
