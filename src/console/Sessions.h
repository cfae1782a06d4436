// Sessions: the admin console's sign-in sessions (docs/admin-api.md, "Sessions").
//
// A session id is 256 random bits in the `sluice_session` cookie (HttpOnly, SameSite=Lax, Secure
// except on plain loopback http); the store keeps only its SHA-256. A session ends 12 hours after
// sign-in, after 2 idle hours, at sign-out, when the user is deactivated, or when they change their
// password (their other sessions end; the one that changed it continues).
#pragma once

#include "console/ConsoleRoute.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::console {

inline constexpr std::string_view kSessionCookie = "sluice_session";
inline constexpr std::chrono::hours kSessionLifetime{12};
inline constexpr std::chrono::hours kSessionIdleLimit{2};

// The value of cookie `name` in the request's Cookie headers.
std::optional<std::string> cookie_value(const server::Request& request, std::string_view name);
// The value of the session cookie the request carries.
std::optional<std::string> session_cookie(const server::Request& request);

// Plain http from this machine to this machine: a loopback peer and a loopback Host. The one case
// where cookies go without Secure (the browser would not send them back otherwise) and a derived
// sign-in redirect uses http. A TLS-terminating proxy in front makes the Host public.
bool loopback_request(const ConsoleCall& call);

// A Set-Cookie value: HttpOnly, SameSite=Lax, Secure unless loopback_request(); `max_age_seconds`
// 0 removes the cookie, nullopt makes it a session cookie.
std::string set_cookie(const ConsoleCall& call, std::string_view name, std::string_view value,
                       std::string_view path, std::optional<long> max_age_seconds);

// The signed-in user of the request's session; nullopt without a live session (an expired one is
// deleted on the way). Deactivated users have no session.
boost::asio::awaitable<Expected<std::optional<SignedIn>>> resolve_session(ConsoleCall& call);

// Starts a session for `user` (a successful sign-in): the session body with its Set-Cookie.
boost::asio::awaitable<Expected<ConsoleReply>> open_session(ConsoleCall& call,
                                                            const store::UserRecord& user);

// Set-Cookie value that removes the session cookie.
std::string cleared_session_cookie(const ConsoleCall& call);

// GET /api/v1/auth/session's body for a signed-in user, and the part every answer carries (which
// ways to sign in exist).
boost::json::object session_body(const ConsoleCall& call, const SignedIn& signed_in);
boost::json::object sign_in_options(const config::GatewayConfig& config);

}  // namespace sluice::console
