#include "streams/AnthropicEventWriter.h"

#include "streams/SseWriter.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace sluice::streams {
namespace {

namespace json = boost::json;

std::int64_t uncached_input(const TokenUsage& usage) {
  return std::max<std::int64_t>(0, usage.input - usage.cached_input - usage.cache_write_input);
}

// `type` leads the payload, as Anthropic writes it, so the frames read naturally in logs.
void write_event(std::string_view type, json::object payload, std::string& out) {
  json::object framed{{"type", type}};
  for (auto& member : payload) framed[member.key()] = std::move(member.value());
  append_sse_event(out, type, json::serialize(framed));
}

}  // namespace

AnthropicEventWriter::AnthropicEventWriter(StreamIdentity identity)
    : GenerationStreamWriter(std::move(identity)) {}

std::unique_ptr<GenerationStreamWriter> make_anthropic_event_writer(StreamIdentity identity) {
  return std::make_unique<AnthropicEventWriter>(std::move(identity));
}

void append_anthropic_error_event(std::string& out, const GatewayError& error) {
  json::object details{{"type", error.type}, {"code", error.code}, {"message", error.message}};
  write_event("error", {{"error", std::move(details)}}, out);
}

void AnthropicEventWriter::write_message_start(std::string& out) {
  json::object message{{"id", answer_id("msg_")},
                       {"type", "message"},
                       {"role", "assistant"},
                       {"model", identity().model},
                       {"content", json::array{}},
                       {"stop_reason", nullptr},
                       {"stop_sequence", nullptr}};
  json::object usage_object{{"input_tokens", uncached_input(usage())}, {"output_tokens", 0}};
  if (usage().present) {
    usage_object["cache_read_input_tokens"] = usage().cached_input;
    usage_object["cache_creation_input_tokens"] = usage().cache_write_input;
  }
  message["usage"] = std::move(usage_object);
  write_event("message_start", {{"message", std::move(message)}}, out);
}

void AnthropicEventWriter::write_block_start(const Block& block, std::string& out) {
  json::object content_block;
  switch (block.kind) {
    case GeneratedBlock::Kind::kText:
      content_block = {{"type", "text"}, {"text", ""}};
      break;
    case GeneratedBlock::Kind::kReasoning:
      content_block = {{"type", "thinking"}, {"thinking", ""}, {"signature", ""}};
      break;
    case GeneratedBlock::Kind::kToolCall:
      content_block = {{"type", "tool_use"},
                       {"id", block.tool_call_id},
                       {"name", block.tool_name},
                       {"input", json::object{}}};
      break;
  }
  write_event("content_block_start",
              {{"index", block.index}, {"content_block", std::move(content_block)}}, out);
}

void AnthropicEventWriter::write_delta(const Block& block, GenerationEvent::Kind kind,
                                       std::string_view text, std::string& out) {
  json::object delta;
  switch (kind) {
    case GenerationEvent::Kind::kTextDelta: delta = {{"type", "text_delta"}, {"text", text}}; break;
    case GenerationEvent::Kind::kReasoningDelta:
      delta = {{"type", "thinking_delta"}, {"thinking", text}};
      break;
    case GenerationEvent::Kind::kReasoningSignature:
      delta = {{"type", "signature_delta"}, {"signature", text}};
      break;
    case GenerationEvent::Kind::kToolCallArguments:
      delta = {{"type", "input_json_delta"}, {"partial_json", text}};
      break;
    default: return;
  }
  write_event("content_block_delta", {{"index", block.index}, {"delta", std::move(delta)}}, out);
}

void AnthropicEventWriter::write_block_stop(const Block& block, std::string& out) {
  write_event("content_block_stop", {{"index", block.index}}, out);
}

void AnthropicEventWriter::write_success_ending(std::string& out) {
  json::object delta{{"stop_reason", anthropic_stop_reason(stop_reason())},
                     {"stop_sequence", nullptr}};
  json::object usage_object{{"input_tokens", uncached_input(usage())},
                            {"output_tokens", usage().output},
                            {"cache_read_input_tokens", usage().cached_input},
                            {"cache_creation_input_tokens", usage().cache_write_input}};
  write_event("message_delta", {{"delta", std::move(delta)}, {"usage", std::move(usage_object)}},
              out);
  write_event("message_stop", {}, out);
}

void AnthropicEventWriter::write_error_ending(const GatewayError& error, std::string& out) {
  append_anthropic_error_event(out, error);
}

}  // namespace sluice::streams
