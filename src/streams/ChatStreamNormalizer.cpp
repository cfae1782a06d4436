#include "streams/ChatStreamNormalizer.h"

#include "streams/SseWriter.h"
#include "streams/StreamErrors.h"

#include <boost/json/serialize.hpp>

#include <array>
#include <utility>

namespace sluice::streams {
namespace {

namespace json = boost::json;

bool is_set(const json::value* value) { return value != nullptr && !value->is_null(); }

// The first usage object found on a choice, for promotion to the top level.
const json::value* first_choice_usage(const json::array& choices) {
  for (const auto& choice : choices) {
    const auto* object = choice.if_object();
    if (object == nullptr) continue;
    const json::value* usage = object->if_contains("usage");
    if (usage != nullptr && usage->is_object()) return usage;
  }
  return nullptr;
}

// delta.reasoning_content (DeepSeek, vLLM) or delta.reasoning_text → delta.reasoning, unless set.
bool map_reasoning(json::object& delta) {
  if (is_set(delta.if_contains("reasoning"))) return false;
  for (const std::string_view source : {std::string_view("reasoning_content"),
                                        std::string_view("reasoning_text")}) {
    const json::value* text = delta.if_contains(source);
    if (text == nullptr || !text->is_string()) continue;
    json::value copy(*text, delta.storage());
    delta["reasoning"] = std::move(copy);
    return true;
  }
  return false;
}

bool has_finish_reason(const json::object& choice) {
  const json::value* reason = choice.if_contains("finish_reason");
  return reason != nullptr && reason->is_string() && !reason->get_string().empty();
}

}  // namespace

void append_chat_error_chunk(std::string& out, const GatewayError& error) {
  json::object details;
  details["message"] = error.message;
  details["type"] = error.type;
  details["code"] = error.code;
  details["param"] = error.param ? json::value(*error.param) : json::value(nullptr);
  json::object envelope;
  envelope["error"] = std::move(details);
  append_sse_event(out, {}, json::serialize(envelope));
}

void ChatStreamNormalizer::on_event(const SseEvent& event, std::string& out) {
  if (finished_) return;
  const std::string_view data = trim_json_space(event.data);
  if (data.empty()) return;  // an empty keep-alive frame; nothing to forward

  if (data == "[DONE]") {
    write_done(out);
    return;
  }

  // Most chunks carry only content deltas, with "finish_reason":null and perhaps "usage":null.
  // Those are checked for well-formedness and forwarded as they came, without building a DOM.
  const bool error_frame = event.event == "error";
  const bool needs_dom = error_frame || has_non_null_member(data, "error") ||
                         has_non_null_member(data, "finish_reason") ||
                         has_non_null_member(data, "usage") ||
                         has_non_null_member(data, "reasoning_content") ||
                         has_non_null_member(data, "reasoning_text");
  if (!needs_dom) {
    if (!json_.is_object(data)) {
      return fail(upstream_transport_error("upstream sent a malformed stream chunk"), out);
    }
    return forward_verbatim(event.data, out);
  }

  json::object* chunk = json_.parse_object(data);
  if (chunk == nullptr) {
    if (error_frame) {
      return fail(upstream_reported_error("upstream reported an error in the stream", std::nullopt),
                  out);
    }
    return fail(upstream_transport_error("upstream sent a malformed stream chunk"), out);
  }
  if (error_frame || has_error_member(*chunk)) {
    return fail(error_reported_by(*chunk), out);
  }

  if (normalize_chunk(*chunk)) {
    write_chunk(*chunk, out);
    ++events_forwarded_;
  } else {
    forward_verbatim(event.data, out);
  }
}

void ChatStreamNormalizer::on_upstream_end(std::string& out) {
  if (finished_) return;
  if (terminal_seen_) return write_done(out);
  fail(upstream_transport_error("upstream ended the stream before a finish_reason or [DONE]"), out);
}

void ChatStreamNormalizer::on_upstream_failure(const GatewayError& error, std::string& out) {
  if (finished_) return;
  // After a finish_reason the answer is whole; only an optional usage-only chunk can be lost, and
  // failing the caller now would make it retry (and pay for) a complete answer.
  if (terminal_seen_) return write_done(out);
  fail(error, out);
}

bool ChatStreamNormalizer::normalize_chunk(json::object& chunk) {
  bool changed = false;
  if (json::value* choices_value = chunk.if_contains("choices")) {
    if (json::array* choices = choices_value->if_array()) {
      if (!is_set(chunk.if_contains("usage"))) {
        if (const json::value* usage = first_choice_usage(*choices)) {
          json::value copy(*usage, chunk.storage());
          chunk["usage"] = std::move(copy);
          changed = true;
        }
      }
      // `choices` is re-fetched: inserting "usage" may have moved the chunk's members.
      for (json::value& choice : chunk.at("choices").get_array()) {
        json::object* object = choice.if_object();
        if (object == nullptr) continue;
        if (has_finish_reason(*object)) terminal_seen_ = true;
        if (json::value* delta = object->if_contains("delta"); delta != nullptr && delta->is_object()) {
          changed = map_reasoning(delta->get_object()) || changed;
        }
      }
    }
  }
  if (const json::value* usage = chunk.if_contains("usage")) {
    // Upstreams that repeat usage send running totals; the latest one is the answer's.
    if (TokenUsage reported = read_chat_usage(*usage); reported.present) usage_ = reported;
  }
  return changed;
}

void ChatStreamNormalizer::forward_verbatim(std::string_view data, std::string& out) {
  append_sse_event(out, {}, data);
  ++events_forwarded_;
}

void ChatStreamNormalizer::write_chunk(const json::object& chunk, std::string& out) {
  // Serialized straight onto `out` in pieces; no intermediate string per chunk.
  out.append("data: ");
  serializer_.reset(&chunk);
  std::array<char, 2048> piece_buffer;
  while (!serializer_.done()) {
    const auto piece = serializer_.read(piece_buffer.data(), piece_buffer.size());
    out.append(piece.data(), piece.size());
  }
  out.append("\n\n");
}

void ChatStreamNormalizer::write_done(std::string& out) {
  out.append("data: [DONE]\n\n");
  terminal_seen_ = true;
  finished_ = true;
}

void ChatStreamNormalizer::fail(GatewayError error, std::string& out) {
  append_chat_error_chunk(out, error);
  error_ = std::move(error);
  finished_ = true;
}

}  // namespace sluice::streams
