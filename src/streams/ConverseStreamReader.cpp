#include "streams/ConverseStreamReader.h"

#include "core/JsonMembers.h"
#include "streams/StreamErrors.h"

#include <boost/json/parse.hpp>

namespace sluice::streams {
namespace {

namespace json = boost::json;
using json_members::object_member;
using json_members::string_member;
using json_members::string_if;

using Kind = GenerationEvent::Kind;

std::size_t block_index(const json::object& payload) {
  const json::value* value = payload.if_contains("contentBlockIndex");
  if (value == nullptr) return 0;
  if (const auto* number = value->if_int64(); number != nullptr && *number >= 0) {
    return static_cast<std::size_t>(*number);
  }
  if (const auto* number = value->if_uint64()) return static_cast<std::size_t>(*number);
  return 0;
}

int bedrock_status(std::string_view exception_type) {
  if (exception_type == "throttlingException") return 429;
  if (exception_type == "validationException") return 400;
  if (exception_type == "serviceUnavailableException") return 503;
  if (exception_type == "internalServerException") return 500;
  if (exception_type == "modelStreamErrorException") return 424;
  return 502;
}

// The {"message"} of an exception payload ("Message" in some AWS services); "" when absent.
std::string exception_message(std::string_view payload) {
  boost::system::error_code ignored;
  const json::value parsed = json::parse(payload, ignored);
  if (const auto* object = parsed.if_object()) {
    for (const std::string_view key : {std::string_view("message"), std::string_view("Message")}) {
      if (const auto text = string_member(*object, key); !text.empty()) return std::string(text);
    }
  }
  return {};
}

GatewayError reported(std::string_view name, std::string_view message) {
  std::string text = "upstream provider reported ";
  text.append(name.empty() ? std::string_view("an error") : name);
  if (!message.empty()) text.append(": ").append(message);
  return {bedrock_status(name), "upstream_error", "upstream_http_error", std::nullopt,
          std::move(text)};
}

GenerationEvent event_of(Kind kind, std::size_t block = 0, std::string_view text = {}) {
  GenerationEvent event;
  event.kind = kind;
  event.block = block;
  event.text = text;
  return event;
}

}  // namespace

std::optional<GatewayError> event_stream_failure(const EventStreamMessage& message) {
  const std::string_view type = message.string_header(":message-type").value_or("event");
  if (type == "exception") {
    return reported(message.string_header(":exception-type").value_or(""),
                    exception_message(message.payload));
  }
  if (type == "error") {
    return reported(message.string_header(":error-code").value_or(""),
                    message.string_header(":error-message").value_or(""));
  }
  return std::nullopt;
}

void ConverseStreamReader::on_message(const EventStreamMessage& message,
                                      GenerationStreamWriter& writer, std::string& out) {
  if (writer.finished()) return;
  if (auto failure = event_stream_failure(message)) return writer.on_failure(*failure, out);
  if (message.string_header(":message-type").value_or("event") != "event") {
    return writer.on_failure(
        upstream_transport_error("upstream sent an EventStream message of an unknown kind"), out);
  }
  const json::object* payload = json_.parse_object(message.payload);
  if (payload == nullptr) {
    return writer.on_failure(
        upstream_transport_error("upstream sent a malformed ConverseStream event"), out);
  }
  on_event(message.string_header(":event-type").value_or(""), *payload, writer, out);
}

void ConverseStreamReader::on_event(std::string_view event_type, const json::object& payload,
                                    GenerationStreamWriter& writer, std::string& out) {
  if (event_type == "messageStart") {
    return writer.on_event(event_of(Kind::kMessageStart), out);
  }
  if (event_type == "contentBlockStart") {
    const json::object* start = object_member(payload, "start");
    const json::object* tool_use = start != nullptr ? object_member(*start, "toolUse") : nullptr;
    if (tool_use == nullptr) return;  // toolResult / image blocks: no caller format carries them
    GenerationEvent event = event_of(Kind::kToolCallStart, block_index(payload));
    event.tool_call_id = string_member(*tool_use, "toolUseId");
    event.tool_name = string_member(*tool_use, "name");
    return writer.on_event(event, out);
  }
  if (event_type == "contentBlockDelta") {
    const json::object* delta = object_member(payload, "delta");
    if (delta == nullptr) return;
    const std::size_t block = block_index(payload);
    if (const json::string* text = string_if(*delta, "text")) {
      return writer.on_event(event_of(Kind::kTextDelta, block, *text), out);
    }
    if (const json::object* tool_use = object_member(*delta, "toolUse")) {
      if (const json::string* input = string_if(*tool_use, "input")) {
        writer.on_event(event_of(Kind::kToolCallArguments, block, *input), out);
      }
      return;
    }
    if (const json::object* reasoning = object_member(*delta, "reasoningContent")) {
      if (const json::string* text = string_if(*reasoning, "text")) {
        writer.on_event(event_of(Kind::kReasoningDelta, block, *text), out);
      } else if (const json::string* signature = string_if(*reasoning, "signature")) {
        writer.on_event(event_of(Kind::kReasoningSignature, block, *signature), out);
      }
    }
    return;
  }
  if (event_type == "contentBlockStop") {
    return writer.on_event(event_of(Kind::kBlockStop, block_index(payload)), out);
  }
  if (event_type == "messageStop") {
    GenerationEvent event = event_of(Kind::kMessageStop);
    event.stop_reason = stop_reason_from_converse(string_member(payload, "stopReason"));
    return writer.on_event(event, out);
  }
  if (event_type == "metadata") {
    const json::value* usage = payload.if_contains("usage");
    if (usage == nullptr) return;
    GenerationEvent event = event_of(Kind::kUsage);
    event.usage = read_converse_usage(*usage);
    return writer.on_event(event, out);
  }
}

}  // namespace sluice::streams
