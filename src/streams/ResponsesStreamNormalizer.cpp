#include "streams/ResponsesStreamNormalizer.h"

#include "core/JsonMembers.h"
#include "streams/SseWriter.h"
#include "streams/StreamErrors.h"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <string_view>
#include <utility>

namespace sluice::streams {
namespace {

namespace json = boost::json;
using json_members::string_member;

constexpr std::string_view kCompleted = "response.completed";
constexpr std::string_view kIncomplete = "response.incomplete";
constexpr std::string_view kFailed = "response.failed";
constexpr std::string_view kError = "error";

// Event names whose frames the normalizer must read, not just forward.
bool is_ending_event(std::string_view name) {
  return name == kCompleted || name == kIncomplete || name == kFailed || name == kError;
}

bool is_chat_shaped(const json::object& frame) {
  return frame.contains("choices") || string_member(frame, "object").starts_with("chat.completion");
}

// response.failed carries its reason in response.error {code, message}.
GatewayError failure_of(const json::object& frame) {
  if (const json::value* response = frame.if_contains("response")) {
    if (const auto* object = response->if_object(); object != nullptr && has_error_member(*object)) {
      return error_reported_by(*object);
    }
  }
  return upstream_reported_error("upstream reported that the response failed", std::nullopt);
}

}  // namespace

void append_responses_error_event(std::string& out, const GatewayError& error,
                                  std::int64_t sequence_number) {
  const json::value param = error.param ? json::value(*error.param) : json::value(nullptr);
  json::object details;
  details["type"] = error.type;
  details["code"] = error.code;
  details["message"] = error.message;
  details["param"] = param;
  json::object frame;
  frame["type"] = "error";
  frame["code"] = error.code;
  frame["message"] = error.message;
  frame["param"] = param;
  frame["sequence_number"] = sequence_number;
  frame["error"] = std::move(details);
  append_sse_event(out, kError, json::serialize(frame));
}

void ResponsesStreamNormalizer::on_event(const SseEvent& event, std::string& out) {
  if (finished_) return;
  const std::string_view data = trim_json_space(event.data);
  if (data.empty()) return;  // an empty keep-alive frame; nothing to forward

  if (data == "[DONE]") {
    return fail(upstream_transport_error(
                    "upstream ended the Responses stream with [DONE] before response.completed"),
                out);
  }

  // Deltas are forwarded after a well-formedness check; a DOM is built only for frames that end the
  // stream, frames without a name (their type is inside), and frames that may be Chat-shaped.
  const std::string_view name = event.event;
  const bool maybe_chat = has_non_null_member(data, "choices") ||
                          data.find("chat.completion") != std::string_view::npos;
  const json::object* frame = nullptr;
  if (name.empty() || maybe_chat || is_ending_event(name)) {
    frame = json_.parse_object(data);
    if (frame == nullptr) {
      return fail(upstream_transport_error("upstream sent a malformed Responses stream event"), out);
    }
    if (is_chat_shaped(*frame)) {
      return fail(upstream_transport_error(
                      "upstream answered a Responses request with Chat Completions chunks"),
                  out);
    }
  } else if (!json_.is_object(data)) {
    return fail(upstream_transport_error("upstream sent a malformed Responses stream event"), out);
  }

  std::string_view type = name;
  if (type.empty()) {
    type = string_member(*frame, "type");
    if (type.empty() && has_error_member(*frame)) type = kError;
  }

  if (const auto sequence = max_integer_member(data, "sequence_number")) {
    last_sequence_number_ = std::max(last_sequence_number_.value_or(*sequence), *sequence);
  }
  append_sse_event(out, type, event.data);
  ++events_forwarded_;

  if (type == kCompleted || type == kIncomplete) {
    read_usage(*frame);
    terminal_seen_ = true;
    finished_ = true;
  } else if (type == kFailed) {
    read_usage(*frame);
    error_ = failure_of(*frame);
    finished_ = true;
  } else if (type == kError) {
    error_ = error_reported_by(*frame);
    finished_ = true;
  }
}

void ResponsesStreamNormalizer::on_upstream_end(std::string& out) {
  if (finished_) return;
  fail(upstream_transport_error("upstream ended the Responses stream before response.completed"),
       out);
}

void ResponsesStreamNormalizer::on_upstream_failure(const GatewayError& error, std::string& out) {
  if (finished_) return;
  fail(error, out);
}

void ResponsesStreamNormalizer::read_usage(const json::object& frame) {
  const json::value* response = frame.if_contains("response");
  if (response == nullptr || !response->is_object()) return;
  const json::value* usage = response->get_object().if_contains("usage");
  if (usage == nullptr) return;
  if (TokenUsage reported = read_responses_usage(*usage); reported.present) usage_ = reported;
}

void ResponsesStreamNormalizer::fail(GatewayError error, std::string& out) {
  // Numbered as the event after the last one the caller saw; upstreams number from 0 without gaps.
  const std::int64_t sequence_number =
      last_sequence_number_ ? *last_sequence_number_ + 1
                            : static_cast<std::int64_t>(events_forwarded_);
  append_responses_error_event(out, error, sequence_number);
  error_ = std::move(error);
  finished_ = true;
}

}  // namespace sluice::streams
