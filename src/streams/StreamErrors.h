// The upstream failures a stream can end with, as GatewayErrors (rows of api.md §3), and how an
// error the upstream reported inside its stream is read.
//
// Once a stream has started the HTTP status is already 200, so `status` only matters to the request
// log; the caller sees type/code/message inside the stream's own error frame.
#pragma once

#include "core/GatewayError.h"

#include <boost/json/fwd.hpp>

#include <optional>
#include <string>
#include <utility>

namespace sluice::streams {

// 502 upstream_error / upstream_transport: the bytes broke (cut short, malformed, wrong protocol).
inline GatewayError upstream_transport_error(std::string message) {
  return {502, "upstream_error", "upstream_transport", std::nullopt, std::move(message)};
}

// 502 upstream_error / upstream_http_error: the upstream itself reported an error mid-stream.
inline GatewayError upstream_reported_error(std::string message, std::optional<std::string> param) {
  return {502, "upstream_error", "upstream_http_error", std::move(param), std::move(message)};
}

// Whether `frame` has an `error` member the official OpenAI SDKs would raise on: they test it for
// truthiness (Python `if not error`, Node `if (data.error)`), so null, {}, "" and false do not count.
bool has_error_member(const boost::json::object& frame);

// The error a stream frame reports, as upstream_reported_error: the upstream's message and param
// are kept. The details sit under `error` (OpenAI's envelope, or a string) or, for a bare
// ResponseErrorEvent-style frame ({"type":"error","code","message","param"}), on the frame itself.
GatewayError error_reported_by(const boost::json::object& frame);

}  // namespace sluice::streams
