// RetryPolicy: the pure parts of retry and fallback — which outcomes move on, how long to back off,
// and what an upstream's Retry-After asks for.
#pragma once

#include "config/GatewayConfig.h"
#include "core/GatewayError.h"

#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace sluice::routing {

// HTTP answers worth trying again (same route or the next): 429, 500, 502, 503, 504.
bool is_retryable_status(unsigned status);

// Failures before any answer worth trying again: upstream_transport (connect, TLS, reset),
// upstream_timeout (before the first byte) and upstream_credentials.
bool is_retryable_error(const GatewayError& error);

// The access log's outcome word for an attempt: "ok" for 2xx, "http_<status>" otherwise.
std::string outcome_for_status(unsigned status);

// Full-jitter exponential backoff before retry number `retry` (0 for the first retry): uniform in
// [0, min(backoff_max, backoff_base * 2^retry)].
std::chrono::milliseconds full_jitter_backoff(const config::RoutingPolicy& policy, unsigned retry,
                                              std::mt19937_64& random);

// The wait a Retry-After value asks for: delta-seconds ("120") or an HTTP-date
// ("Wed, 21 Oct 2015 07:28:00 GMT", also RFC 850 and asctime forms) relative to `now`. A date in
// the past is zero; nullopt when the value is neither.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace sluice::routing
