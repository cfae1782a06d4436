// Request ids: every request has one, echoed on the response as `x-request-id`, sent upstream and
// logged. A caller may bring its own (visible ASCII, at most 128 characters); otherwise the server
// makes one: 32 hex digits — 12 of unix milliseconds, then 20 from a per-thread generator (unique,
// not secret, so no CSPRNG cost). Time first, like a UUIDv7: the usage ledger and the request
// logs index request ids uniquely, and ids that arrive in order land on the same few index pages;
// random ids touched a random page of each index per request (bench/README.md: a third less store
// work per request, and no slowdown as the tables grow).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::server {

inline constexpr std::size_t kMaxRequestIdLength = 128;

// True when an inbound id is 1..128 characters of visible ASCII (0x21..0x7E).
bool is_acceptable_request_id(std::string_view id);

std::string generate_request_id();
// The same for a given time (tests).
std::string generate_request_id(std::int64_t unix_ms);

}  // namespace sluice::server
