// Who may call and spend: `teams` (§13), `service_accounts` with their caller keys (§14), `users`
// (§15) and `budgets` (§6).
#include "config/SectionReaders.h"

#include "config/ApiKeyFormat.h"

#include <algorithm>
#include <map>
#include <set>

namespace sluice::config {

namespace {

// Request tags on teams, accounts and users: non-blank strings, stored trimmed.
void read_tags(const ConfigNode& node, std::vector<std::string>& out, std::string_view subject) {
  std::vector<std::string> tags;
  if (!read_into(node, tags)) return;
  const auto items = node.items();
  for (std::size_t i = 0; i < tags.size(); ++i) {
    tags[i] = trimmed(tags[i]);
    if (tags[i].empty()) items[i].error(fmt::format("{} tag cannot be empty", subject));
  }
  out = std::move(tags);
}

std::optional<TeamConfig> read_team(const ConfigNode& node, std::set<std::string>& seen_ids) {
  if (!node.expect_map()) {
    if (!node.present()) node.error("expected a team mapping, got null");
    return std::nullopt;
  }
  node.check_keys({"id", "name", "tags"}, UnknownKeys::kReject);
  TeamConfig team;
  const ConfigNode id = node.child("id");
  std::string id_text;
  if (!read_required(id, id_text)) return std::nullopt;
  team.id = normalize_key(id_text);
  if (team.id.empty()) {
    id.error("team id cannot be empty");
    return std::nullopt;
  }
  if (!seen_ids.insert(team.id).second) {
    id.error(fmt::format("duplicate team id `{}`", team.id));
    return std::nullopt;
  }
  const std::string subject = fmt::format("team `{}`", team.id);
  read_non_empty(node.child("name"), team.name, subject + " name");
  read_tags(node.child("tags"), team.tags, subject);
  return team;
}

// Public id -> "account/key" of the configured key that uses it: two keys with one public id would
// make a caller's key ambiguous to look up.
using PublicIdOwners = std::map<std::string, std::string, std::less<>>;

// The key's `value`: a whole gateway API key from env./literal. Its text is never echoed.
void read_key_value(const ConfigNode& node, const ValueResolver& values, std::string_view account,
                    ServiceAccountKeyConfig& key, PublicIdOwners& public_ids) {
  const std::string subject = fmt::format("service account `{}` key `{}`", account, key.id);
  key.value = values.secret(node);
  if (!key.value) return;
  const auto parsed = parse_api_key(key.value->reveal());
  if (!parsed) {
    node.error(fmt::format("{} value is not a valid gateway API key (expected "
                           "gwk_<public_id>.<secret>; value hidden)",
                           subject));
    return;
  }
  const std::string owner = fmt::format("{}/{}", account, key.id);
  const auto [it, inserted] = public_ids.emplace(std::string(parsed->public_id), owner);
  if (!inserted) {
    node.error(fmt::format("{} value has the same public id as key `{}`", subject, it->second));
  }
}

std::optional<ServiceAccountKeyConfig> read_account_key(const ConfigNode& node,
                                                        const ValueResolver& values,
                                                        const GatewayConfig& config,
                                                        std::string_view account,
                                                        PublicIdOwners& public_ids) {
  if (!node.expect_map()) {
    if (!node.present()) node.error("expected a key mapping, got null");
    return std::nullopt;
  }
  node.check_keys({"id", "name", "auto_create", "value", "allowed_models"}, UnknownKeys::kReject);
  ServiceAccountKeyConfig key;
  if (!read_non_empty(node.child("id"), key.id, fmt::format("service account `{}` key id", account))) {
    return std::nullopt;
  }
  const std::string subject = fmt::format("service account `{}` key `{}`", account, key.id);
  key.name = key.id;
  if (node.child("name").present()) read_non_empty(node.child("name"), key.name, subject + " name");
  read_into(node.child("auto_create"), key.auto_create);
  const ConfigNode value = node.child("value");
  read_key_value(value, values, account, key, public_ids);
  if (!key.auto_create && !value.present()) {
    value.error(fmt::format("{} has auto_create: false and so requires a value", subject));
  }
  const ConfigNode allowed = node.child("allowed_models");
  read_into(allowed, key.allowed_models);
  const auto items = allowed.items();
  for (std::size_t i = 0; i < key.allowed_models.size() && i < items.size(); ++i) {
    if (config.find_model(key.allowed_models[i]) == nullptr) {
      items[i].error(fmt::format("{} allowed_models references unknown model `{}`", subject,
                                 key.allowed_models[i]));
    }
  }
  return key;
}

std::optional<ServiceAccountConfig> read_service_account(const ConfigNode& node,
                                                         const ValueResolver& values,
                                                         const GatewayConfig& config,
                                                         std::set<std::string>& seen_ids,
                                                         PublicIdOwners& public_ids) {
  if (!node.expect_map()) {
    if (!node.present()) node.error("expected a service account mapping, got null");
    return std::nullopt;
  }
  node.check_keys({"id", "name", "team", "tags", "budget", "keys"}, UnknownKeys::kReject);
  ServiceAccountConfig account;
  const ConfigNode id = node.child("id");
  if (!read_non_empty(id, account.id, "service account id")) return std::nullopt;
  if (!seen_ids.insert(account.id).second) {
    id.error(fmt::format("duplicate service account id `{}`", account.id));
  }
  const std::string subject = fmt::format("service account `{}`", account.id);
  account.name = account.id;
  if (node.child("name").present()) read_non_empty(node.child("name"), account.name, subject + " name");
  if (auto team = read_team_reference(node.child("team"), config.teams, subject)) account.team = *team;
  read_tags(node.child("tags"), account.tags, subject);
  const ConfigNode budget = node.child("budget");
  if (!budget.present()) {
    budget.error(fmt::format("{} requires a budget", subject));
  } else if (auto parsed = read_budget(budget, subject + " budget")) {
    account.budget = *parsed;
  }
  std::set<std::string> key_ids;
  for (const ConfigNode& item : node.child("keys").items()) {
    auto key = read_account_key(item, values, config, account.id, public_ids);
    if (!key) continue;
    if (!key_ids.insert(key->id).second) {
      item.child("id").error(fmt::format("{} has duplicate key id `{}`", subject, key->id));
    }
    account.keys.push_back(std::move(*key));
  }
  return account;
}

std::optional<TeamMembership> read_membership(const ConfigNode& node,
                                              const std::vector<TeamConfig>& teams,
                                              std::string_view subject) {
  if (!node.expect_map()) return std::nullopt;
  node.check_keys({"team", "role"}, UnknownKeys::kWarn);
  TeamMembership membership;
  const auto team = read_team_reference(node.child("team"), teams, subject);
  const ConfigNode role = node.child("role");
  const bool role_ok = !role.present() || read_team_role(role, membership.role, subject);
  if (!team || !role_ok) return std::nullopt;
  membership.team = *team;
  return membership;
}

// `oidc_provider_key` / `oauth_provider_key`: present exactly when auth_mode asks for it, and
// naming a configured provider.
template <class Provider>
void read_login_provider_key(const ConfigNode& node, bool required, std::string_view mode,
                             const std::vector<Provider>& providers, std::string_view subject,
                             std::optional<std::string>& out) {
  const std::string key = node.path().substr(node.path().rfind('.') + 1);
  if (!node.present()) {
    if (required) node.error(fmt::format("{} auth_mode {} requires {}", subject, mode, key));
    return;
  }
  std::string value;
  if (!read_into(node, value)) return;
  if (!required) {
    node.error(fmt::format("{} {} is only allowed with auth_mode: {}", subject, key, mode));
    return;
  }
  const bool known = std::any_of(providers.begin(), providers.end(),
                                 [&](const Provider& provider) { return provider.key == value; });
  if (!known) {
    node.error(fmt::format("{} references unknown {} provider `{}`", subject, mode, value));
    return;
  }
  out = value;
}

std::optional<std::string> read_user_email(const ConfigNode& node, const GatewayConfig& config,
                                           std::set<std::string>& seen_emails) {
  std::string text;
  if (!read_required(node, text)) return std::nullopt;
  std::string email = normalize_email(text);
  if (!is_valid_email(email)) {
    node.error(fmt::format("user email `{}` must be a valid email address", text));
    return std::nullopt;
  }
  if (email == config.auth.bootstrap_admin.email) {
    node.error(fmt::format("user email `{}` is reserved for auth.bootstrap_admin", email));
    return std::nullopt;
  }
  if (!seen_emails.insert(email).second) {
    node.error(fmt::format("duplicate user email `{}`", email));
    return std::nullopt;
  }
  return email;
}

std::optional<UserConfig> read_user(const ConfigNode& node, const GatewayConfig& config,
                                    std::set<std::string>& seen_emails) {
  if (!node.expect_map()) {
    if (!node.present()) node.error("expected a user mapping, got null");
    return std::nullopt;
  }
  node.check_keys({"name", "email", "auth_mode", "global_role", "request_logging_enabled", "tags",
                   "oidc_provider_key", "oauth_provider_key", "membership", "budget"},
                  UnknownKeys::kWarn);
  UserConfig user;
  const auto email = read_user_email(node.child("email"), config, seen_emails);
  if (email) user.email = *email;
  const std::string subject = fmt::format("user `{}`", email.value_or(node.path()));
  read_non_empty(node.child("name"), user.name, subject + " name");
  const bool mode_ok = read_required_enum(node.child("auth_mode"), user.auth_mode);
  read_enum(node.child("global_role"), user.global_role);
  read_into(node.child("request_logging_enabled"), user.request_logging_enabled);
  read_tags(node.child("tags"), user.tags, subject);
  if (mode_ok) {
    read_login_provider_key(node.child("oidc_provider_key"), user.auth_mode == UserAuthMode::kOidc,
                            "oidc", config.auth.oidc.providers, subject, user.oidc_provider_key);
    read_login_provider_key(node.child("oauth_provider_key"),
                            user.auth_mode == UserAuthMode::kOAuth, "oauth",
                            config.auth.oauth.providers, subject, user.oauth_provider_key);
  }
  user.membership = read_membership(node.child("membership"), config.teams, subject + " membership");
  const ConfigNode budget = node.child("budget");
  if (budget.present()) user.budget = read_budget(budget, subject + " budget");
  return user;
}

std::optional<ModelBudgetDefault> read_model_budget(const ConfigNode& node,
                                                    const GatewayConfig& config,
                                                    std::set<std::string>& seen_models) {
  if (!node.expect_map()) {
    if (!node.present()) node.error("expected a mapping, got null");
    return std::nullopt;
  }
  node.check_keys({"model", "budget"}, UnknownKeys::kReject);
  ModelBudgetDefault entry;
  const ConfigNode model = node.child("model");
  if (!read_required(model, entry.model)) return std::nullopt;
  if (config.find_model(entry.model) == nullptr) {
    model.error(fmt::format("budgets.users.model_defaults references unknown model `{}`", entry.model));
  } else if (!seen_models.insert(entry.model).second) {
    model.error(fmt::format("duplicate budgets.users.model_defaults model `{}`", entry.model));
  }
  const ConfigNode budget = node.child("budget");
  if (!budget.present()) {
    budget.missing();
    return std::nullopt;
  }
  auto parsed = read_budget(budget, fmt::format("budgets.users.model_defaults model `{}` budget", entry.model));
  if (!parsed) return std::nullopt;
  entry.budget = *parsed;
  return entry;
}

}  // namespace

std::vector<TeamConfig> read_teams(const ConfigNode& node) {
  std::vector<TeamConfig> teams;
  std::set<std::string> seen_ids;
  for (const ConfigNode& item : node.items()) {
    if (auto team = read_team(item, seen_ids)) teams.push_back(std::move(*team));
  }
  return teams;
}

std::vector<ServiceAccountConfig> read_service_accounts(const ConfigNode& node,
                                                        const ValueResolver& values,
                                                        const GatewayConfig& config) {
  std::vector<ServiceAccountConfig> accounts;
  std::set<std::string> seen_ids;
  PublicIdOwners public_ids;
  for (const ConfigNode& item : node.items()) {
    auto account = read_service_account(item, values, config, seen_ids, public_ids);
    if (account) accounts.push_back(std::move(*account));
  }
  return accounts;
}

std::vector<UserConfig> read_users(const ConfigNode& node, const GatewayConfig& config) {
  std::vector<UserConfig> users;
  std::set<std::string> seen_emails;
  for (const ConfigNode& item : node.items()) {
    if (auto user = read_user(item, config, seen_emails)) users.push_back(std::move(*user));
  }
  return users;
}

BudgetsConfig read_budgets(const ConfigNode& node, const GatewayConfig& config) {
  BudgetsConfig budgets;
  if (!node.expect_map()) return budgets;
  node.check_keys({"users"}, UnknownKeys::kReject);
  const ConfigNode users = node.child("users");
  if (!users.expect_map()) return budgets;
  users.check_keys({"default", "model_defaults"}, UnknownKeys::kReject);
  const ConfigNode default_budget = users.child("default");
  if (default_budget.present()) {
    budgets.users.default_budget = read_budget(default_budget, "budgets.users.default");
  }
  std::set<std::string> seen_models;
  for (const ConfigNode& item : users.child("model_defaults").items()) {
    if (auto entry = read_model_budget(item, config, seen_models)) {
      budgets.users.model_defaults.push_back(std::move(*entry));
    }
  }
  return budgets;
}

}  // namespace sluice::config
