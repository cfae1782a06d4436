// `permissions` (§5, strict): admin-UI pages and API-key actions per group, with inheritance
// users ⊂ team_admins ⊂ platform_admins applied here so that the UI and admin API only look up.
#include "config/SectionReaders.h"

#include <algorithm>

namespace sluice::config {

namespace {

enum class Group { kUsers, kTeamAdmins, kPlatformAdmins };

struct GroupDefaults {
  std::string_view key;
  std::vector<AdminPage> pages;
  std::vector<ApiKeyAction> actions;
  AdminPage default_page;
};

GroupDefaults defaults_for(Group group) {
  switch (group) {
    case Group::kUsers:
      return {"users",
              {AdminPage::kApiKeys, AdminPage::kModels, AdminPage::kUsageCosts,
               AdminPage::kLeaderboard, AdminPage::kAgentHarnesses, AdminPage::kRequestLogs,
               AdminPage::kMcpInvocations, AdminPage::kTeams, AdminPage::kUsers,
               AdminPage::kServiceAccounts},
              {ApiKeyAction::kCreateApiKey, ApiKeyAction::kUpdateApiKey, ApiKeyAction::kRevokeApiKey},
              AdminPage::kUsageCosts};
    case Group::kTeamAdmins:
      return {"team_admins", {}, {ApiKeyAction::kRevealApiKey}, AdminPage::kUsageCosts};
    case Group::kPlatformAdmins:
      return {"platform_admins",
              {AdminPage::kMcp, AdminPage::kReviewAgent, AdminPage::kSpendControls},
              {},
              AdminPage::kApiKeys};
  }
  return {};
}

bool platform_admin_only(AdminPage page) {
  return page == AdminPage::kMcp || page == AdminPage::kReviewAgent ||
         page == AdminPage::kSpendControls;
}

template <class T>
void append_unique(std::vector<T>& into, const std::vector<T>& values) {
  for (const T& value : values) {
    if (std::find(into.begin(), into.end(), value) == into.end()) into.push_back(value);
  }
}

// Reads a list of enum names, collapsing duplicates; reports unknown names.
template <NamedEnum E>
void read_enum_list(const ConfigNode& node, std::vector<E>& out) {
  if (!node.present()) return;
  std::vector<E> values;
  if (!node.yaml().IsSequence()) {
    node.error(fmt::format("expected a list, got {}", node.kind_name()));
    return;
  }
  for (const ConfigNode& item : node.items()) {
    E value{};
    if (read_enum(item, value)) append_unique(values, {value});
  }
  out = std::move(values);
}

void check_grants(const ConfigNode& node, Group group, const PermissionGroup& permissions) {
  const std::string_view key = defaults_for(group).key;
  if (group != Group::kPlatformAdmins) {
    for (const AdminPage page : permissions.pages) {
      if (!platform_admin_only(page)) continue;
      node.child("pages").error(fmt::format("permissions.{} cannot be granted page `{}`; it is "
                                            "only for platform_admins",
                                            key, to_string(page)));
    }
  }
  const auto& actions = permissions.actions;
  if (group == Group::kUsers &&
      std::find(actions.begin(), actions.end(), ApiKeyAction::kRevealApiKey) != actions.end()) {
    node.child("actions").error("permissions.users cannot be granted action `reveal_api_key`");
  }
}

// Reads one group's direct grants and adds what `lower` (the group below it) already has.
PermissionGroup read_group(const ConfigNode& node, Group group, const PermissionGroup* lower) {
  const GroupDefaults defaults = defaults_for(group);
  PermissionGroup permissions;
  permissions.pages = defaults.pages;
  permissions.actions = defaults.actions;
  if (node.present() && node.expect_map()) {
    node.check_keys({"pages", "actions", "default_page"}, UnknownKeys::kReject);
    read_enum_list(node.child("pages"), permissions.pages);
    read_enum_list(node.child("actions"), permissions.actions);
    check_grants(node, group, permissions);
  }
  if (lower != nullptr) {
    permissions.effective_pages = lower->effective_pages;
    permissions.effective_actions = lower->effective_actions;
  }
  append_unique(permissions.effective_pages, permissions.pages);
  append_unique(permissions.effective_actions, permissions.actions);

  const auto& effective = permissions.effective_pages;
  const auto granted = [&](AdminPage page) {
    return std::find(effective.begin(), effective.end(), page) != effective.end();
  };
  const ConfigNode default_page = node.child("default_page");
  AdminPage explicit_page{};
  if (read_enum(default_page, explicit_page)) {
    if (granted(explicit_page)) {
      permissions.default_page = explicit_page;
    } else {
      default_page.error(fmt::format("permissions.{}.default_page `{}` is not one of the group's "
                                     "effective pages",
                                     defaults.key, to_string(explicit_page)));
    }
  } else if (!default_page.present()) {
    // An implied default that the operator's own page list removed falls back to the first page
    // the group can see, rather than failing a config that never mentioned default_page.
    if (granted(defaults.default_page)) {
      permissions.default_page = defaults.default_page;
    } else if (!effective.empty()) {
      permissions.default_page = effective.front();
    }
  }
  return permissions;
}

}  // namespace

PermissionsConfig read_permissions(const ConfigNode& node) {
  if (node.present() && node.expect_map()) {
    node.check_keys({"users", "team_admins", "platform_admins"}, UnknownKeys::kReject);
  }
  PermissionsConfig permissions;
  permissions.users = read_group(node.child("users"), Group::kUsers, nullptr);
  permissions.team_admins = read_group(node.child("team_admins"), Group::kTeamAdmins, &permissions.users);
  permissions.platform_admins =
      read_group(node.child("platform_admins"), Group::kPlatformAdmins, &permissions.team_admins);
  return permissions;
}

}  // namespace sluice::config
