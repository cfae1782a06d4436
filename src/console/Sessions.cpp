#include "console/Sessions.h"

#include "config/EnumNames.h"
#include "console/ConsoleJson.h"
#include "core/Digest.h"
#include "store/ConsoleQueries.h"

#include <boost/algorithm/string/trim.hpp>
#include <fmt/format.h>

namespace sluice::console {

namespace json = boost::json;
namespace http = boost::beast::http;
using boost::asio::awaitable;

namespace {

constexpr store::UnixMillis kTouchEveryMs = 60'000;

store::UnixMillis millis(std::chrono::milliseconds duration) { return duration.count(); }

bool loopback_host(std::string_view host) {
  // Host header: name or address, optional port; IPv6 literals are bracketed.
  if (host.starts_with("[")) return host.starts_with("[::1]");
  host = host.substr(0, host.find(':'));
  return host == "localhost" || host == "127.0.0.1" || host.starts_with("127.");
}

bool loopback_address(std::string_view address) {
  return address == "::1" || address.starts_with("127.") || address.starts_with("::ffff:127.");
}

}  // namespace

std::optional<std::string> cookie_value(const server::Request& request, std::string_view name) {
  for (const auto& field : request) {
    if (field.name() != http::field::cookie) continue;
    std::string_view cookies = field.value();
    while (!cookies.empty()) {
      const auto end = cookies.find(';');
      std::string pair(cookies.substr(0, end));
      boost::algorithm::trim(pair);
      const auto equals = pair.find('=');
      if (equals != std::string::npos && std::string_view(pair).substr(0, equals) == name) {
        return pair.substr(equals + 1);
      }
      cookies = end == std::string_view::npos ? std::string_view() : cookies.substr(end + 1);
    }
  }
  return std::nullopt;
}

std::optional<std::string> session_cookie(const server::Request& request) {
  return cookie_value(request, kSessionCookie);
}

bool loopback_request(const ConsoleCall& call) {
  const auto host = call.request().find(http::field::host);
  const std::string_view host_value = host != call.request().end() ? host->value() : "";
  return loopback_address(call.client_address()) && loopback_host(host_value);
}

std::string set_cookie(const ConsoleCall& call, std::string_view name, std::string_view value,
                       std::string_view path, std::optional<long> max_age_seconds) {
  std::string header = fmt::format("{}={}; Path={}; HttpOnly; SameSite=Lax", name, value, path);
  if (!loopback_request(call)) header += "; Secure";
  if (max_age_seconds) header += fmt::format("; Max-Age={}", *max_age_seconds);
  return header;
}

awaitable<Expected<std::optional<SignedIn>>> resolve_session(ConsoleCall& call) {
  const auto cookie = session_cookie(call.request());
  if (!cookie || cookie->empty()) co_return std::optional<SignedIn>();
  const std::string id_hash = sha256_hex(*cookie);
  auto lookup = call.services.store.executor().run<std::optional<store::SignedInRow>>(
      [id_hash](store::StoreConnection& c) { return store::queries::find_session(c, id_hash); });
  auto found = co_await std::move(lookup);
  if (!found) co_return found.error();
  if (!*found) co_return std::optional<SignedIn>();
  const store::SignedInRow& row = **found;
  const bool expired = row.session.expires_at <= call.now ||
                       row.session.last_seen_at + millis(kSessionIdleLimit) <= call.now;
  if (expired || row.user.status == "deactivated") {
    auto end = call.services.store.executor().run<store::Done>(
        [id_hash](store::StoreConnection& c) { return store::queries::delete_session(c, id_hash); });
    co_await std::move(end);
    co_return std::optional<SignedIn>();
  }
  // Idle expiry needs last_seen_at, but not to the millisecond: one write a minute per session.
  if (row.session.last_seen_at + kTouchEveryMs <= call.now) {
    const auto now = call.now;
    auto touch = call.services.store.executor().run<store::Done>(
        [id_hash, now](store::StoreConnection& c) {
          return store::queries::touch_session(c, id_hash, now);
        });
    co_await std::move(touch);  // a failed touch only shortens the session's idle allowance
  }
  SignedIn signed_in;
  signed_in.user = row.user;
  signed_in.session_hash = id_hash;
  signed_in.csrf_token = row.session.csrf_token;
  signed_in.expires_at =
      std::min(row.session.expires_at, std::max(row.session.last_seen_at, call.now) +
                                           millis(kSessionIdleLimit));
  signed_in.group = permission_group_of(row.user);
  co_return std::optional<SignedIn>(std::move(signed_in));
}

awaitable<Expected<ConsoleReply>> open_session(ConsoleCall& call, const store::UserRecord& user) {
  const std::string session_id = random_url_token(32);
  store::ConsoleSessionRecord session;
  session.id_hash = sha256_hex(session_id);
  session.user_id = user.id;
  session.csrf_token = random_url_token(32);
  session.created_at = call.now;
  session.last_seen_at = call.now;
  session.expires_at = call.now + millis(kSessionLifetime);
  const auto now = call.now;
  auto insert = call.services.store.executor().run<store::Done>(
      [session, now](store::StoreConnection& c) {
        return store::queries::insert_session(c, session, now);
      });
  auto inserted = co_await std::move(insert);
  if (!inserted) co_return inserted.error();

  SignedIn signed_in;
  signed_in.user = user;
  signed_in.session_hash = session.id_hash;
  signed_in.csrf_token = session.csrf_token;
  signed_in.expires_at = std::min(session.expires_at, call.now + millis(kSessionIdleLimit));
  signed_in.group = permission_group_of(user);
  ConsoleReply reply = ConsoleReply::json(session_body(call, signed_in));
  reply.with_header("Set-Cookie", set_cookie(call, kSessionCookie, session_id, "/", std::nullopt));
  co_return reply;
}

std::string cleared_session_cookie(const ConsoleCall& call) {
  return set_cookie(call, kSessionCookie, "", "/", 0);
}

json::object sign_in_options(const config::GatewayConfig& config) {
  json::array oidc;
  for (const auto& provider : config.auth.oidc.providers) {
    if (provider.enabled) oidc.push_back(json::object{{"key", provider.key}, {"label", provider.label}});
  }
  json::array oauth;
  for (const auto& provider : config.auth.oauth.providers) {
    if (provider.enabled) oauth.push_back(json::object{{"key", provider.key}, {"label", provider.label}});
  }
  return json::object{{"password", true}, {"oidc", std::move(oidc)}, {"oauth", std::move(oauth)}};
}

json::object session_body(const ConsoleCall& call, const SignedIn& signed_in) {
  const auto& group = permission_group(call.config().permissions, signed_in.group);
  json::array pages;
  for (const auto page : group.effective_pages) pages.emplace_back(config::to_string(page));
  json::array actions;
  for (const auto action : group.effective_actions) actions.emplace_back(config::to_string(action));
  json::value default_page = nullptr;
  if (group.default_page) default_page = config::to_string(*group.default_page);
  return json::object{
      {"authenticated", true},
      {"user", user_json(signed_in.user)},
      {"must_change_password", signed_in.user.must_change_password},
      {"csrf_token", signed_in.csrf_token},
      {"expires_at", signed_in.expires_at},
      {"permissions", json::object{{"group", to_text(signed_in.group)},
                                   {"pages", std::move(pages)},
                                   {"actions", std::move(actions)},
                                   {"default_page", std::move(default_page)}}},
      {"sign_in", sign_in_options(call.config())},
  };
}

}  // namespace sluice::console
