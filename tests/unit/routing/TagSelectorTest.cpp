#include "routing/TagSelector.h"

#include <gtest/gtest.h>

namespace sluice::routing {
namespace {

config::ModelConfig model(std::string id, std::vector<std::string> tags, std::int32_t rank = 100) {
  config::ModelConfig m;
  m.id = std::move(id);
  m.tags = std::move(tags);
  m.rank = rank;
  return m;
}

const auto kAnyone = [](const config::ModelConfig&) { return true; };

TEST(TagSelector, ParsesPrefixCommasAndTrims) {
  EXPECT_FALSE(parse_tag_selector("gpt-4o").has_value());
  EXPECT_FALSE(parse_tag_selector("TAG:x").has_value());
  EXPECT_EQ(*parse_tag_selector("tag:fast"), (std::vector<std::string>{"fast"}));
  EXPECT_EQ(*parse_tag_selector("tag: fast , cheap ,,"), (std::vector<std::string>{"fast", "cheap"}));
  EXPECT_TRUE(parse_tag_selector("tag:")->empty());
}

TEST(TagSelector, AndSemanticsRankThenId) {
  config::GatewayConfig config;
  config.models = {model("zeta", {"fast", "cheap"}, 10), model("alpha", {"fast", "cheap"}, 10),
                   model("best", {"fast", "cheap"}, 50), model("first", {"fast"}, 1)};
  const ModelCatalog catalog(config);
  const auto* both = select_by_tags(catalog, {"fast", "cheap"}, kAnyone);
  ASSERT_NE(both, nullptr);
  EXPECT_EQ(both->id, "alpha");
  EXPECT_EQ(select_by_tags(catalog, {"fast"}, kAnyone)->id, "first");
  EXPECT_EQ(select_by_tags(catalog, {"fast", "slow"}, kAnyone), nullptr);
  EXPECT_EQ(select_by_tags(catalog, {}, kAnyone), nullptr);
}

TEST(TagSelector, SkipsModelsTheKeyMayNotUse) {
  config::GatewayConfig config;
  config.models = {model("secret", {"fast"}, 1), model("open", {"fast"}, 2)};
  const ModelCatalog catalog(config);
  const auto* picked = select_by_tags(catalog, {"fast"}, [](const config::ModelConfig& m) {
    return m.id != "secret";
  });
  ASSERT_NE(picked, nullptr);
  EXPECT_EQ(picked->id, "open");
  EXPECT_EQ(select_by_tags(catalog, {"fast"}, [](const config::ModelConfig&) { return false; }), nullptr);
}

}  // namespace
}  // namespace sluice::routing
