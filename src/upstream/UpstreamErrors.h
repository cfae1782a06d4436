// The GatewayErrors the upstream client produces, in one place.
//
// Two rows of the reference's error table belong to this module: 504 `upstream_error` /
// `upstream_timeout` (a deadline passed) and 502 `upstream_error` / `upstream_transport` (the
// exchange failed below HTTP: DNS, connect, TLS, reset, malformed answer). Messages name what was
// being done and the peer as `host:port` — never a URL (its query string may carry a key), a header
// or a body — so they are safe to show to callers and to log.
#pragma once

#include "core/GatewayError.h"
#include "upstream/UpstreamDeadlines.h"

#include <boost/system/error_code.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::upstream {

// 504 upstream_error / upstream_timeout with the given message.
GatewayError upstream_timeout(std::string message);
// 502 upstream_error / upstream_transport with the given message.
GatewayError upstream_transport(std::string message);

// "<doing> <peer> failed: <reason>", e.g. "connecting to api.example.com:443 failed: Connection
// refused". `doing` is a phrase such as "resolving", "connecting to", "sending the request to".
GatewayError transport_failed(std::string_view doing, std::string_view peer, const boost::system::error_code& error);

// "<doing> <peer> timed out: the <rule> deadline of <n> ms passed".
GatewayError timed_out(std::string_view doing, std::string_view peer, const Deadline& deadline);

// The certificate chain or the host name did not verify. `reason` is OpenSSL's verify message.
GatewayError tls_verification_failed(std::string_view host, std::string_view reason);

// The peer closed the connection, or sent something that is not HTTP, part way through the answer.
GatewayError response_incomplete(std::string_view peer);
GatewayError response_malformed(std::string_view peer, const boost::system::error_code& error);

// The caller cancelled or aborted the exchange (its own client went away).
GatewayError exchange_cancelled(std::string_view peer);

// read_all() met a body larger than it was allowed to hold.
GatewayError response_too_large(std::string_view peer, std::uint64_t limit_bytes);

// The request cannot be sent as built: a bad URL or a header that would corrupt the HTTP head.
// These are gateway bugs or configuration mistakes, reported as transport failures so the caller
// sees a 502 rather than a hang; the messages carry names, never values.
GatewayError invalid_upstream_url(std::string_view why);
// `name` is empty when the name itself is what is invalid (it may hold the very bytes refused).
GatewayError invalid_request_header(std::string_view name);

}  // namespace sluice::upstream
