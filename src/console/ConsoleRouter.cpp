#include "console/ConsoleRouter.h"

#include "api/ErrorBody.h"
#include "config/EnumNames.h"
#include "console/ConsoleErrors.h"
#include "console/ConsoleRouteSets.h"
#include "console/Sessions.h"
#include "core/Digest.h"

#include <fmt/format.h>

#include <chrono>

namespace sluice::console {

namespace http = boost::beast::http;
using boost::asio::awaitable;

namespace {

store::UnixMillis unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool state_changing(http::verb method) {
  return method != http::verb::get && method != http::verb::head && method != http::verb::options;
}

template <typename Name>
std::string_view header_value(const server::Request& request, Name field) {
  const auto found = request.find(field);
  return found != request.end() ? std::string_view(found->value()) : std::string_view();
}

// A browser always sends Origin on cross-site state-changing requests; when it is there it must
// name this host. (Absent: a non-browser client, which carries no ambient cookie to abuse — the
// CSRF token below still applies to session requests.)
std::optional<GatewayError> foreign_origin(const server::Request& request) {
  const std::string_view origin = header_value(request, http::field::origin);
  if (origin.empty()) return std::nullopt;
  const auto scheme_end = origin.find("://");
  const std::string_view origin_host =
      scheme_end == std::string_view::npos ? std::string_view() : origin.substr(scheme_end + 3);
  if (origin_host.empty() || origin_host != header_value(request, http::field::host)) {
    return csrf_failed("the request's Origin is not this gateway");
  }
  return std::nullopt;
}

std::optional<GatewayError> guard_refusal(const ConsoleCall& call, const RouteGuard& guard) {
  if (guard.kind == RouteGuard::Kind::kPublic) return std::nullopt;
  if (!call.signed_in) return unauthenticated();
  if (call.signed_in->user.must_change_password && !guard.while_password_change_due) {
    return password_change_required();
  }
  if (guard.platform_admin_only && !call.signed_in->platform_admin()) {
    return insufficient_privileges("make this change (platform admins only)");
  }
  if (guard.kind == RouteGuard::Kind::kPage && !call.may_open(guard.page)) {
    return insufficient_privileges(fmt::format("open the {} page", config::to_string(guard.page)));
  }
  if (guard.kind == RouteGuard::Kind::kAction && !call.may(guard.action)) {
    return insufficient_privileges(fmt::format("{}", config::to_string(guard.action)));
  }
  return std::nullopt;
}

server::Response to_response(ConsoleReply reply) {
  server::Response response{reply.status, 11};
  if (!reply.content_type.empty()) response.set(http::field::content_type, reply.content_type);
  response.set(http::field::cache_control, "no-store");
  response.set("X-Content-Type-Options", "nosniff");
  for (auto& [name, value] : reply.headers) response.insert(name, value);
  response.body() = std::move(reply.body);
  return response;
}

}  // namespace

ConsoleRouter::ConsoleRouter(std::unique_ptr<ConsoleServices> services)
    : services_(std::move(services)), routes_(all_console_routes()) {}

server::Response ConsoleRouter::error_response(const GatewayError& error,
                                               std::string_view target) const {
  return api::error_response(error, server::path_of(target));
}

awaitable<void> ConsoleRouter::handle(server::Exchange& exchange) {
  const auto& request = exchange.request();
  const std::string_view path = server::path_of(request.target());
  if (path == "/admin" || path.starts_with("/admin/")) {
    co_await serve_ui(exchange, path);
    co_return;
  }
  auto match = routes_.match(request.method(), path);
  if (match.route == nullptr) {
    const GatewayError refusal =
        match.path_known
            ? GatewayError::method_not_allowed(std::string(request.method_string()), std::string(path))
            : GatewayError::unknown_path(std::string(path));
    co_await api::respond_with_error(exchange, refusal);
    co_return;
  }
  ConsoleCall call(exchange, *services_, services_->state->current(), unix_now_ms());
  call.path_params = std::move(match.params);
  auto answer = co_await dispatch(call, *match.route);
  if (!answer) {
    // Sign-in refusals that say when to come back carry Retry-After.
    ConsoleReply refusal;
    refusal.status = static_cast<http::status>(answer.error().status);
    refusal.body = api::openai_error_body(answer.error());
    exchange.log().error_code = answer.error().code;
    answer = std::move(refusal);
  }
  auto response = to_response(std::move(*answer));
  co_await exchange.respond(std::move(response));
}

awaitable<Expected<ConsoleReply>> ConsoleRouter::dispatch(ConsoleCall& call, const ConsoleRoute& route) {
  auto session = co_await resolve_session(call);
  if (!session) co_return session.error();
  call.signed_in = std::move(*session);
  if (call.signed_in) call.exchange.log().key_name = call.signed_in->user.email;

  if (state_changing(call.request().method())) {
    if (auto refusal = foreign_origin(call.request())) co_return *refusal;
    if (call.signed_in) {
      const std::string_view presented = header_value(call.request(), "X-CSRF-Token");
      if (presented.empty() ||
          !constant_time_equal(sha256(presented), sha256(call.signed_in->csrf_token))) {
        co_return csrf_failed("send the session's CSRF token in X-CSRF-Token");
      }
    }
  }
  if (auto refusal = guard_refusal(call, route.guard)) co_return *refusal;
  co_return co_await route.handler(call);
}

awaitable<void> ConsoleRouter::serve_ui(server::Exchange& exchange, std::string_view path) {
  const auto& request = exchange.request();
  if (request.method() != http::verb::get) {
    const auto refusal =
        GatewayError::method_not_allowed(std::string(request.method_string()), std::string(path));
    co_await api::respond_with_error(exchange, refusal);
    co_return;
  }
  if (path == "/admin") {
    auto moved = to_response(ConsoleReply::redirect("/admin/"));
    co_await exchange.respond(std::move(moved));
    co_return;
  }
  const std::string_view relative = path.substr(std::string_view("/admin/").size());
  const UiAsset* asset = relative.find("..") == std::string_view::npos
                             ? services_->ui.find(relative)
                             : nullptr;
  if (asset == nullptr) {
    GatewayError missing = services_->ui.empty()
                               ? not_found("the admin UI (it was not built: run `make run` or "
                                           "`npm run build` in web/)")
                               : GatewayError::unknown_path(std::string(path));
    co_await api::respond_with_error(exchange, missing);
    co_return;
  }
  server::Response response{http::status::ok, 11};
  response.set(http::field::content_type, asset->content_type);
  response.set(http::field::cache_control,
               asset->immutable ? "public, max-age=31536000, immutable" : "no-cache");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("X-Frame-Options", "DENY");
  response.set("Referrer-Policy", "same-origin");
  response.set("Content-Security-Policy",
               "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
               "frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
  response.body() = asset->body;
  co_await exchange.respond(std::move(response));
}

ConsoleRoutes all_console_routes() {
  ConsoleRoutes routes;
  add_auth_routes(routes);
  add_sso_routes(routes);
  add_api_key_routes(routes);
  add_model_routes(routes);
  add_identity_routes(routes);
  add_spend_routes(routes);
  add_request_log_routes(routes);
  return routes;
}

}  // namespace sluice::console
