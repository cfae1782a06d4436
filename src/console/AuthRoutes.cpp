// The session endpoints (api.md §1.5): who am I, password sign-in and sign-out, password change,
// and invitations (a link an admin hands a new password user to set their first password).
#include "api/ErrorBody.h"
#include "console/ConsoleErrors.h"
#include "console/ConsoleRouteSets.h"
#include "console/Sessions.h"
#include "core/Digest.h"
#include "store/ConsoleQueries.h"

#include <boost/algorithm/string/case_conv.hpp>
#include <boost/algorithm/string/trim.hpp>

namespace sluice::console {

namespace http = boost::beast::http;
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

constexpr std::size_t kMinPasswordLength = 8;
constexpr std::size_t kMaxPasswordLength = 1024;  // Argon2 takes any length; bound the work

// A string field of a JSON body; 400 naming it when absent or not a string.
Expected<std::string> string_field(const json::object& body, std::string_view name) {
  const auto* value = body.if_contains(name);
  if (value == nullptr || !value->is_string()) {
    return GatewayError::invalid_request(std::string("`") + std::string(name) + "` must be a string",
                                         std::string(name));
  }
  return std::string(value->as_string());
}

std::optional<GatewayError> weak_password(const std::string& password, std::string_view param) {
  if (password.size() < kMinPasswordLength) {
    return GatewayError::invalid_request("a password needs at least 8 characters", std::string(param));
  }
  if (password.size() > kMaxPasswordLength) {
    return GatewayError::invalid_request("a password may have at most 1024 characters",
                                         std::string(param));
  }
  return std::nullopt;
}

ConsoleReply rate_limited_reply(std::chrono::seconds wait) {
  ConsoleReply reply;
  reply.status = http::status::too_many_requests;
  reply.body = api::openai_error_body(login_rate_limited(wait));
  reply.with_header("Retry-After", std::to_string(wait.count()));
  return reply;
}

awaitable<Expected<ConsoleReply>> get_session(ConsoleCall& call) {
  if (call.signed_in) co_return ConsoleReply::json(session_body(call, *call.signed_in));
  co_return ConsoleReply::json(
      json::object{{"authenticated", false}, {"sign_in", sign_in_options(call.config())}});
}

awaitable<Expected<ConsoleReply>> login_with_password(ConsoleCall& call) {
  auto body = call.json_body();
  if (!body) co_return body.error();
  auto email = string_field(*body, "email");
  if (!email) co_return email.error();
  auto password = string_field(*body, "password");
  if (!password) co_return password.error();
  boost::algorithm::trim(*email);
  boost::algorithm::to_lower(*email);

  const auto clock_now = LoginThrottle::Clock::now();
  if (auto wait = call.services.throttle.blocked(*email, call.client_address(), clock_now)) {
    co_return rate_limited_reply(*wait);
  }
  auto lookup = call.services.store.executor().run<std::optional<store::UserRecord>>(
      [email = *email](store::StoreConnection& c) { return store::queries::find_user(c, email); });
  auto user = co_await std::move(lookup);
  if (!user) co_return user.error();
  // Unknown users verify against a throwaway hash: the answer takes as long as a wrong password.
  std::string stored = *user && (*user)->password_hash ? *(*user)->password_hash : std::string();
  const bool verified = co_await call.services.passwords.verify(std::move(stored), std::move(*password));
  if (!verified) {
    call.services.throttle.record_failure(*email, call.client_address(), clock_now);
    co_return invalid_credentials();
  }
  call.services.throttle.record_success(*email);
  if ((*user)->status == "deactivated") co_return user_deactivated();
  co_return co_await open_session(call, **user);
}

awaitable<Expected<ConsoleReply>> logout(ConsoleCall& call) {
  if (call.signed_in) {
    auto end = call.services.store.executor().run<store::Done>(
        [id_hash = call.signed_in->session_hash](store::StoreConnection& c) {
          return store::queries::delete_session(c, id_hash);
        });
    auto ended = co_await std::move(end);
    if (!ended) co_return ended.error();
  }
  ConsoleReply reply = ConsoleReply::no_content();
  reply.with_header("Set-Cookie", cleared_session_cookie(call));
  co_return reply;
}

awaitable<Expected<ConsoleReply>> change_password(ConsoleCall& call) {
  auto body = call.json_body();
  if (!body) co_return body.error();
  auto current = string_field(*body, "current_password");
  if (!current) co_return current.error();
  auto next = string_field(*body, "new_password");
  if (!next) co_return next.error();
  if (auto weak = weak_password(*next, "new_password")) co_return *weak;
  if (*next == *current) {
    co_return GatewayError::invalid_request("the new password must differ from the current one",
                                            "new_password");
  }
  SignedIn& signed_in = *call.signed_in;
  const auto clock_now = LoginThrottle::Clock::now();
  if (auto wait = call.services.throttle.blocked(signed_in.user.email, call.client_address(), clock_now)) {
    co_return rate_limited_reply(*wait);
  }
  std::string stored = signed_in.user.password_hash.value_or(std::string());
  const bool verified = co_await call.services.passwords.verify(std::move(stored), std::move(*current));
  if (!verified) {
    call.services.throttle.record_failure(signed_in.user.email, call.client_address(), clock_now);
    GatewayError wrong = invalid_credentials();
    wrong.message = "the current password is incorrect";
    wrong.param = "current_password";
    co_return wrong;
  }
  std::string hash = co_await call.services.passwords.hash(std::move(*next));
  auto save = call.services.store.executor().run<store::Done>(
      [user_id = signed_in.user.id, hash, keep = signed_in.session_hash](store::StoreConnection& c)
          -> store::Status {
        auto transaction = store::StoreTransaction::begin(c);
        if (!transaction) return transaction.error();
        if (auto set = store::queries::set_user_password(c, user_id, hash, false); !set) return set;
        // Whoever else held a session (perhaps the reason for the change) is signed out.
        if (auto ended = store::queries::delete_user_sessions(c, user_id, keep); !ended) return ended;
        return transaction->commit();
      });
  auto saved = co_await std::move(save);
  if (!saved) co_return saved.error();
  signed_in.user.password_hash = std::move(hash);
  signed_in.user.must_change_password = false;
  co_return ConsoleReply::json(session_body(call, signed_in));
}

// The invitation a link names, if it can still be used.
awaitable<Expected<store::InvitationRow>> usable_invitation(ConsoleCall& call) {
  const std::string token_hash = sha256_hex(call.path_param("token"));
  auto lookup = call.services.store.executor().run<std::optional<store::InvitationRow>>(
      [token_hash](store::StoreConnection& c) {
        return store::queries::find_invitation(c, token_hash);
      });
  auto found = co_await std::move(lookup);
  if (!found) co_return found.error();
  if (!*found || (*found)->invitation.used_at || (*found)->user.status == "deactivated") {
    co_return not_found("invitation");
  }
  if ((*found)->invitation.expires_at <= call.now) {
    co_return gone("invitation_expired", "this invitation has expired; ask an admin for a new one");
  }
  co_return std::move(**found);
}

awaitable<Expected<ConsoleReply>> show_invitation(ConsoleCall& call) {
  auto invitation = co_await usable_invitation(call);
  if (!invitation) co_return invitation.error();
  co_return ConsoleReply::json(json::object{{"email", invitation->user.email},
                                            {"name", invitation->user.name},
                                            {"expires_at", invitation->invitation.expires_at}});
}

awaitable<Expected<ConsoleReply>> accept_invitation(ConsoleCall& call) {
  auto body = call.json_body();
  if (!body) co_return body.error();
  auto password = string_field(*body, "password");
  if (!password) co_return password.error();
  if (auto weak = weak_password(*password, "password")) co_return *weak;
  auto invitation = co_await usable_invitation(call);
  if (!invitation) co_return invitation.error();
  std::string hash = co_await call.services.passwords.hash(std::move(*password));
  const auto now = call.now;
  auto accept = call.services.store.executor().run<bool>(
      [token_hash = invitation->invitation.token_hash, hash, now](store::StoreConnection& c) {
        return store::queries::accept_invitation(c, token_hash, hash, now);
      });
  auto accepted = co_await std::move(accept);
  if (!accepted) co_return accepted.error();
  if (!*accepted) co_return not_found("invitation");  // used by a concurrent request
  store::UserRecord user = std::move(invitation->user);
  user.password_hash = std::move(hash);
  user.must_change_password = false;
  user.status = "active";
  co_return co_await open_session(call, user);
}

}  // namespace

void add_auth_routes(ConsoleRoutes& routes) {
  const auto open = RouteGuard::open().during_password_change();
  routes.add(http::verb::get, "/api/v1/auth/session", open, get_session);
  routes.add(http::verb::post, "/api/v1/auth/login/password", open, login_with_password);
  routes.add(http::verb::post, "/api/v1/auth/logout", open, logout);
  routes.add(http::verb::post, "/api/v1/auth/password/change",
             RouteGuard::signed_in().during_password_change(), change_password);
  routes.add(http::verb::get, "/api/v1/auth/invitations/{token}", open, show_invitation);
  routes.add(http::verb::post, "/api/v1/auth/invitations/{token}/password", open, accept_invitation);
}

}  // namespace sluice::console
