#include "streams/AnthropicStreamReader.h"

#include "core/JsonMembers.h"
#include "streams/ConverseStreamReader.h"
#include "streams/StreamErrors.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <openssl/evp.h>

#include <optional>

namespace sluice::streams {
namespace {

namespace json = boost::json;
using json_members::object_member;
using json_members::string_member;
using json_members::count_member;

using Kind = GenerationEvent::Kind;

std::size_t block_index(const json::object& frame) {
  return static_cast<std::size_t>(count_member(frame, "index").value_or(0));
}

int anthropic_status(std::string_view error_type) {
  if (error_type == "overloaded_error") return 529;
  if (error_type == "rate_limit_error") return 429;
  if (error_type == "api_error") return 500;
  if (error_type == "invalid_request_error") return 400;
  return 502;
}

GenerationEvent event_of(Kind kind, std::size_t block = 0, std::string_view text = {}) {
  GenerationEvent event;
  event.kind = kind;
  event.block = block;
  event.text = text;
  return event;
}

GenerationEvent usage_event(const TokenUsage& usage) {
  GenerationEvent event = event_of(Kind::kUsage);
  event.usage = usage;
  return event;
}

// Standard padded base64, as Bedrock writes PayloadPart.bytes; nullopt when it is not that.
std::optional<std::string> decode_base64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string decoded(text.size() / 4 * 3, '\0');
  const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                      reinterpret_cast<const unsigned char*>(text.data()),
                                      static_cast<int>(text.size()));
  if (written < 0) return std::nullopt;
  // EVP_DecodeBlock counts the zero bytes that stand for '=' padding; drop them.
  std::size_t padding = 0;
  while (padding < 2 && text[text.size() - 1 - padding] == '=') ++padding;
  decoded.resize(static_cast<std::size_t>(written) - padding);
  return decoded;
}

}  // namespace

void AnthropicStreamReader::on_event_json(std::string_view event_type, std::string_view json,
                                          GenerationStreamWriter& writer, std::string& out) {
  if (writer.finished()) return;
  const json::object* frame = json_.parse_object(json);
  if (frame == nullptr) {
    if (event_type == "error") {
      return writer.on_failure(
          upstream_reported_error("upstream reported an error in the stream", std::nullopt), out);
    }
    return writer.on_failure(
        upstream_transport_error("upstream sent a malformed Anthropic stream event"), out);
  }
  const std::string_view type = event_type.empty() ? string_member(*frame, "type") : event_type;

  if (type == "message_start") {
    const json::object* message = object_member(*frame, "message");
    if (message == nullptr) return writer.on_event(event_of(Kind::kMessageStart), out);
    if (const json::value* usage = message->if_contains("usage")) {
      usage_ = read_anthropic_usage(*usage);
      if (usage_.present) writer.on_event(usage_event(usage_), out);
    }
    return writer.on_event(event_of(Kind::kMessageStart, 0, string_member(*message, "id")), out);
  }
  if (type == "content_block_start") return on_content_block_start(*frame, writer, out);
  if (type == "content_block_delta") return on_content_block_delta(*frame, writer, out);
  if (type == "content_block_stop") {
    return writer.on_event(event_of(Kind::kBlockStop, block_index(*frame)), out);
  }
  if (type == "message_delta") {
    if (const json::object* delta = object_member(*frame, "delta")) {
      if (const auto reason = string_member(*delta, "stop_reason"); !reason.empty()) {
        stop_reason_ = stop_reason_from_anthropic(reason);
      }
    }
    if (const json::value* usage = frame->if_contains("usage")) {
      usage_ = merge_anthropic_delta_usage(usage_, *usage);
      if (usage_.present) writer.on_event(usage_event(usage_), out);
    }
    return;
  }
  if (type == "message_stop") {
    GenerationEvent event = event_of(Kind::kMessageStop);
    event.stop_reason = stop_reason_;
    return writer.on_event(event, out);
  }
  if (type == "error") return writer.on_failure(anthropic_stream_error(*frame), out);
}

void AnthropicStreamReader::on_content_block_start(const json::object& frame,
                                                   GenerationStreamWriter& writer,
                                                   std::string& out) {
  const json::object* block = object_member(frame, "content_block");
  if (block == nullptr) return;
  const std::size_t index = block_index(frame);
  const std::string_view type = string_member(*block, "type");
  // A start may carry initial text; usually it is "", which still opens the block.
  if (type == "text") {
    return writer.on_event(event_of(Kind::kTextDelta, index, string_member(*block, "text")), out);
  }
  if (type == "thinking") {
    return writer.on_event(event_of(Kind::kReasoningDelta, index, string_member(*block, "thinking")),
                           out);
  }
  if (type == "tool_use") {
    GenerationEvent event = event_of(Kind::kToolCallStart, index);
    event.tool_call_id = string_member(*block, "id");
    event.tool_name = string_member(*block, "name");
    return writer.on_event(event, out);
  }
}

void AnthropicStreamReader::on_content_block_delta(const json::object& frame,
                                                   GenerationStreamWriter& writer,
                                                   std::string& out) {
  const json::object* delta = object_member(frame, "delta");
  if (delta == nullptr) return;
  const std::size_t index = block_index(frame);
  const std::string_view type = string_member(*delta, "type");
  if (type == "text_delta") {
    return writer.on_event(event_of(Kind::kTextDelta, index, string_member(*delta, "text")), out);
  }
  if (type == "thinking_delta") {
    return writer.on_event(event_of(Kind::kReasoningDelta, index, string_member(*delta, "thinking")),
                           out);
  }
  if (type == "signature_delta") {
    return writer.on_event(
        event_of(Kind::kReasoningSignature, index, string_member(*delta, "signature")), out);
  }
  if (type == "input_json_delta") {
    return writer.on_event(
        event_of(Kind::kToolCallArguments, index, string_member(*delta, "partial_json")), out);
  }
}

Expected<std::string> invoke_stream_chunk_json(const EventStreamMessage& message) {
  if (auto failure = event_stream_failure(message)) return *failure;
  const auto not_a_chunk = [] {
    return upstream_transport_error(
        "upstream sent an InvokeModelWithResponseStream message that is not a chunk");
  };
  if (message.string_header(":event-type").value_or("") != "chunk") return not_a_chunk();
  FrameJson json;
  const json::object* payload = json.parse_object(message.payload);
  if (payload == nullptr) return not_a_chunk();
  const json::value* bytes = payload->if_contains("bytes");
  if (bytes == nullptr || !bytes->is_string()) return not_a_chunk();
  std::optional<std::string> decoded = decode_base64(bytes->get_string());
  if (!decoded) return not_a_chunk();
  return std::move(*decoded);
}

GatewayError anthropic_stream_error(const json::object& frame) {
  const json::object* details = object_member(frame, "error");
  if (details == nullptr) details = &frame;
  const std::string_view type = string_member(*details, "type");
  const std::string_view message = string_member(*details, "message");
  std::string text = "upstream provider reported ";
  text.append(type.empty() ? std::string_view("an error") : type);
  if (!message.empty()) text.append(": ").append(message);
  return {anthropic_status(type), "upstream_error", "upstream_http_error", std::nullopt,
          std::move(text)};
}

TokenUsage merge_anthropic_delta_usage(const TokenUsage& start, const json::value& delta_usage) {
  const json::object* object = delta_usage.if_object();
  if (object == nullptr) return start;
  const auto input = count_member(*object, "input_tokens");
  const auto output = count_member(*object, "output_tokens");
  if (!input && !output && !start.present) return start;
  TokenUsage merged = start;
  merged.present = true;
  merged.cached_input = count_member(*object, "cache_read_input_tokens").value_or(start.cached_input);
  merged.cache_write_input =
      count_member(*object, "cache_creation_input_tokens").value_or(start.cache_write_input);
  const std::int64_t uncached =
      input.value_or(start.input - start.cached_input - start.cache_write_input);
  merged.input = uncached + merged.cached_input + merged.cache_write_input;
  merged.output = output.value_or(start.output);
  merged.total = merged.input + merged.output;
  return merged;
}

}  // namespace sluice::streams
