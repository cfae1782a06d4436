#include "streams/ChatChunkWriter.h"

#include "streams/ChatStreamNormalizer.h"
#include "streams/SseWriter.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::streams {
namespace {

namespace json = boost::json;

json::object chat_usage(const TokenUsage& usage) {
  json::object details;
  details["cached_tokens"] = usage.cached_input;
  json::object object;
  object["prompt_tokens"] = usage.input;
  object["completion_tokens"] = usage.output;
  object["total_tokens"] = usage.total;
  object["prompt_tokens_details"] = std::move(details);
  if (usage.reasoning > 0) {
    object["completion_tokens_details"] = json::object{{"reasoning_tokens", usage.reasoning}};
  }
  return object;
}

json::object tool_call_delta(std::size_t tool_index, json::object fields) {
  fields["index"] = tool_index;
  json::object delta;
  delta["tool_calls"] = json::array{std::move(fields)};
  return delta;
}

}  // namespace

ChatChunkWriter::ChatChunkWriter(StreamIdentity identity)
    : GenerationStreamWriter(std::move(identity)) {}

std::unique_ptr<GenerationStreamWriter> make_chat_chunk_writer(StreamIdentity identity) {
  return std::make_unique<ChatChunkWriter>(std::move(identity));
}

void ChatChunkWriter::write_message_start(std::string& out) {
  id_ = answer_id("chatcmpl-");
  write_choice_chunk({{"role", "assistant"}, {"content", ""}}, {}, out);
}

void ChatChunkWriter::write_block_start(const Block& block, std::string& out) {
  if (block.kind != GeneratedBlock::Kind::kToolCall) return;  // text and reasoning just flow
  json::object function{{"name", block.tool_name}, {"arguments", ""}};
  json::object call{{"id", block.tool_call_id}, {"type", "function"}, {"function", std::move(function)}};
  write_choice_chunk(tool_call_delta(block.tool_index, std::move(call)), {}, out);
}

void ChatChunkWriter::write_delta(const Block& block, GenerationEvent::Kind kind,
                                  std::string_view text, std::string& out) {
  switch (kind) {
    case GenerationEvent::Kind::kTextDelta:
      return write_choice_chunk({{"content", text}}, {}, out);
    case GenerationEvent::Kind::kReasoningDelta:
      return write_choice_chunk({{"reasoning_content", text}, {"reasoning", text}}, {}, out);
    case GenerationEvent::Kind::kToolCallArguments: {
      json::object call{{"function", json::object{{"arguments", text}}}};
      return write_choice_chunk(tool_call_delta(block.tool_index, std::move(call)), {}, out);
    }
    default: return;  // a reasoning signature has no place in a chunk
  }
}

void ChatChunkWriter::write_block_stop(const Block& /*block*/, std::string& /*out*/) {}

void ChatChunkWriter::write_message_stop(std::string& out) {
  write_choice_chunk({}, chat_finish_reason(stop_reason()), out);
}

void ChatChunkWriter::write_usage_after_stop(std::string& out) {
  if (!usage_written_) write_usage_chunk(out);
}

void ChatChunkWriter::write_success_ending(std::string& out) {
  if (!usage_written_ && usage().present) write_usage_chunk(out);
  out.append("data: [DONE]\n\n");
}

void ChatChunkWriter::write_error_ending(const GatewayError& error, std::string& out) {
  append_chat_error_chunk(out, error);
}

void ChatChunkWriter::write_choice_chunk(json::object delta, std::string_view finish_reason,
                                         std::string& out) {
  json::object choice;
  choice["index"] = 0;
  choice["delta"] = std::move(delta);
  choice["finish_reason"] = finish_reason.empty() ? json::value(nullptr) : json::value(finish_reason);
  json::object chunk = chunk_envelope();
  chunk["choices"] = json::array{std::move(choice)};
  append_sse_event(out, {}, json::serialize(chunk));
}

void ChatChunkWriter::write_usage_chunk(std::string& out) {
  json::object chunk = chunk_envelope();
  chunk["choices"] = json::array{};
  chunk["usage"] = chat_usage(usage());
  append_sse_event(out, {}, json::serialize(chunk));
  usage_written_ = true;
}

json::object ChatChunkWriter::chunk_envelope() const {
  return {{"id", id_},
          {"object", "chat.completion.chunk"},
          {"created", identity().created_unix_seconds},
          {"model", identity().model}};
}

}  // namespace sluice::streams
