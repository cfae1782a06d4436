// Single sign-on (api.md §1.5): OIDC providers (auth.oidc) and GitHub OAuth (auth.oauth).
//
// start: the sso/ client makes the state, nonce and PKCE verifier; the store keeps them (by the
// state's SHA-256, for 10 minutes, redeemable once) and the browser gets a short-lived cookie with
// the state, then goes to the provider. callback: the state must match that cookie (so nobody can
// finish their own login in someone else's browser), the flow is taken from the store, the client
// redeems the code and checks the identity, and the user is found by email — or created when the
// provider's `jit` allows — and gets a session, then the browser goes to /admin/.
#include "console/ConsoleErrors.h"
#include "console/ConsoleRouteSets.h"
#include "console/Sessions.h"
#include "core/Digest.h"
#include "sso/GitHubOAuthClient.h"
#include "sso/OidcClient.h"
#include "store/ConsoleQueries.h"
#include "store/StoreQueries.h"
#include "upstream/UpstreamClient.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace sluice::console {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

constexpr std::string_view kFlowCookie = "sluice_sso_state";
constexpr store::UnixMillis kFlowLifetimeMs = 10 * 60 * 1000;

// One set of clients per I/O thread, like the data plane's upstream client: the OIDC discovery
// and JWKS cache and the connection pool are used only by the thread that owns them.
struct SsoClients {
  explicit SsoClients(asio::io_context& io) : http(io), oidc(http), github(http) {}
  upstream::UpstreamClient http;
  sso::OidcClient oidc;
  sso::GitHubOAuthClient github;
};

awaitable<SsoClients*> sso_clients() {
  thread_local std::unique_ptr<SsoClients> clients;
  thread_local asio::io_context* clients_io = nullptr;
  auto executor = co_await asio::this_coro::executor;
  auto& io = static_cast<asio::io_context&>(asio::query(executor, asio::execution::context));
  if (!clients || clients_io != &io) {
    clients = std::make_unique<SsoClients>(io);
    clients_io = &io;
  }
  co_return clients.get();
}

enum class SsoKind { kOidc, kOAuth };

std::string_view kind_text(SsoKind kind) { return kind == SsoKind::kOidc ? "oidc" : "oauth"; }

std::string_view callback_path(SsoKind kind) {
  return kind == SsoKind::kOidc ? "/api/v1/auth/oidc/callback" : "/api/v1/auth/oauth/callback/github";
}

// The address the provider sends the browser back to: the configured public base URL, else this
// request's own host (http for a plain loopback request, https elsewhere — a gateway reached by
// name sits behind TLS).
std::string redirect_uri(const ConsoleCall& call, SsoKind kind) {
  const auto& configured = kind == SsoKind::kOidc ? call.config().auth.oidc.public_base_url
                                                  : call.config().auth.oauth.public_base_url;
  std::string base;
  if (configured) {
    base = *configured;
    while (base.ends_with('/')) base.pop_back();
  } else {
    const auto host = call.request().find(http::field::host);
    const std::string host_value = host != call.request().end() ? std::string(host->value()) : "";
    base = fmt::format("{}://{}", loopback_request(call) ? "http" : "https", host_value);
  }
  return base + std::string(callback_path(kind));
}

const config::OidcProviderConfig* oidc_provider(const ConsoleCall& call, std::string_view key) {
  for (const auto& provider : call.config().auth.oidc.providers) {
    if (provider.key == key && provider.enabled) return &provider;
  }
  return nullptr;
}

const config::OAuthProviderConfig* oauth_provider(const ConsoleCall& call, std::string_view key) {
  for (const auto& provider : call.config().auth.oauth.providers) {
    if (provider.key == key && provider.enabled) return &provider;
  }
  return nullptr;
}

std::string flow_cookie(const ConsoleCall& call, std::string_view value, bool clear) {
  return set_cookie(call, kFlowCookie, value, "/api/v1/auth", clear ? 0 : kFlowLifetimeMs / 1000);
}

json::object provider_list(const ConsoleCall& call, SsoKind kind) {
  json::array data;
  if (kind == SsoKind::kOidc) {
    for (const auto& p : call.config().auth.oidc.providers) {
      if (p.enabled) data.push_back(json::object{{"key", p.key}, {"label", p.label}});
    }
  } else {
    for (const auto& p : call.config().auth.oauth.providers) {
      if (p.enabled) data.push_back(json::object{{"key", p.key}, {"label", p.label}});
    }
  }
  return json::object{{"data", std::move(data)}};
}

awaitable<Expected<ConsoleReply>> list_oidc(ConsoleCall& call) {
  co_return ConsoleReply::json(provider_list(call, SsoKind::kOidc));
}
awaitable<Expected<ConsoleReply>> list_oauth(ConsoleCall& call) {
  co_return ConsoleReply::json(provider_list(call, SsoKind::kOAuth));
}

awaitable<Expected<ConsoleReply>> start_sign_in(ConsoleCall& call, SsoKind kind) {
  const std::string key = call.query("provider").value_or("");
  const std::string redirect = redirect_uri(call, kind);
  SsoClients* clients = co_await sso_clients();
  Expected<sso::PendingSsoLogin> pending = not_found(fmt::format("sign-in provider `{}`", key));
  if (kind == SsoKind::kOidc) {
    const auto* provider = oidc_provider(call, key);
    if (provider == nullptr) co_return pending.error();
    auto started = clients->oidc.start(*provider, redirect);
    pending = co_await std::move(started);
  } else {
    const auto* provider = oauth_provider(call, key);
    if (provider == nullptr) co_return pending.error();
    auto started = clients->github.start(*provider, redirect);
    pending = co_await std::move(started);
  }
  if (!pending) co_return pending.error();
  store::LoginFlowRecord flow;
  flow.state_hash = sha256_hex(pending->state);
  flow.provider_kind = std::string(kind_text(kind));
  flow.provider_key = key;
  flow.nonce = pending->nonce;
  flow.code_verifier = pending->code_verifier;
  flow.created_at = call.now;
  flow.expires_at = call.now + kFlowLifetimeMs;
  const auto now = call.now;
  auto insert = call.services.store.executor().run<store::Done>(
      [flow, now](store::StoreConnection& c) { return store::queries::insert_login_flow(c, flow, now); });
  auto inserted = co_await std::move(insert);
  if (!inserted) co_return inserted.error();
  ConsoleReply reply = ConsoleReply::redirect(pending->authorization_url);
  reply.with_header("Set-Cookie", flow_cookie(call, pending->state, false));
  co_return reply;
}

awaitable<Expected<ConsoleReply>> start_oidc(ConsoleCall& call) { co_return co_await start_sign_in(call, SsoKind::kOidc); }
awaitable<Expected<ConsoleReply>> start_oauth(ConsoleCall& call) { co_return co_await start_sign_in(call, SsoKind::kOAuth); }

// The store's user for a verified identity: the existing one (when its sign-in method allows this
// provider), or a new one when the provider's jit section creates users.
awaitable<Expected<store::UserRecord>> user_for(ConsoleCall& call, SsoKind kind,
                                                const std::string& provider_key,
                                                const config::JitConfig& jit,
                                                const sso::SsoIdentity& identity) {
  auto lookup = call.services.store.executor().run<std::optional<store::UserRecord>>(
      [email = identity.email](store::StoreConnection& c) { return store::queries::find_user(c, email); });
  auto found = co_await std::move(lookup);
  if (!found) co_return found.error();
  if (*found) {
    store::UserRecord user = std::move(**found);
    if (user.status == "deactivated") co_return user_deactivated();
    if (user.auth_mode != kind_text(kind)) {
      co_return GatewayError::sso_failed(fmt::format("{} signs in with {}, not this provider", user.email,
                                           user.auth_mode));
    }
    // A user the file binds to one provider signs in only through that one.
    for (const auto& configured : call.config().users) {
      if (configured.email != user.email) continue;
      const auto& bound = kind == SsoKind::kOidc ? configured.oidc_provider_key : configured.oauth_provider_key;
      if (bound && *bound != provider_key) {
        co_return GatewayError::sso_failed(fmt::format("{} signs in with provider `{}`", user.email, *bound));
      }
    }
    if (user.status == "invited") {
      auto activate = call.services.store.executor().run<store::Done>(
          [id = user.id](store::StoreConnection& c) { return store::queries::activate_invited_user(c, id); });
      auto activated = co_await std::move(activate);
      if (!activated) co_return activated.error();
      user.status = "active";
    }
    co_return user;
  }
  if (!jit.enabled) {
    co_return insufficient_privileges(
        fmt::format("sign in: there is no account for {} (ask an admin to invite you)", identity.email));
  }
  store::UserRecord user;
  user.email = identity.email;
  user.name = identity.name.empty() ? identity.email : identity.name;
  user.auth_mode = std::string(kind_text(kind));
  user.global_role = jit.global_role == config::GlobalRole::kPlatformAdmin ? "platform_admin" : "user";
  if (jit.membership) {
    user.team_id = jit.membership->team;
    user.team_role = jit.membership->role == config::TeamRole::kAdmin ? "admin" : "member";
  }
  user.request_logging_enabled = jit.request_logging_enabled;
  user.created_at = call.now;
  user.status = "active";
  auto create = call.services.store.executor().run<std::optional<store::UserRecord>>(
      [user](store::StoreConnection& c) -> Expected<std::optional<store::UserRecord>> {
        auto id = store::queries::insert_user(c, user);  // a concurrent first sign-in: 409
        if (!id) return id.error();
        return store::queries::find_user_by_id(c, *id);
      });
  auto created = co_await std::move(create);
  if (!created) co_return created.error();
  if (!*created) co_return not_found("the new user");
  spdlog::info("console: created {} at their first {} sign-in (jit)", identity.email, kind_text(kind));
  co_return std::move(**created);
}

awaitable<Expected<ConsoleReply>> finish_sign_in(ConsoleCall& call, SsoKind kind) {
  if (call.query("error")) {
    co_return GatewayError::sso_failed("the identity provider did not sign you in");
  }
  const std::string state = call.query("state").value_or("");
  const std::string code = call.query("code").value_or("");
  if (state.empty() || code.empty()) co_return GatewayError::sso_failed("the callback lacks `code` or `state`");
  const auto cookie = cookie_value(call.request(), kFlowCookie);
  if (!cookie || !constant_time_equal(sha256(*cookie), sha256(state))) {
    co_return GatewayError::sso_failed("this sign-in was not started in this browser; start again");
  }
  auto take = call.services.store.executor().run<std::optional<store::LoginFlowRecord>>(
      [state_hash = sha256_hex(state)](store::StoreConnection& c) {
        return store::queries::take_login_flow(c, state_hash);
      });
  auto taken = co_await std::move(take);
  if (!taken) co_return taken.error();
  if (!*taken || (*taken)->expires_at <= call.now || (*taken)->provider_kind != kind_text(kind)) {
    co_return GatewayError::sso_failed("this sign-in expired or was already used; start again");
  }
  const store::LoginFlowRecord& flow = **taken;
  sso::PendingSsoLogin pending{flow.provider_kind, flow.provider_key, state, flow.nonce,
                               flow.code_verifier, ""};
  const std::string redirect = redirect_uri(call, kind);
  SsoClients* clients = co_await sso_clients();
  Expected<sso::SsoIdentity> identity = not_found(fmt::format("sign-in provider `{}`", flow.provider_key));
  const config::JitConfig* jit = nullptr;
  if (kind == SsoKind::kOidc) {
    const auto* provider = oidc_provider(call, flow.provider_key);
    if (provider == nullptr) co_return identity.error();
    jit = &provider->jit;
    auto finished = clients->oidc.finish(*provider, redirect, pending, code);
    identity = co_await std::move(finished);
  } else {
    const auto* provider = oauth_provider(call, flow.provider_key);
    if (provider == nullptr) co_return identity.error();
    jit = &provider->jit;
    auto finished = clients->github.finish(*provider, redirect, pending, code);
    identity = co_await std::move(finished);
  }
  if (!identity) co_return identity.error();
  auto user = co_await user_for(call, kind, flow.provider_key, *jit, *identity);
  if (!user) co_return user.error();
  auto session = co_await open_session(call, *user);
  if (!session) co_return session.error();
  // The browser lands in the console with its session cookie; the state cookie is spent.
  ConsoleReply reply = ConsoleReply::redirect("/admin/");
  for (auto& header : session->headers) reply.headers.push_back(std::move(header));
  reply.with_header("Set-Cookie", flow_cookie(call, "", true));
  co_return reply;
}

awaitable<Expected<ConsoleReply>> finish_oidc(ConsoleCall& call) { co_return co_await finish_sign_in(call, SsoKind::kOidc); }
awaitable<Expected<ConsoleReply>> finish_oauth(ConsoleCall& call) { co_return co_await finish_sign_in(call, SsoKind::kOAuth); }

}  // namespace

void add_sso_routes(ConsoleRoutes& routes) {
  const auto open = RouteGuard::open();
  routes.add(http::verb::get, "/api/v1/auth/oidc/providers", open, list_oidc);
  routes.add(http::verb::get, "/api/v1/auth/oidc/start", open, start_oidc);
  routes.add(http::verb::get, "/api/v1/auth/oidc/callback", open, finish_oidc);
  routes.add(http::verb::get, "/api/v1/auth/oauth/providers", open, list_oauth);
  routes.add(http::verb::get, "/api/v1/auth/oauth/start", open, start_oauth);
  routes.add(http::verb::get, "/api/v1/auth/oauth/callback/github", open, finish_oauth);
}

}  // namespace sluice::console
