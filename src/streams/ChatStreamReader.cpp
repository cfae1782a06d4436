#include "streams/ChatStreamReader.h"

#include "core/JsonMembers.h"
#include "streams/StreamErrors.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace sluice::streams {
namespace {

namespace json = boost::json;
using json_members::object_member;
using json_members::string_member;

using Kind = GenerationEvent::Kind;

constexpr std::size_t kTextBlock = 0;
constexpr std::size_t kReasoningBlock = 1;
constexpr std::size_t kFirstToolCallBlock = 2;
// Tool call indices are kept in a vector; a wild index must not size it.
constexpr std::size_t kMaxToolCalls = 1024;

GenerationEvent event_of(Kind kind, std::size_t block = 0, std::string_view text = {}) {
  GenerationEvent event;
  event.kind = kind;
  event.block = block;
  event.text = text;
  return event;
}

const json::object* first_choice(const json::object& chunk) {
  const json::value* choices = chunk.if_contains("choices");
  if (choices == nullptr || !choices->is_array()) return nullptr;
  for (const json::value& choice : choices->get_array()) {
    const json::object* object = choice.if_object();
    if (object == nullptr) continue;
    const json::value* index = object->if_contains("index");
    if (index == nullptr || (index->is_number() && index->to_number<double>() == 0)) return object;
  }
  return nullptr;
}

TokenUsage usage_of(const json::object& chunk, const json::object* choice) {
  if (const json::value* usage = chunk.if_contains("usage")) {
    if (TokenUsage reported = read_chat_usage(*usage); reported.present) return reported;
  }
  if (choice != nullptr) {
    if (const json::value* usage = choice->if_contains("usage")) return read_chat_usage(*usage);
  }
  return {};
}

}  // namespace

void ChatStreamReader::on_event(const SseEvent& event, GenerationStreamWriter& writer,
                                std::string& out) {
  if (writer.finished()) return;
  const std::string_view data = trim_json_space(event.data);
  if (data.empty() || data == "[DONE]") return;

  const json::object* chunk = json_.parse_object(data);
  if (chunk == nullptr) {
    if (event.event == "error") {
      return writer.on_failure(
          upstream_reported_error("upstream reported an error in the stream", std::nullopt), out);
    }
    return writer.on_failure(upstream_transport_error("upstream sent a malformed stream chunk"),
                             out);
  }
  if (event.event == "error" || has_error_member(*chunk)) {
    return writer.on_failure(error_reported_by(*chunk), out);
  }

  if (!started_) {
    started_ = true;
    writer.on_event(event_of(Kind::kMessageStart, 0, string_member(*chunk, "id")), out);
  }
  const json::object* choice = first_choice(*chunk);
  if (choice != nullptr) {
    if (const json::object* delta = object_member(*choice, "delta")) on_delta(*delta, writer, out);
  }
  if (TokenUsage usage = usage_of(*chunk, choice); usage.present) {
    GenerationEvent usage_event = event_of(Kind::kUsage);
    usage_event.usage = usage;
    writer.on_event(usage_event, out);
  }
  if (choice != nullptr) {
    if (const auto reason = string_member(*choice, "finish_reason"); !reason.empty()) {
      GenerationEvent stop = event_of(Kind::kMessageStop);
      stop.stop_reason = stop_reason_from_chat(reason);
      writer.on_event(stop, out);
    }
  }
}

void ChatStreamReader::on_delta(const json::object& delta, GenerationStreamWriter& writer,
                                std::string& out) {
  for (const std::string_view key : {std::string_view("reasoning_content"),
                                     std::string_view("reasoning"),
                                     std::string_view("reasoning_text")}) {
    if (const auto text = string_member(delta, key); !text.empty()) {
      writer.on_event(event_of(Kind::kReasoningDelta, kReasoningBlock, text), out);
      break;
    }
  }
  if (const auto text = string_member(delta, "content"); !text.empty()) {
    writer.on_event(event_of(Kind::kTextDelta, kTextBlock, text), out);
  }
  const json::value* calls = delta.if_contains("tool_calls");
  if (calls == nullptr || !calls->is_array()) return;
  std::size_t position = 0;
  for (const json::value& call : calls->get_array()) {
    if (const json::object* object = call.if_object()) on_tool_call(*object, position, writer, out);
    ++position;
  }
}

// `position` stands in for the index when a server leaves it out (a single-call delta).
void ChatStreamReader::on_tool_call(const json::object& call, std::size_t position,
                                    GenerationStreamWriter& writer, std::string& out) {
  std::size_t index = position;
  if (const json::value* value = call.if_contains("index")) {
    if (const auto* number = value->if_int64(); number != nullptr && *number >= 0) {
      index = static_cast<std::size_t>(*number);
    } else if (const auto* unsigned_number = value->if_uint64()) {
      index = static_cast<std::size_t>(*unsigned_number);
    }
  }
  if (index >= kMaxToolCalls) {
    return writer.on_failure(
        upstream_transport_error("upstream sent a tool call index beyond any real answer"), out);
  }
  const std::size_t block = kFirstToolCallBlock + index;
  const json::object* function = object_member(call, "function");
  if (index >= tool_calls_started_.size()) tool_calls_started_.resize(index + 1, false);
  if (!tool_calls_started_[index]) {
    tool_calls_started_[index] = true;
    GenerationEvent start = event_of(Kind::kToolCallStart, block);
    start.tool_call_id = string_member(call, "id");
    if (function != nullptr) start.tool_name = string_member(*function, "name");
    writer.on_event(start, out);
  }
  if (function == nullptr) return;
  if (const auto arguments = string_member(*function, "arguments"); !arguments.empty()) {
    writer.on_event(event_of(Kind::kToolCallArguments, block, arguments), out);
  }
}

}  // namespace sluice::streams
