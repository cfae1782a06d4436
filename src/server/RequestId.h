// Request ids: every request has one, echoed on the response as `x-request-id`, sent upstream and
// logged. A caller may bring its own (visible ASCII, at most 128 characters); otherwise the server
// makes one: 32 hex digits from a per-thread generator (unique, not secret, so no CSPRNG cost).
#pragma once

#include <string>
#include <string_view>

namespace sluice::server {

inline constexpr std::size_t kMaxRequestIdLength = 128;

// True when an inbound id is 1..128 characters of visible ASCII (0x21..0x7E).
bool is_acceptable_request_id(std::string_view id);

std::string generate_request_id();

}  // namespace sluice::server
