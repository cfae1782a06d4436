// `models[]` (§11): ids, aliases and their canonical resolution, allowlists.
#include "ConfigTestSupport.h"

namespace sluice::config::testing {
namespace {

std::string with_models(std::string_view models) {
  return std::string(kOpenAIProvider) + "models:\n" + std::string(models);
}

constexpr std::string_view kBase =
    "  - id: gpt\n    routes: [{ provider: openai, upstream_model: gpt-4o }]\n";

TEST(ConfigModels, IdCannotBeEmpty) {
  EXPECT_TRUE(HasError(load(with_models("  - id: \"\"\n    alias_of: gpt\n")), "models[0].id",
                       "model id cannot be empty"));
}

TEST(ConfigModels, DuplicateIdsAreRejected) {
  EXPECT_TRUE(HasError(load(with_models(std::string(kBase) + std::string(kBase))), "models[1].id",
                       "duplicate model id `gpt`"));
}

TEST(ConfigModels, AliasAndRoutesAreExclusive) {
  const auto result = load(with_models(std::string(kBase) +
                                       "  - id: fast\n    alias_of: gpt\n    routes: [{ provider: openai, upstream_model: x }]\n"));
  EXPECT_TRUE(HasError(result, "models[1]", "model `fast` cannot define both alias_of and routes"));
}

TEST(ConfigModels, NeedsAliasOrARoute) {
  EXPECT_TRUE(HasError(load(with_models("  - id: lonely\n")), "models[0]",
                       "model `lonely` must define either alias_of or at least one route"));
  EXPECT_TRUE(HasError(load(with_models("  - id: lonely\n    routes: []\n")), "models[0]",
                       "must define either alias_of or at least one route"));
}

TEST(ConfigModels, CannotAliasItself) {
  EXPECT_TRUE(HasError(load(with_models("  - id: me\n    alias_of: me\n")), "models[0].alias_of",
                       "model `me` cannot alias itself"));
}

TEST(ConfigModels, AliasTargetMustExist) {
  EXPECT_TRUE(HasError(load(with_models("  - id: fast\n    alias_of: nope\n")), "models[0].alias_of",
                       "model `fast` aliases unknown model `nope`"));
}

TEST(ConfigModels, AliasCycleIsDetected) {
  const auto result = load(with_models("  - id: a\n    alias_of: b\n  - id: b\n    alias_of: c\n  - id: c\n    alias_of: a\n"));
  ASSERT_TRUE(HasError(result, "models[0].alias_of", "model alias cycle detected starting at `a`"));
  EXPECT_EQ(result.errors.size(), 1u) << all_diagnostics(result);
  EXPECT_EQ(result.errors[0].line, 9);  // `alias_of: b` under `- id: a`
}

TEST(ConfigModels, CycleReachedThroughAChainIsReportedOnce) {
  const auto result = load(with_models("  - id: entry\n    alias_of: b\n  - id: b\n    alias_of: c\n  - id: c\n    alias_of: b\n"));
  ASSERT_TRUE(HasError(result, "models[1].alias_of", "cycle detected starting at `b`"));
  EXPECT_EQ(result.errors.size(), 1u) << all_diagnostics(result);
}

TEST(ConfigModels, CanonicalIdOfARoutedModelIsItself) {
  const auto result = load(with_models(kBase));
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->models[0].canonical_id, "gpt");
}

TEST(ConfigModels, AliasChainsResolveToTheFinalTarget) {
  const auto result = load(with_models("  - id: fastest\n    alias_of: fast\n  - id: fast\n    alias_of: gpt\n" +
                                       std::string(kBase)));
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->find_model("fastest")->canonical_id, "gpt");
  EXPECT_EQ(result.config->find_model("fast")->canonical_id, "gpt");
  EXPECT_EQ(result.config->find_model("fastest")->alias_of, "fast");
}

TEST(ConfigModels, TagsRankAndDescriptionAreRead) {
  const auto result = load(with_models("  - id: gpt\n    description: Fast one\n    tags: [fast, cheap]\n    rank: 5\n    routes: [{ provider: openai, upstream_model: gpt-4o }]\n"));
  ASSERT_TRUE(Loads(result));
  const ModelConfig& model = result.config->models[0];
  EXPECT_EQ(model.description, "Fast one");
  EXPECT_EQ(model.tags, (std::vector<std::string>{"fast", "cheap"}));
  EXPECT_EQ(model.rank, 5);
}

TEST(ConfigModels, RankDefaultsTo100) {
  const auto result = load(with_models(kBase));
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->models[0].rank, 100);
}

TEST(ConfigModels, AllowlistIsNormalized) {
  const auto result = load(with_models(
      "  - id: gpt\n    allowlist: { users: [\" Ann@Example.com \", ann@example.com], teams: [\" Platform \"] }\n"
      "    routes: [{ provider: openai, upstream_model: gpt-4o }]\n"));
  ASSERT_TRUE(Loads(result));
  const auto& allowlist = *result.config->models[0].allowlist;
  EXPECT_EQ(allowlist.users, (std::vector<std::string>{"ann@example.com"}));
  EXPECT_EQ(allowlist.teams, (std::vector<std::string>{"platform"}));
}

TEST(ConfigModels, AllowlistNeedsAUserOrTeam) {
  EXPECT_TRUE(HasError(load(with_models("  - id: gpt\n    allowlist: { users: [], teams: [] }\n    routes: [{ provider: openai, upstream_model: gpt-4o }]\n")),
                       "models[0].allowlist", "model `gpt` allowlist must include at least one user or team"));
}

TEST(ConfigModels, AllowlistEmailsMustBeValid) {
  EXPECT_TRUE(HasError(load(with_models("  - id: gpt\n    allowlist: { users: [not-an-email] }\n    routes: [{ provider: openai, upstream_model: gpt-4o }]\n")),
                       "models[0].allowlist.users[0]", "must be a valid email address"));
}

TEST(ConfigModels, AllowlistAcceptsUnknownTeams) {
  EXPECT_TRUE(Loads(load(with_models("  - id: gpt\n    allowlist: { teams: [later] }\n    routes: [{ provider: openai, upstream_model: gpt-4o }]\n"))));
}

}  // namespace
}  // namespace sluice::config::testing
