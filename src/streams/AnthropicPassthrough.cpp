#include "streams/AnthropicPassthrough.h"

#include "streams/AnthropicEventWriter.h"
#include "streams/AnthropicStreamReader.h"
#include "streams/SseWriter.h"
#include "streams/StreamErrors.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace sluice::streams {
namespace {

namespace json = boost::json;

// The frames whose contents the gateway reads; everything else is only validated.
bool needs_reading(std::string_view type) {
  return type == "message_start" || type == "message_delta" || type == "message_stop" ||
         type == "error";
}

std::string_view type_of(const json::object& frame) {
  const json::value* type = frame.if_contains("type");
  return type != nullptr && type->is_string() ? std::string_view(type->get_string())
                                              : std::string_view();
}

}  // namespace

void AnthropicPassthrough::on_event_json(std::string_view event_type, std::string_view json,
                                         std::string& out) {
  if (finished_) return;
  const std::string_view data = trim_json_space(json);
  if (data.empty()) return;  // an empty keep-alive frame; nothing to forward

  std::string_view type = event_type;
  const json::object* frame = nullptr;
  bool well_formed = false;
  if (type.empty() || needs_reading(type)) {
    frame = json_.parse_object(data);
    well_formed = frame != nullptr;
    if (well_formed && type.empty()) type = type_of(*frame);
  } else {
    well_formed = json_.is_object(data);
  }
  if (!well_formed || type.empty()) {
    if (event_type == "error") {
      return fail(upstream_reported_error("upstream reported an error in the stream", std::nullopt),
                  out);
    }
    return fail(upstream_transport_error("upstream sent a malformed Anthropic stream event"), out);
  }

  append_sse_event(out, type, json);
  ++events_forwarded_;
  if (frame != nullptr) read_frame(type, *frame);
}

void AnthropicPassthrough::on_end(std::string& out) {
  if (finished_) return;
  fail(upstream_transport_error("upstream stream ended before the answer was complete"), out);
}

void AnthropicPassthrough::on_failure(const GatewayError& error, std::string& out) {
  if (finished_) return;
  fail(error, out);
}

void AnthropicPassthrough::read_frame(std::string_view type, const json::object& frame) {
  if (type == "message_start") {
    const json::value* message = frame.if_contains("message");
    const json::value* usage =
        message != nullptr && message->is_object() ? message->get_object().if_contains("usage")
                                                    : nullptr;
    if (usage != nullptr) {
      if (TokenUsage reported = read_anthropic_usage(*usage); reported.present) usage_ = reported;
    }
  } else if (type == "message_delta") {
    if (const json::value* usage = frame.if_contains("usage")) {
      usage_ = merge_anthropic_delta_usage(usage_, *usage);
    }
  } else if (type == "message_stop") {
    stop_seen_ = true;
    finished_ = true;
  } else if (type == "error") {
    error_ = anthropic_stream_error(frame);
    finished_ = true;
  }
}

void AnthropicPassthrough::fail(GatewayError error, std::string& out) {
  append_anthropic_error_event(out, error);
  error_ = std::move(error);
  finished_ = true;
}

}  // namespace sluice::streams
