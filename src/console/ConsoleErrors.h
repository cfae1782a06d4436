// ConsoleErrors: the admin API's refusals, as GatewayErrors rendered in the OpenAI shape
// (docs/admin-api.md has the table).
#pragma once

#include "core/GatewayError.h"

#include <chrono>
#include <string>

namespace sluice::console {

GatewayError unauthenticated();
GatewayError invalid_credentials();
GatewayError insufficient_privileges(const std::string& what);
GatewayError csrf_failed(const std::string& why);
GatewayError password_change_required();
GatewayError user_deactivated();
GatewayError not_found(const std::string& what);
GatewayError conflict(const std::string& message);
GatewayError gone(const std::string& code, const std::string& message);
GatewayError login_rate_limited(std::chrono::seconds retry_after);

}  // namespace sluice::console
