#include "console/ConsoleErrors.h"

#include <fmt/format.h>

namespace sluice::console {
namespace {
GatewayError make(int status, std::string type, std::string code, std::string message) {
  GatewayError error;
  error.status = status;
  error.type = std::move(type);
  error.code = std::move(code);
  error.message = std::move(message);
  return error;
}
}  // namespace

GatewayError unauthenticated() {
  return make(401, "authentication_error", "unauthenticated", "sign in to use the admin API");
}

GatewayError invalid_credentials() {
  // One message for an unknown email and a wrong password: the answer must not tell them apart.
  return make(401, "authentication_error", "invalid_credentials", "email or password is incorrect");
}

GatewayError insufficient_privileges(const std::string& what) {
  return make(403, "permission_error", "insufficient_privileges",
              fmt::format("your account may not {}", what));
}

GatewayError csrf_failed(const std::string& why) {
  return make(403, "permission_error", "csrf_failed", why);
}

GatewayError password_change_required() {
  return make(403, "permission_error", "password_change_required",
              "change your password before using the admin console");
}

GatewayError user_deactivated() {
  return make(403, "permission_error", "user_deactivated", "this account is deactivated");
}

GatewayError not_found(const std::string& what) {
  return make(404, "invalid_request_error", "not_found", fmt::format("{} not found", what));
}

GatewayError conflict(const std::string& message) {
  return make(409, "invalid_request_error", "conflict", message);
}

GatewayError gone(const std::string& code, const std::string& message) {
  return make(410, "invalid_request_error", code, message);
}

GatewayError login_rate_limited(std::chrono::seconds retry_after) {
  return make(429, "rate_limit_error", "rate_limited",
              fmt::format("too many failed sign-ins; try again in {} seconds", retry_after.count()));
}

}  // namespace sluice::console
