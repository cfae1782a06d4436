// The API-key endpoints (docs/admin-api.md, "API keys"): list, create, rename and regrant, revoke,
// and reveal a managed key's secret.
//
// Who sees a key: its owner (a user sees their own keys), the team admins of a service account's
// team, and platform admins. A key the caller may not see answers 404 like a key that does not
// exist, so ids cannot be probed. Every change refreshes this instance's key directory before it
// answers, so a new key works, and a revoked one stops, at once (other instances: at their next
// periodic refresh).
#include "access/ApiKeyMint.h"
#include "config/ApiKeyFormat.h"
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
#include <set>

namespace sluice::console {

namespace http = boost::beast::http;
namespace json = boost::json;
using boost::asio::awaitable;
using config::ApiKeyAction;

namespace {

bool may_see(const SignedIn& caller, const store::ApiKeyListing& listing) {
  if (caller.platform_admin()) return true;
  const store::Principal& owner = listing.key.owner;
  if (owner.kind == store::PrincipalKind::kUser) return owner.id == caller.user.email;
  return listing.owner_team && caller.team_admin_of(*listing.owner_team);
}

store::ApiKeyListQuery visible_to(const SignedIn& caller, bool include_revoked) {
  store::ApiKeyListQuery query;
  query.include_revoked = include_revoked;
  if (caller.platform_admin()) return query;
  query.every_owner = false;
  query.owners.push_back(caller.principal());
  if (caller.user.team_id && caller.team_admin_of(*caller.user.team_id)) {
    query.service_accounts_of_team = caller.user.team_id;
  }
  return query;
}

// The models a body grants: each must be a model of the running config (aliases included, as
// themselves); sorted, without duplicates.
Expected<std::optional<std::vector<std::string>>> granted_models(const ConsoleCall& call,
                                                                 const json::object& body) {
  auto models = optional_text_list(body, "models");
  if (!models || !*models) return models;
  std::set<std::string> unique;
  for (const std::string& model : **models) {
    if (call.config().find_model(model) == nullptr) {
      return GatewayError::invalid_request(fmt::format("model `{}` does not exist", model), "models");
    }
    unique.insert(model);
  }
  return std::optional<std::vector<std::string>>(std::vector<std::string>(unique.begin(), unique.end()));
}

// The key the path names, if the caller may see it.
awaitable<Expected<store::ApiKeyListing>> visible_key(ConsoleCall& call) {
  auto id = numeric_id(call, "api_key_id", "api key");
  if (!id) co_return id.error();
  auto lookup = call.services.store.executor().run<std::optional<store::ApiKeyListing>>(
      [id = *id](store::StoreConnection& c) { return store::queries::find_api_key_by_id(c, id); });
  auto found = co_await std::move(lookup);
  if (!found) co_return found.error();
  if (!*found || !may_see(call.user(), **found)) co_return not_found("api key");
  co_return std::move(**found);
}

awaitable<Expected<store::ApiKeyListing>> reread_key(ConsoleCall& call, std::int64_t id) {
  auto lookup = call.services.store.executor().run<std::optional<store::ApiKeyListing>>(
      [id](store::StoreConnection& c) { return store::queries::find_api_key_by_id(c, id); });
  auto found = co_await std::move(lookup);
  if (!found) co_return found.error();
  if (!*found) co_return not_found("api key");
  co_return std::move(**found);
}

// The change is already stored; a failed refresh only delays it here to the periodic refresh, so
// it is logged rather than turned into an error the caller would retry (or, for a new key, a
// secret they would never see).
awaitable<void> refresh_key_directory(ConsoleCall& call) {
  if (!call.services.keys) co_return;
  auto refresh = call.services.keys->refresh_now();
  auto refreshed = co_await std::move(refresh);
  if (!refreshed) {
    spdlog::warn("admin console: key directory not refreshed after a key change ({}); the "
                 "periodic refresh will apply it",
                 refreshed.error().message);
  }
}

// Who a new key belongs to.
struct KeyOwner {
  store::Principal principal;
};

awaitable<Expected<KeyOwner>> owner_of_new_key(ConsoleCall& call, const json::object& body) {
  const SignedIn& caller = call.user();
  const auto* field = body.if_contains("owner");
  if (field == nullptr || field->is_null()) co_return KeyOwner{caller.principal()};
  const GatewayError malformed = GatewayError::invalid_request(
      "`owner` must be {\"kind\": \"user\"|\"service_account\", \"id\": …}", "owner");
  if (!field->is_object()) co_return malformed;
  const json::object& owner = field->as_object();
  const auto* kind = owner.if_contains("kind");
  const auto* id = owner.if_contains("id");
  if (kind == nullptr || !kind->is_string() || id == nullptr) co_return malformed;

  if (kind->as_string() == "user") {
    // A user is named by email (their principal id) or by numeric id.
    std::optional<std::string> email;
    std::optional<std::int64_t> user_id;
    if (id->is_string()) {
      auto text = email_field(owner, "id");
      if (!text) co_return malformed;
      email = *text;
    } else if (id->is_int64() && id->as_int64() > 0) {
      user_id = id->as_int64();
    } else {
      co_return malformed;
    }
    const bool self = email ? *email == caller.user.email : *user_id == caller.user.id;
    if (self) co_return KeyOwner{caller.principal()};
    if (!caller.platform_admin()) co_return insufficient_privileges("create keys for another user");
    auto lookup = call.services.store.executor().run<std::optional<store::UserRecord>>(
        [email, user_id](store::StoreConnection& c) {
          return email ? store::queries::find_user(c, *email)
                       : store::queries::find_user_by_id(c, *user_id);
        });
    auto user = co_await std::move(lookup);
    if (!user) co_return user.error();
    if (!*user || (*user)->status == "deactivated") {
      co_return GatewayError::invalid_request("`owner` is not an active user", "owner");
    }
    co_return KeyOwner{{store::PrincipalKind::kUser, (*user)->email}};
  }

  if (kind->as_string() == "service_account") {
    if (!id->is_string()) co_return malformed;
    if (!caller.platform_admin() && !(caller.user.team_id && caller.team_admin_of(*caller.user.team_id))) {
      co_return insufficient_privileges("create keys for a service account");
    }
    auto lookup = call.services.store.executor().run<std::optional<store::ServiceAccountListing>>(
        [account_id = std::string(id->as_string())](store::StoreConnection& c) {
          return store::queries::find_service_account(c, account_id);
        });
    auto account = co_await std::move(lookup);
    if (!account) co_return account.error();
    if (!*account || (*account)->disabled_at) {
      co_return GatewayError::invalid_request("`owner` is not an active service account", "owner");
    }
    if (!caller.platform_admin() && !caller.team_admin_of((*account)->account.team_id)) {
      co_return insufficient_privileges("create keys for another team's service account");
    }
    co_return KeyOwner{{store::PrincipalKind::kServiceAccount, (*account)->account.id}};
  }
  co_return malformed;
}

// The listing GET /api-keys asks for: the caller's visible keys, revoked ones on request.
store::ApiKeyListQuery requested_listing(const ConsoleCall& call) {
  const std::optional<std::string> include = call.query("include_revoked");
  return visible_to(call.user(), include && *include == "true");
}

awaitable<Expected<ConsoleReply>> list_keys(ConsoleCall& call) {
  auto list = call.services.store.executor().run<std::vector<store::ApiKeyListing>>(
      [query = requested_listing(call)](store::StoreConnection& c) {
        return store::queries::list_api_key_listings(c, query);
      });
  auto keys = co_await std::move(list);
  if (!keys) co_return keys.error();
  json::array data;
  for (const auto& key : *keys) data.push_back(key_json(key));
  co_return ConsoleReply::json(json::object{{"data", std::move(data)}});
}

awaitable<Expected<ConsoleReply>> create_key(ConsoleCall& call) {
  auto body = call.json_body();
  if (!body) co_return body.error();
  auto name = required_text(*body, "name");
  if (!name) co_return name.error();
  auto models = granted_models(call, *body);
  if (!models) co_return models.error();
  auto owner = co_await owner_of_new_key(call, *body);
  if (!owner) co_return owner.error();

  // Admin-made keys are not managed: only the hash is kept, and the secret is shown this once.
  const std::string minted = access::mint_api_key();
  const auto parsed = config::parse_api_key(minted);
  store::ApiKeyRecord row;
  row.public_id = std::string(parsed->public_id);
  row.secret_hash = sha256_hex(parsed->secret);
  row.name = std::move(*name);
  row.owner = owner->principal;
  row.created_at = call.now;
  row.granted_models = models->value_or(std::vector<std::string>());
  auto insert = call.services.store.executor().run<std::optional<store::ApiKeyListing>>(
      [row](store::StoreConnection& c) -> Expected<std::optional<store::ApiKeyListing>> {
        auto id = store::queries::upsert_api_key(c, row);  // no config key id: always a new row
        if (!id) return id.error();
        return store::queries::find_api_key_by_id(c, *id);
      });
  auto created = co_await std::move(insert);
  if (!created) co_return created.error();
  if (!*created) co_return not_found("api key");
  co_await refresh_key_directory(call);
  co_return ConsoleReply::json(json::object{{"key", key_json(**created)}, {"secret", minted}},
                               http::status::created);
}

awaitable<Expected<ConsoleReply>> update_key(ConsoleCall& call) {
  auto body = call.json_body();
  if (!body) co_return body.error();
  store::ApiKeyChange change;
  auto name = optional_text(*body, "name");
  if (!name) co_return name.error();
  change.name = std::move(*name);
  auto models = granted_models(call, *body);
  if (!models) co_return models.error();
  change.granted_models = std::move(*models);
  auto key = co_await visible_key(call);
  if (!key) co_return key.error();
  if (key->key.revoked()) co_return conflict("this key is revoked; create a new one");
  if (key->key.config_key_id) {
    // Seeding sets a config key's name and grants at every start and reload.
    co_return conflict("this key is set by the config file (service_accounts[].keys[]); change it there");
  }
  auto update = call.services.store.executor().run<bool>(
      [id = key->key.id, change](store::StoreConnection& c) {
        return store::queries::update_api_key(c, id, change);
      });
  auto updated = co_await std::move(update);
  if (!updated) co_return updated.error();
  auto after = co_await reread_key(call, key->key.id);
  if (!after) co_return after.error();
  co_await refresh_key_directory(call);
  co_return ConsoleReply::json(json::object{{"key", key_json(*after)}});
}

awaitable<Expected<ConsoleReply>> revoke_key(ConsoleCall& call) {
  auto key = co_await visible_key(call);
  if (!key) co_return key.error();
  // Revoking twice keeps the first revocation's time: the answer is the key as it stands.
  auto revoke = call.services.store.executor().run<bool>(
      [id = key->key.id, at = call.now](store::StoreConnection& c) {
        return store::queries::revoke_api_key(c, id, at);
      });
  auto revoked = co_await std::move(revoke);
  if (!revoked) co_return revoked.error();
  auto after = co_await reread_key(call, key->key.id);
  if (!after) co_return after.error();
  co_await refresh_key_directory(call);
  co_return ConsoleReply::json(json::object{{"key", key_json(*after)}});
}

awaitable<Expected<ConsoleReply>> reveal_key(ConsoleCall& call) {
  auto key = co_await visible_key(call);
  if (!key) co_return key.error();
  if (key->key.revoked()) co_return conflict("this key is revoked");
  if (!key->key.encrypted_secret) co_return conflict("this key's secret is not kept");
  if (!call.services.cipher) {
    co_return conflict("this gateway has no key encryption key (SLUICE_API_KEY_SECRET_ENCRYPTION_KEY), "
                       "so it cannot open the key's secret");
  }
  auto secret = call.services.cipher->decrypt(*key->key.encrypted_secret);
  if (!secret) {
    // A wrong or rotated encryption key: the operator's problem, not the caller's request.
    spdlog::error("admin console: managed key {} does not decrypt: {}", key->key.public_id,
                  secret.error().message);
    co_return GatewayError::internal();
  }
  spdlog::info("admin console: {} revealed the secret of key {}", call.user().user.email,
               key->key.public_id);
  co_return ConsoleReply::json(json::object{{"secret", std::move(*secret)}});
}

}  // namespace

void add_api_key_routes(ConsoleRoutes& routes) {
  using config::AdminPage;
  routes.add(http::verb::get, "/api/v1/admin/api-keys", RouteGuard::page_of(AdminPage::kApiKeys),
             list_keys);
  routes.add(http::verb::post, "/api/v1/admin/api-keys",
             RouteGuard::action_of(ApiKeyAction::kCreateApiKey), create_key);
  routes.add(http::verb::patch, "/api/v1/admin/api-keys/{api_key_id}",
             RouteGuard::action_of(ApiKeyAction::kUpdateApiKey), update_key);
  routes.add(http::verb::post, "/api/v1/admin/api-keys/{api_key_id}/revoke",
             RouteGuard::action_of(ApiKeyAction::kRevokeApiKey), revoke_key);
  routes.add(http::verb::post, "/api/v1/admin/api-keys/{api_key_id}/secret/reveal",
             RouteGuard::action_of(ApiKeyAction::kRevealApiKey), reveal_key);
}

}  // namespace sluice::console
