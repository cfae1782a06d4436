// PriceCatalog: the shipped catalog loads, bad entries are refused, and lookups follow the
// per-provider spelling rules (data/pricing/README.md).
#include "ledger/PriceCatalog.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

namespace sluice::ledger {
namespace {

using config::Money4;

Money4 usd(const char* text) { return *Money4::parse(text); }

std::string catalog_with(const std::string& provider, const std::string& models) {
  return R"({"providers":{")" + provider + R"(":{"as_of":"2025-01-01","source":"test","models":)" +
         models + "}}}";
}

std::string parse_error(const std::string& json) {
  std::string why;
  EXPECT_FALSE(PriceCatalog::parse(json, &why)) << json;
  return why;
}

TEST(PricingCatalog, ShippedCatalogLoadsAndPricesKnownModels) {
  std::string why;
  const auto catalog = PriceCatalog::load(SLUICE_SOURCE_DIR "/data/pricing/catalog.json", &why);
  ASSERT_TRUE(catalog) << why;
  EXPECT_GT(catalog->model_count(), 50U);
  const auto* gpt4o = catalog->find("openai", "gpt-4o");
  ASSERT_NE(gpt4o, nullptr);
  EXPECT_EQ(gpt4o->input, usd("2.50"));
  EXPECT_EQ(gpt4o->output, usd("10"));
  EXPECT_EQ(gpt4o->cache_read, usd("1.25"));
  for (const char* provider :
       {"openai", "openrouter", "google-vertex", "google-vertex-anthropic", "amazon-bedrock"}) {
    EXPECT_TRUE(PriceCatalog::is_supported_provider(provider)) << provider;
  }
  EXPECT_NE(catalog->find("amazon-bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
            nullptr);
  EXPECT_NE(catalog->find("google-vertex", "google/gemini-2.5-flash"), nullptr);
}

TEST(PricingCatalog, ReadsOptionalCacheRates) {
  const auto catalog = PriceCatalog::parse(catalog_with(
      "openai", R"({"m":{"input":"1","output":"2","cache_read":"0.1","cache_write":"1.25"},
                    "plain":{"input":"1","output":"2"}})"));
  ASSERT_TRUE(catalog);
  EXPECT_EQ(catalog->find("openai", "m")->cache_write, usd("1.25"));
  EXPECT_FALSE(catalog->find("openai", "plain")->cache_read);
}

TEST(PricingCatalog, RejectsRatesWrittenAsJsonNumbers) {
  EXPECT_NE(parse_error(catalog_with("openai", R"({"m":{"input":2.5,"output":"1"}})"))
                .find("must be a decimal string"),
            std::string::npos);
}

TEST(PricingCatalog, RejectsNegativeAndOverPreciseRates) {
  EXPECT_NE(parse_error(catalog_with("openai", R"({"m":{"input":"-1","output":"1"}})"))
                .find("cannot be negative"),
            std::string::npos);
  EXPECT_NE(parse_error(catalog_with("openai", R"({"m":{"input":"0.00875","output":"1"}})"))
                .find("providers.openai.models.m.input"),
            std::string::npos);
}

TEST(PricingCatalog, RejectsUnknownProviderAndUnknownField) {
  EXPECT_NE(parse_error(catalog_with("anthropic", R"({"m":{"input":"1","output":"1"}})"))
                .find("not a supported pricing_provider_id"),
            std::string::npos);
  EXPECT_NE(
      parse_error(catalog_with("openai", R"({"m":{"input":"1","output":"1","cached_input":"1"}})"))
          .find("unknown field `cached_input`"),
      std::string::npos);
}

TEST(PricingCatalog, RequiresInputOutputDateAndSource) {
  EXPECT_NE(parse_error(catalog_with("openai", R"({"m":{"input":"1"}})")).find("needs both"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"providers":{"openai":{"as_of":"soon","source":"x","models":{}}}})")
                .find("as_of"),
            std::string::npos);
  EXPECT_FALSE(PriceCatalog::parse("not json"));
}

TEST(PricingCatalog, BedrockInferenceProfilePrefixesShareTheBareEntry) {
  const auto catalog = PriceCatalog::parse(
      catalog_with("amazon-bedrock", R"({"anthropic.claude-x-v1:0":{"input":"3","output":"15"}})"));
  ASSERT_TRUE(catalog);
  const auto* bare = catalog->find("amazon-bedrock", "anthropic.claude-x-v1:0");
  ASSERT_NE(bare, nullptr);
  for (const char* id : {"us.anthropic.claude-x-v1:0", "eu.anthropic.claude-x-v1:0",
                         "global.anthropic.claude-x-v1:0", "apac.anthropic.claude-x-v1:0"}) {
    EXPECT_EQ(catalog->find("amazon-bedrock", id), bare) << id;
  }
  EXPECT_EQ(catalog->find("amazon-bedrock", "xx.anthropic.claude-x-v1:0"), nullptr);
  EXPECT_EQ(catalog->find("amazon-bedrock",
                          "arn:aws:bedrock:us-east-1:123:application-inference-profile/abc"),
            nullptr);
}

TEST(PricingCatalog, ExplicitPrefixedEntryWinsOverTheBareOne) {
  const auto catalog = PriceCatalog::parse(
      catalog_with("amazon-bedrock",
                   R"({"m":{"input":"3","output":"15"},"us.m":{"input":"3.3","output":"16.5"}})"));
  ASSERT_TRUE(catalog);
  EXPECT_EQ(catalog->find("amazon-bedrock", "us.m")->input, usd("3.3"));
  EXPECT_EQ(catalog->find("amazon-bedrock", "eu.m")->input, usd("3"));
}

TEST(PricingCatalog, VertexDropsPublisherAndVersion) {
  const auto catalog = PriceCatalog::parse(catalog_with(
      "google-vertex-anthropic", R"({"claude-sonnet-4-5":{"input":"3","output":"15"}})"));
  ASSERT_TRUE(catalog);
  EXPECT_NE(catalog->find("google-vertex-anthropic", "anthropic/claude-sonnet-4-5@20250929"),
            nullptr);
  EXPECT_NE(catalog->find("google-vertex-anthropic", "claude-sonnet-4-5"), nullptr);
  EXPECT_EQ(catalog->find("google-vertex-anthropic", "anthropic/claude-opus-4"), nullptr);
  EXPECT_EQ(catalog->find("google-vertex", "claude-sonnet-4-5"), nullptr);
}

}  // namespace
}  // namespace sluice::ledger

#include "ledger/BundledPriceCatalog.h"

namespace sluice::ledger {
namespace {

// The binary prices with the catalog it was built with, byte for byte the shipped file.
TEST(PricingCatalogBundled, IsTheShippedFileAndParses) {
  std::ifstream file(std::string(SLUICE_SOURCE_DIR) + "/data/pricing/catalog.json");
  const std::string shipped((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bundled_price_catalog_json(), shipped);
  const auto catalog = load_price_catalog();
  ASSERT_TRUE(catalog.ok()) << catalog.error().message;
  EXPECT_NE((*catalog)->find("openai", "gpt-4o-mini"), nullptr);
}

}  // namespace
}  // namespace sluice::ledger
