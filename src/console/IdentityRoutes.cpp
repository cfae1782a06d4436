// The people pages (docs/admin-api.md, "People"): users, teams and their members, service accounts,
// and the read-only directory every signed-in user may read.
//
// Reading needs the page; changing needs a platform admin. The config file is the source of truth
// for what it lists (config.md §15; seeding rewrites those rows at every start and reload), so a
// change to a field the file sets on a listed user, team or service account is refused with 409
// rather than accepted and silently undone at the next reload. What the file does not set stays
// the console's: a listed user's status (deactivate / reactivate) and their invitation.
#include "access/IdentitySeeder.h"
#include "config/ValueSyntax.h"
#include "console/BodyFields.h"
#include "console/ConsoleErrors.h"
#include "console/ConsoleJson.h"
#include "console/ConsoleRouteSets.h"
#include "core/Digest.h"
#include "store/ConsoleQueries.h"
#include "store/StoreQueries.h"

#include <boost/json/array.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace sluice::console {

namespace http = boost::beast::http;
namespace json = boost::json;
using boost::asio::awaitable;
using config::AdminPage;

namespace {

constexpr std::chrono::days kInvitationLifetime{7};

const config::UserConfig* listed_user(const config::GatewayConfig& config, std::string_view email) {
  const auto found = std::find_if(config.users.begin(), config.users.end(),
                                  [&](const auto& user) { return user.email == email; });
  return found == config.users.end() ? nullptr : &*found;
}

bool listed_team(const config::GatewayConfig& config, std::string_view id) {
  return std::any_of(config.teams.begin(), config.teams.end(),
                     [&](const auto& team) { return team.id == id; });
}

bool listed_service_account(const config::GatewayConfig& config, std::string_view id) {
  return std::any_of(config.service_accounts.begin(), config.service_accounts.end(),
                     [&](const auto& account) { return account.id == id; });
}

GatewayError set_by_config(std::string_view what) {
  return conflict(fmt::format("{} is listed in the config file, which sets this; change it there", what));
}

// A 409 from the store (a unique key taken) in the console's words; other errors as they are.
GatewayError taken_or(const GatewayError& error, const std::string& message) {
  return error.status == 409 ? conflict(message) : error;
}

Expected<std::string> one_of(const json::object& body, std::string_view name,
                             std::initializer_list<std::string_view> allowed,
                             std::optional<std::string_view> fallback) {
  auto value = optional_text(body, name);
  if (!value) return value.error();
  if (!*value) {
    if (fallback) return std::string(*fallback);
    return GatewayError::invalid_request(fmt::format("`{}` is required", name), std::string(name));
  }
  if (std::find(allowed.begin(), allowed.end(), **value) == allowed.end()) {
    std::string list;
    for (auto option : allowed) list += fmt::format("{}{}", list.empty() ? "" : ", ", option);
    return GatewayError::invalid_request(fmt::format("`{}` must be one of {}", name, list),
                                         std::string(name));
  }
  return std::move(**value);
}

// A fresh invitation for `user_id`: the record to store (only the token's digest) and the token.
struct NewInvitation {
  store::InvitationRecord record;
  std::string token;
};

NewInvitation make_invitation(std::int64_t user_id, store::UnixMillis now) {
  NewInvitation invitation;
  invitation.token = random_url_token(32);
  invitation.record.token_hash = sha256_hex(invitation.token);
  invitation.record.user_id = user_id;
  invitation.record.created_at = now;
  invitation.record.expires_at =
      now + std::chrono::duration_cast<std::chrono::milliseconds>(kInvitationLifetime).count();
  return invitation;
}

// The URL is relative: the UI shows it under its own origin, which the gateway may not know
// (a proxy in front of it).
json::object invitation_json(const NewInvitation& invitation) {
  return json::object{{"token", invitation.token},
                      {"url", "/admin/invite/" + invitation.token},
                      {"expires_at", invitation.record.expires_at}};
}

// A key change the directory must hear about (owners switched off or on, teams changed).
awaitable<void> refresh_key_directory(ConsoleCall& call) {
  if (!call.services.keys) co_return;
  auto refresh = call.services.keys->refresh_now();
  auto refreshed = co_await std::move(refresh);
  if (!refreshed) {
    spdlog::warn("admin console: key directory not refreshed after an identity change ({}); the "
                 "periodic refresh will apply it",
                 refreshed.error().message);
  }
}

awaitable<Expected<store::UserRecord>> path_user(ConsoleCall& call) {
  auto id = numeric_id(call, "user_id", "user");
  if (!id) co_return id.error();
  auto lookup = call.services.store.executor().run<std::optional<store::UserRecord>>(
      [id = *id](store::StoreConnection& c) { return store::queries::find_user_by_id(c, id); });
  auto user = co_await std::move(lookup);
  if (!user) co_return user.error();
  if (!*user) co_return not_found("user");
  co_return std::move(**user);
}

awaitable<Expected<store::TeamListing>> path_team(ConsoleCall& call) {
  auto lookup = call.services.store.executor().run<std::optional<store::TeamListing>>(
      [id = call.path_param("team_id")](store::StoreConnection& c) {
        return store::queries::find_team(c, id);
      });
  auto team = co_await std::move(lookup);
  if (!team) co_return team.error();
  if (!*team) co_return not_found("team");
  co_return std::move(**team);
}

awaitable<Expected<store::ServiceAccountListing>> path_service_account(ConsoleCall& call) {
  auto lookup = call.services.store.executor().run<std::optional<store::ServiceAccountListing>>(
      [id = call.path_param("service_account_id")](store::StoreConnection& c) {
        return store::queries::find_service_account(c, id);
      });
  auto account = co_await std::move(lookup);
  if (!account) co_return account.error();
  if (!*account) co_return not_found("service account");
  co_return std::move(**account);
}

// 400 naming `param` unless the team exists.
// (Arguments are references and plain values: a coroutine's arguments must not be temporaries
// made inside the co_await, which GCC 12 mishandles.)
awaitable<std::optional<GatewayError>> unknown_team(ConsoleCall& call, const std::string& team_id,
                                                    const char* param) {
  auto lookup = call.services.store.executor().run<std::optional<store::TeamListing>>(
      [team_id](store::StoreConnection& c) { return store::queries::find_team(c, team_id); });
  auto team = co_await std::move(lookup);
  if (!team) co_return team.error();
  if (!*team) {
    co_return GatewayError::invalid_request(fmt::format("team `{}` does not exist", team_id),
                                            std::string(param));
  }
  co_return std::nullopt;
}

// --- users

awaitable<Expected<ConsoleReply>> list_users(ConsoleCall& call) {
  auto list = call.services.store.executor().run<std::vector<store::UserRecord>>(
      [](store::StoreConnection& c) { return store::queries::list_users(c); });
  auto users = co_await std::move(list);
  if (!users) co_return users.error();
  json::array data;
  for (const auto& user : *users) data.push_back(user_json(user));
  co_return ConsoleReply::json(json::object{{"data", std::move(data)}});
}

awaitable<Expected<ConsoleReply>> create_user(ConsoleCall& call) {
  auto body = call.json_body();
  if (!body) co_return body.error();
  auto email = email_field(*body, "email");
  if (!email) co_return email.error();
  auto name = required_text(*body, "name");
  if (!name) co_return name.error();
  auto auth_mode = one_of(*body, "auth_mode", {"password", "oidc", "oauth"}, "password");
  if (!auth_mode) co_return auth_mode.error();
  auto global_role = one_of(*body, "global_role", {"user", "platform_admin"}, "user");
  if (!global_role) co_return global_role.error();
  auto team_id = optional_text(*body, "team_id");
  if (!team_id) co_return team_id.error();
  auto team_role = one_of(*body, "team_role", {"owner", "admin", "member"}, "member");
  if (!team_role) co_return team_role.error();
  if (*team_id) {
    *team_id = config::normalize_key(**team_id);
    auto missing = co_await unknown_team(call, **team_id, "team_id");
    if (missing) co_return *missing;
  } else if (body->contains("team_role") && !body->at("team_role").is_null()) {
    co_return GatewayError::invalid_request("`team_role` needs a `team_id`", "team_role");
  }

  store::UserRecord user;
  user.email = std::move(*email);
  user.name = std::move(*name);
  user.auth_mode = std::move(*auth_mode);
  user.global_role = std::move(*global_role);
  if (*team_id) {
    user.team_id = std::move(*team_id);
    user.team_role = std::move(*team_role);
  }
  // A password user has no password yet: invited until they accept the invitation. Single-sign-on
  // users prove who they are at their provider, so they can sign in at once.
  user.status = user.auth_mode == "password" ? "invited" : "active";
  user.created_at = call.now;
  std::optional<NewInvitation> invitation;
  if (user.auth_mode == "password") invitation = make_invitation(0, call.now);
  // Budget rows for the user, as seeding writes them for listed users (docs/identity.md).
  auto budgets = access::user_budget_rows(call.config(), user.email, std::nullopt);

  auto insert = call.services.store.executor().run<std::optional<store::UserRecord>>(
      [user, invitation, budgets](store::StoreConnection& c)
          -> Expected<std::optional<store::UserRecord>> {
        auto transaction = store::StoreTransaction::begin(c);
        if (!transaction) return transaction.error();
        auto id = store::queries::insert_user(c, user);
        if (!id) return id.error();
        for (const auto& budget : budgets) {
          if (auto done = store::queries::upsert_budget(c, budget); !done) return done.error();
        }
        if (invitation) {
          store::InvitationRecord record = invitation->record;
          record.user_id = *id;
          if (auto done = store::queries::insert_invitation(c, record); !done) return done.error();
        }
        auto created = store::queries::find_user_by_id(c, *id);
        if (!created) return created.error();
        if (auto committed = transaction->commit(); !committed) return committed.error();
        return created;
      });
  auto created = co_await std::move(insert);
  if (!created) {
    co_return taken_or(created.error(), fmt::format("a user with email `{}` already exists", user.email));
  }
  if (!*created) co_return not_found("user");
  json::object answer{{"user", user_json(**created)}};
  if (invitation) answer["invitation"] = invitation_json(*invitation);
  co_return ConsoleReply::json(answer, http::status::created);
}

awaitable<Expected<ConsoleReply>> update_user(ConsoleCall& call) {
  auto body = call.json_body();
  if (!body) co_return body.error();
  store::UserChange change;
  auto name = optional_text(*body, "name");
  if (!name) co_return name.error();
  change.name = std::move(*name);
  if (body->contains("global_role") && !body->at("global_role").is_null()) {
    auto role = one_of(*body, "global_role", {"user", "platform_admin"}, std::nullopt);
    if (!role) co_return role.error();
    change.global_role = std::move(*role);
  }
  auto logging = optional_bool(*body, "request_logging_enabled");
  if (!logging) co_return logging.error();
  change.request_logging_enabled = *logging;

  auto user = co_await path_user(call);
  if (!user) co_return user.error();
  const bool changes = (change.name && *change.name != user->name) ||
                       (change.global_role && *change.global_role != user->global_role) ||
                       (change.request_logging_enabled &&
                        *change.request_logging_enabled != user->request_logging_enabled);
  if (changes && listed_user(call.config(), user->email)) {
    co_return set_by_config(fmt::format("user `{}`", user->email));
  }
  if (change.global_role && *change.global_role != "platform_admin" && user->id == call.user().user.id) {
    // The admin console needs someone who can still administer it.
    co_return conflict("you cannot remove your own platform_admin role; ask another admin");
  }
  auto update = call.services.store.executor().run<std::optional<store::UserRecord>>(
      [id = user->id, change](store::StoreConnection& c) {
        return store::queries::update_user(c, id, change);
      });
  auto updated = co_await std::move(update);
  if (!updated) co_return updated.error();
  if (!*updated) co_return not_found("user");
  co_return ConsoleReply::json(json::object{{"user", user_json(**updated)}});
}

awaitable<Expected<ConsoleReply>> deactivate_user(ConsoleCall& call) {
  auto user = co_await path_user(call);
  if (!user) co_return user.error();
  if (user->id == call.user().user.id) co_return conflict("you cannot deactivate yourself");
  auto deactivate = call.services.store.executor().run<std::optional<store::UserRecord>>(
      [id = user->id](store::StoreConnection& c) { return store::queries::deactivate_user(c, id); });
  auto deactivated = co_await std::move(deactivate);
  if (!deactivated) co_return deactivated.error();
  if (!*deactivated) co_return not_found("user");
  co_await refresh_key_directory(call);  // their keys stop working here at once
  co_return ConsoleReply::json(json::object{{"user", user_json(**deactivated)}});
}

awaitable<Expected<ConsoleReply>> reactivate_user(ConsoleCall& call) {
  auto user = co_await path_user(call);
  if (!user) co_return user.error();
  auto reactivate = call.services.store.executor().run<std::optional<store::UserRecord>>(
      [id = user->id](store::StoreConnection& c) { return store::queries::reactivate_user(c, id); });
  auto reactivated = co_await std::move(reactivate);
  if (!reactivated) co_return reactivated.error();
  if (!*reactivated) co_return not_found("user");
  co_await refresh_key_directory(call);
  co_return ConsoleReply::json(json::object{{"user", user_json(**reactivated)}});
}

awaitable<Expected<ConsoleReply>> invite_user(ConsoleCall& call) {
  auto user = co_await path_user(call);
  if (!user) co_return user.error();
  if (user->auth_mode != "password") {
    co_return conflict(fmt::format("this user signs in with {}, not a password", user->auth_mode));
  }
  if (user->status == "deactivated") co_return conflict("this user is deactivated; reactivate them first");
  // Also how an admin resets a forgotten password: accepting sets a new one. Earlier links of the
  // user stop working (insert_invitation withdraws them).
  NewInvitation invitation = make_invitation(user->id, call.now);
  auto insert = call.services.store.executor().run<store::Done>(
      [record = invitation.record](store::StoreConnection& c) {
        return store::queries::insert_invitation(c, record);
      });
  auto inserted = co_await std::move(insert);
  if (!inserted) co_return inserted.error();
  co_return ConsoleReply::json(json::object{{"invitation", invitation_json(invitation)}});
}

// --- teams

awaitable<Expected<ConsoleReply>> list_teams(ConsoleCall& call) {
  auto list = call.services.store.executor().run<std::vector<store::TeamListing>>(
      [](store::StoreConnection& c) { return store::queries::list_teams(c); });
  auto teams = co_await std::move(list);
  if (!teams) co_return teams.error();
  json::array data;
  for (const auto& team : *teams) data.push_back(team_json(team));
  co_return ConsoleReply::json(json::object{{"data", std::move(data)}});
}

awaitable<Expected<ConsoleReply>> team_reply(ConsoleCall& call, const std::string& id,
                                             http::status status) {
  auto lookup = call.services.store.executor().run<std::optional<store::TeamListing>>(
      [id = std::string(id)](store::StoreConnection& c) { return store::queries::find_team(c, id); });
  auto team = co_await std::move(lookup);
  if (!team) co_return team.error();
  if (!*team) co_return not_found("team");
  co_return ConsoleReply::json(json::object{{"team", team_json(**team)}}, status);
}

awaitable<Expected<ConsoleReply>> create_team(ConsoleCall& call) {
  auto body = call.json_body();
  if (!body) co_return body.error();
  auto id = required_text(*body, "id");
  if (!id) co_return id.error();
  auto name = required_text(*body, "name");
  if (!name) co_return name.error();
  store::TeamRecord team{config::normalize_key(*id), std::move(*name)};
  auto insert = call.services.store.executor().run<store::Done>(
      [team](store::StoreConnection& c) { return store::queries::insert_team(c, team); });
  auto inserted = co_await std::move(insert);
  if (!inserted) {
    co_return taken_or(inserted.error(), fmt::format("team `{}` already exists", team.id));
  }
  co_return co_await team_reply(call, team.id, http::status::created);
}

awaitable<Expected<ConsoleReply>> rename_team(ConsoleCall& call) {
  auto body = call.json_body();
  if (!body) co_return body.error();
  auto name = required_text(*body, "name");
  if (!name) co_return name.error();
  auto team = co_await path_team(call);
  if (!team) co_return team.error();
  if (*name != team->team.name && listed_team(call.config(), team->team.id)) {
    co_return set_by_config(fmt::format("team `{}`", team->team.id));
  }
  auto rename = call.services.store.executor().run<bool>(
      [id = team->team.id, name = *name](store::StoreConnection& c) {
        return store::queries::rename_team(c, id, name);
      });
  auto renamed = co_await std::move(rename);
  if (!renamed) co_return renamed.error();
  co_return co_await team_reply(call, team->team.id, http::status::ok);
}

// Sets (or with no team, ends) a user's membership; the config's users are the file's to place.
awaitable<std::optional<GatewayError>> change_membership(ConsoleCall& call,
                                                         const store::UserRecord& user,
                                                         const std::optional<std::string>& team_id,
                                                         const std::optional<std::string>& role) {
  if ((user.team_id != team_id || user.team_role != role) && listed_user(call.config(), user.email)) {
    co_return set_by_config(fmt::format("user `{}`", user.email));
  }
  auto change = call.services.store.executor().run<std::optional<store::UserRecord>>(
      [id = user.id, team_id, role](store::StoreConnection& c) {
        return store::queries::set_team_membership(c, id, team_id, role);
      });
  auto changed = co_await std::move(change);
  if (!changed) co_return changed.error();
  if (!*changed) co_return not_found("user");
  co_await refresh_key_directory(call);  // the owner's team decides allowlisted models
  co_return std::nullopt;
}

awaitable<Expected<ConsoleReply>> add_member(ConsoleCall& call) {
  auto body = call.json_body();
  if (!body) co_return body.error();
  const auto* user_field = body->if_contains("user_id");
  if (user_field == nullptr || !user_field->is_int64() || user_field->as_int64() <= 0) {
    co_return GatewayError::invalid_request("`user_id` must be a user's numeric id", "user_id");
  }
  auto role = one_of(*body, "role", {"owner", "admin", "member"}, "member");
  if (!role) co_return role.error();
  auto team = co_await path_team(call);
  if (!team) co_return team.error();
  auto lookup = call.services.store.executor().run<std::optional<store::UserRecord>>(
      [id = user_field->as_int64()](store::StoreConnection& c) {
        return store::queries::find_user_by_id(c, id);
      });
  auto user = co_await std::move(lookup);
  if (!user) co_return user.error();
  if (!*user) co_return GatewayError::invalid_request("no user has this id", "user_id");
  // One team per user, as in the config: joining this team leaves any other.
  const std::optional<std::string> team_id = team->team.id;
  const std::optional<std::string> team_role = *role;
  auto refused = co_await change_membership(call, **user, team_id, team_role);
  if (refused) co_return *refused;
  co_return co_await team_reply(call, team->team.id, http::status::ok);
}

awaitable<Expected<ConsoleReply>> remove_member(ConsoleCall& call) {
  auto team = co_await path_team(call);
  if (!team) co_return team.error();
  auto user = co_await path_user(call);
  if (!user) co_return user.error();
  if (user->team_id != team->team.id) co_return not_found("team member");
  const std::optional<std::string> no_team;
  auto refused = co_await change_membership(call, *user, no_team, no_team);
  if (refused) co_return *refused;
  co_return co_await team_reply(call, team->team.id, http::status::ok);
}

// --- service accounts

awaitable<Expected<ConsoleReply>> list_service_accounts(ConsoleCall& call) {
  auto list = call.services.store.executor().run<std::vector<store::ServiceAccountListing>>(
      [](store::StoreConnection& c) { return store::queries::list_service_accounts(c); });
  auto accounts = co_await std::move(list);
  if (!accounts) co_return accounts.error();
  json::array data;
  for (const auto& account : *accounts) data.push_back(service_account_json(account));
  co_return ConsoleReply::json(json::object{{"data", std::move(data)}});
}

awaitable<Expected<ConsoleReply>> service_account_reply(ConsoleCall& call, const std::string& id,
                                                        http::status status) {
  auto lookup = call.services.store.executor().run<std::optional<store::ServiceAccountListing>>(
      [id = std::string(id)](store::StoreConnection& c) { return store::queries::find_service_account(c, id); });
  auto account = co_await std::move(lookup);
  if (!account) co_return account.error();
  if (!*account) co_return not_found("service account");
  co_return ConsoleReply::json(json::object{{"service_account", service_account_json(**account)}},
                               status);
}

awaitable<Expected<ConsoleReply>> create_service_account(ConsoleCall& call) {
  auto body = call.json_body();
  if (!body) co_return body.error();
  auto id = required_text(*body, "id");
  if (!id) co_return id.error();
  auto name = optional_text(*body, "name");
  if (!name) co_return name.error();
  auto team_id = required_text(*body, "team_id");
  if (!team_id) co_return team_id.error();
  store::ServiceAccountRecord account{*id, name->value_or(*id), config::normalize_key(*team_id)};
  auto missing = co_await unknown_team(call, account.team_id, "team_id");
  if (missing) co_return *missing;
  auto insert = call.services.store.executor().run<store::Done>(
      [account](store::StoreConnection& c) { return store::queries::insert_service_account(c, account); });
  auto inserted = co_await std::move(insert);
  if (!inserted) {
    co_return taken_or(inserted.error(), fmt::format("service account `{}` already exists", account.id));
  }
  co_return co_await service_account_reply(call, account.id, http::status::created);
}

awaitable<Expected<ConsoleReply>> update_service_account(ConsoleCall& call) {
  auto body = call.json_body();
  if (!body) co_return body.error();
  store::ServiceAccountChange change;
  auto name = optional_text(*body, "name");
  if (!name) co_return name.error();
  change.name = std::move(*name);
  auto team_id = optional_text(*body, "team_id");
  if (!team_id) co_return team_id.error();
  if (*team_id) change.team_id = config::normalize_key(**team_id);
  auto account = co_await path_service_account(call);
  if (!account) co_return account.error();
  const bool changes = (change.name && *change.name != account->account.name) ||
                       (change.team_id && *change.team_id != account->account.team_id);
  if (changes && listed_service_account(call.config(), account->account.id)) {
    co_return set_by_config(fmt::format("service account `{}`", account->account.id));
  }
  if (change.team_id) {
    auto missing = co_await unknown_team(call, *change.team_id, "team_id");
    if (missing) co_return *missing;
  }
  auto update = call.services.store.executor().run<bool>(
      [id = account->account.id, change](store::StoreConnection& c) {
        return store::queries::update_service_account(c, id, change);
      });
  auto updated = co_await std::move(update);
  if (!updated) co_return updated.error();
  if (change.team_id) co_await refresh_key_directory(call);  // the key's team follows its owner
  co_return co_await service_account_reply(call, account->account.id, http::status::ok);
}

awaitable<Expected<ConsoleReply>> disable_service_account(ConsoleCall& call) {
  auto account = co_await path_service_account(call);
  if (!account) co_return account.error();
  if (listed_service_account(call.config(), account->account.id)) {
    // Seeding would not re-enable it, but the file says the account exists and is used: stop its
    // keys one by one (revoke), or remove it from the file.
    co_return set_by_config(fmt::format("service account `{}`", account->account.id));
  }
  auto disable = call.services.store.executor().run<bool>(
      [id = account->account.id, at = call.now](store::StoreConnection& c) {
        return store::queries::disable_service_account(c, id, at);
      });
  auto disabled = co_await std::move(disable);
  if (!disabled) co_return disabled.error();
  co_await refresh_key_directory(call);  // its keys stop working here at once
  co_return co_await service_account_reply(call, account->account.id, http::status::ok);
}

// --- directory

awaitable<Expected<ConsoleReply>> directory_users(ConsoleCall& call) {
  auto list = call.services.store.executor().run<std::vector<store::UserRecord>>(
      [](store::StoreConnection& c) { return store::queries::list_users(c); });
  auto users = co_await std::move(list);
  if (!users) co_return users.error();
  json::array data;
  for (const auto& user : *users) {
    if (user.status == "deactivated") continue;
    data.push_back(json::object{{"id", user.id}, {"email", user.email}, {"name", user.name}});
  }
  co_return ConsoleReply::json(json::object{{"data", std::move(data)}});
}

awaitable<Expected<ConsoleReply>> directory_teams(ConsoleCall& call) {
  auto list = call.services.store.executor().run<std::vector<store::TeamListing>>(
      [](store::StoreConnection& c) { return store::queries::list_teams(c); });
  auto teams = co_await std::move(list);
  if (!teams) co_return teams.error();
  json::array data;
  for (const auto& team : *teams) {
    data.push_back(json::object{{"id", team.team.id}, {"name", team.team.name}});
  }
  co_return ConsoleReply::json(json::object{{"data", std::move(data)}});
}

}  // namespace

void add_identity_routes(ConsoleRoutes& routes) {
  const std::string users = "/api/v1/admin/identity/users";
  const std::string teams = "/api/v1/admin/identity/teams";
  const std::string accounts = "/api/v1/admin/identity/service-accounts";
  routes.add(http::verb::get, users, RouteGuard::page_of(AdminPage::kUsers), list_users);
  routes.add(http::verb::post, users, RouteGuard::admin_page(AdminPage::kUsers), create_user);
  routes.add(http::verb::patch, users + "/{user_id}", RouteGuard::admin_page(AdminPage::kUsers),
             update_user);
  routes.add(http::verb::post, users + "/{user_id}/deactivate",
             RouteGuard::admin_page(AdminPage::kUsers), deactivate_user);
  routes.add(http::verb::post, users + "/{user_id}/reactivate",
             RouteGuard::admin_page(AdminPage::kUsers), reactivate_user);
  routes.add(http::verb::post, users + "/{user_id}/password-invite",
             RouteGuard::admin_page(AdminPage::kUsers), invite_user);

  routes.add(http::verb::get, teams, RouteGuard::page_of(AdminPage::kTeams), list_teams);
  routes.add(http::verb::post, teams, RouteGuard::admin_page(AdminPage::kTeams), create_team);
  routes.add(http::verb::patch, teams + "/{team_id}", RouteGuard::admin_page(AdminPage::kTeams),
             rename_team);
  routes.add(http::verb::post, teams + "/{team_id}/members",
             RouteGuard::admin_page(AdminPage::kTeams), add_member);
  routes.add(http::verb::delete_, teams + "/{team_id}/members/{user_id}",
             RouteGuard::admin_page(AdminPage::kTeams), remove_member);

  routes.add(http::verb::get, accounts, RouteGuard::page_of(AdminPage::kServiceAccounts),
             list_service_accounts);
  routes.add(http::verb::post, accounts, RouteGuard::admin_page(AdminPage::kServiceAccounts),
             create_service_account);
  routes.add(http::verb::patch, accounts + "/{service_account_id}",
             RouteGuard::admin_page(AdminPage::kServiceAccounts), update_service_account);
  routes.add(http::verb::delete_, accounts + "/{service_account_id}",
             RouteGuard::admin_page(AdminPage::kServiceAccounts), disable_service_account);

  routes.add(http::verb::get, "/api/v1/identity/directory/users", RouteGuard::signed_in(),
             directory_users);
  routes.add(http::verb::get, "/api/v1/identity/directory/teams", RouteGuard::signed_in(),
             directory_teams);
}

}  // namespace sluice::console
