// RequestHandler: what the server hands each complete request to (implemented by api/).
//
// The server owns the connection: reading with limits and timeouts, request ids, keep-alive,
// draining, the access log. The handler owns meaning: which endpoint, what to answer. Refusals the
// server makes itself before dispatch (431, 413, 408, a bad request id...) are still rendered by
// the handler, so every error body is produced in one place, in the caller's dialect.
#pragma once

#include "core/GatewayError.h"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string_view>

namespace sluice::server {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

class Exchange;

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;

  // Answers one complete request; must send exactly one response through `exchange`.
  virtual boost::asio::awaitable<void> handle(Exchange& exchange) = 0;

  // The response for a request refused before dispatch. `target` is the request target when the
  // head was read far enough to know it, else empty.
  virtual Response error_response(const GatewayError& error, std::string_view target) const = 0;
};

}  // namespace sluice::server
