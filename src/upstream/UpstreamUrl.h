// UpstreamUrl: an UpstreamRequest's absolute URL, split into what the client needs to send it.
//
// The origin (scheme, host, port) picks the connection pool and, for https, the name the
// certificate must carry; the target (path and query) goes on the request line; the Host header
// carries the port only when it is not the scheme's default. Only http and https are accepted,
// and URLs carrying user information are refused rather than silently stripped. The host is
// lower-cased: DNS names compare case-insensitively, and one origin must map to one pool.
#pragma once

#include "core/Expected.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::upstream {

struct UpstreamUrl {
  bool tls = false;          // https
  std::string host;          // as resolved and verified: no IPv6 brackets, no percent-encoding
  bool host_is_ip = false;   // an IP literal: no DNS lookup, no SNI, certificate checked by IP
  std::uint16_t port = 0;    // explicit or the scheme's default
  std::string host_header;   // host (IPv6 in brackets), plus ":port" when not the default
  std::string target;        // origin-form request target: path and query, at least "/"
  std::string origin;        // "https://host:port": the connection pool key
  std::string peer;          // "host:port": how error messages name the upstream

  static Expected<UpstreamUrl> parse(std::string_view url);
};

}  // namespace sluice::upstream
