// UpstreamResponse: a provider's answer, head already read, body read on demand.
//
// UpstreamClient::send() returns one as soon as the status line and headers have arrived. The body
// is then pulled: read_some() hands over each piece as it arrives (chunked transfer-encoding
// already decoded), reading from the upstream only when called — so streaming forwards bytes
// without delay, and a caller that stops pulling stops the upstream (TCP flow control does the
// rest). read_all() collects a whole, bounded body for non-streamed answers.
//
// The response owns its connection while the body is read. Reading the body to its end hands the
// connection back to the client's pool (when the upstream allows keep-alive); abort(), an error,
// or destroying the response earlier closes it instead. abort() during a pending read_some() makes
// that read fail (the gateway's CallerWatch does this when its caller leaves); racing read_some()
// against something else with asio's awaitable operators works too: the cancelled read closes the
// connection.
//
// Move-only. Use it on the thread of the client that produced it; it may outlive the client (its
// connection is then closed instead of pooled). A moved-from response may only be destroyed.
#pragma once

#include "core/Expected.h"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/fields.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace sluice::upstream {

class UpstreamExchange;

class UpstreamResponse {
 public:
  // Made by UpstreamClient::send() once the head has arrived.
  explicit UpstreamResponse(std::unique_ptr<UpstreamExchange> exchange);
  UpstreamResponse(UpstreamResponse&&) noexcept;
  UpstreamResponse& operator=(UpstreamResponse&&) noexcept;
  ~UpstreamResponse();  // not read to the end: the connection is closed, not pooled

  unsigned status() const;
  const boost::beast::http::fields& headers() const;

  // The next piece of the body, as soon as any of it has arrived; an empty view marks the end of
  // the body. The view stays valid until the next call. Errors: 502 upstream_transport (reset,
  // truncated or malformed body, aborted), 504 upstream_timeout (the total deadline passed).
  boost::asio::awaitable<Expected<std::string_view>> read_some();

  // The whole body, or 502 upstream_transport when it is larger than `max_bytes` (the connection
  // is then closed: the rest is never read).
  boost::asio::awaitable<Expected<std::string>> read_all(std::size_t max_bytes);

  // Closes the connection now (e.g. the gateway's own caller went away); it is never pooled.
  void abort();

 private:
  std::unique_ptr<UpstreamExchange> exchange_;
};

}  // namespace sluice::upstream
