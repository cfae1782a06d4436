// ErrorBody: a GatewayError as the caller's API dialect writes errors.
//   OpenAI:    {"error":{"message","type","param","code"}}
//   Anthropic: {"type":"error","error":{"type","message","code"}}  (on /v1/messages and /messages)
#pragma once

#include "core/GatewayError.h"
#include "server/Exchange.h"
#include "server/RequestHandler.h"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>

namespace sluice::api {

enum class ApiDialect { kOpenAI, kAnthropic };

// The dialect a request path speaks.
ApiDialect dialect_for_path(std::string_view path);

std::string openai_error_body(const GatewayError& error);
std::string anthropic_error_body(const GatewayError& error);

// A complete JSON error response (status, content type, body) in the dialect of `path`.
server::Response error_response(const GatewayError& error, std::string_view path);

// Answers the exchange with `error` in its path's dialect and notes the code in the access log.
boost::asio::awaitable<void> respond_with_error(server::Exchange& exchange, const GatewayError& error);

}  // namespace sluice::api
