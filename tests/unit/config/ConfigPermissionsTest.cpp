// `permissions` (§5): admin-UI pages and API-key actions per group, with inheritance.
#include "ConfigTestSupport.h"

#include <algorithm>

namespace sluice::config::testing {
namespace {

template <class T>
bool contains(const std::vector<T>& values, T value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

TEST(ConfigPermissions, DefaultsMatchTheReference) {
  const auto result = load("");
  ASSERT_TRUE(Loads(result));
  const PermissionsConfig& permissions = result.config->permissions;
  EXPECT_EQ(permissions.users.effective_pages.size(), 10u);
  EXPECT_EQ(permissions.users.default_page, AdminPage::kUsageCosts);
  EXPECT_FALSE(contains(permissions.users.effective_actions, ApiKeyAction::kRevealApiKey));
  EXPECT_TRUE(contains(permissions.team_admins.effective_actions, ApiKeyAction::kRevealApiKey));
  EXPECT_TRUE(contains(permissions.team_admins.effective_actions, ApiKeyAction::kCreateApiKey));
  EXPECT_EQ(permissions.platform_admins.effective_pages.size(), 13u);
  EXPECT_EQ(permissions.platform_admins.default_page, AdminPage::kApiKeys);
}

TEST(ConfigPermissions, HigherGroupsInheritLowerGrants) {
  const auto result = load("permissions:\n  users:\n    pages: [models]\n    default_page: models\n");
  ASSERT_TRUE(Loads(result));
  const auto& admins = result.config->permissions.platform_admins;
  EXPECT_TRUE(contains(admins.effective_pages, AdminPage::kModels));
  EXPECT_TRUE(contains(admins.effective_pages, AdminPage::kMcp));
  EXPECT_FALSE(contains(admins.effective_pages, AdminPage::kLeaderboard));
}

TEST(ConfigPermissions, DuplicatesCollapse) {
  const auto result = load("permissions:\n  users:\n    pages: [models, models]\n    default_page: models\n");
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->permissions.users.pages.size(), 1u);
}

TEST(ConfigPermissions, ExplicitEmptyListRemovesDirectGrantsOnly) {
  const auto result = load("permissions:\n  team_admins:\n    actions: []\n");
  ASSERT_TRUE(Loads(result));
  const auto& team_admins = result.config->permissions.team_admins;
  EXPECT_FALSE(contains(team_admins.effective_actions, ApiKeyAction::kRevealApiKey));
  EXPECT_TRUE(contains(team_admins.effective_actions, ApiKeyAction::kCreateApiKey));
}

TEST(ConfigPermissions, NoEffectivePagesMeansNoDefaultPage) {
  const auto result = load("permissions:\n  users:\n    pages: []\n");
  ASSERT_TRUE(Loads(result));
  EXPECT_FALSE(result.config->permissions.users.default_page);
}

TEST(ConfigPermissions, UnknownPageIsRejected) {
  EXPECT_TRUE(HasError(load("permissions:\n  users:\n    pages: [dashboards]\n"),
                       "permissions.users.pages[0]", "unknown value \"dashboards\""));
}

TEST(ConfigPermissions, UnknownActionIsRejected) {
  EXPECT_TRUE(HasError(load("permissions:\n  users:\n    actions: [delete_api_key]\n"),
                       "permissions.users.actions[0]", "unknown value \"delete_api_key\""));
}

TEST(ConfigPermissions, PlatformPagesOnlyForPlatformAdmins) {
  EXPECT_TRUE(HasError(load("permissions:\n  team_admins:\n    pages: [spend_controls]\n"),
                       "permissions.team_admins.pages", "only for platform_admins"));
  EXPECT_TRUE(HasError(load("permissions:\n  users:\n    pages: [mcp]\n"), "permissions.users.pages",
                       "page `mcp`"));
}

TEST(ConfigPermissions, UsersCannotRevealKeys) {
  EXPECT_TRUE(HasError(load("permissions:\n  users:\n    actions: [reveal_api_key]\n"),
                       "permissions.users.actions", "reveal_api_key"));
}

TEST(ConfigPermissions, DefaultPageMustBeEffective) {
  EXPECT_TRUE(HasError(load("permissions:\n  users:\n    default_page: teams\n    pages: [models]\n"),
                       "permissions.users.default_page", "is not one of the group's effective pages"));
}

TEST(ConfigPermissions, ImpliedDefaultPageFallsBackToFirstGrantedPage) {
  const auto result = load("permissions:\n  users:\n    pages: [models, teams]\n");
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->permissions.users.default_page, AdminPage::kModels);
}

}  // namespace
}  // namespace sluice::config::testing
