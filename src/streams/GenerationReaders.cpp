#include "streams/GenerationReaders.h"

#include "core/JsonMembers.h"
#include "streams/StreamErrors.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <utility>

namespace sluice::streams {
namespace {

namespace json = boost::json;
using json_members::object_member;
using json_members::string_member;
using json_members::array_member;

using Kind = GeneratedBlock::Kind;

// The body as a JSON value holding an object, or the 502 that says it is not one. `format` names
// the wire format in the message so the request log tells which upstream misbehaved.
Expected<json::value> parse_answer(std::string_view body, std::string_view format) {
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec) return upstream_transport_error(std::string(format) + " answer is not valid JSON");
  if (!parsed.is_object()) {
    return upstream_transport_error(std::string(format) + " answer is not a JSON object");
  }
  return parsed;
}

// Tool arguments as JSON text. Converse and Anthropic send a parsed object, OpenAI a string (some
// compatible servers an object); an absent or empty value means "no arguments", which every caller
// format spells "{}".
std::string arguments_text(const json::value* arguments) {
  if (arguments == nullptr || arguments->is_null()) return "{}";
  if (const auto* text = arguments->if_string()) {
    return text->empty() ? "{}" : std::string(*text);
  }
  return json::serialize(*arguments);
}

// Empty text blocks are dropped: they say nothing, and a Responses writer would turn each one
// into an empty message item.
void add_text(std::vector<GeneratedBlock>& blocks, std::string_view text) {
  if (text.empty()) return;
  GeneratedBlock block;
  block.kind = Kind::kText;
  block.text = text;
  blocks.push_back(std::move(block));
}

void add_reasoning(std::vector<GeneratedBlock>& blocks, std::string_view text,
                   std::string_view signature) {
  GeneratedBlock block;
  block.kind = Kind::kReasoning;
  block.text = text;
  block.signature = signature;
  blocks.push_back(std::move(block));
}

void add_tool_call(std::vector<GeneratedBlock>& blocks, std::string_view id, std::string_view name,
                   std::string arguments) {
  GeneratedBlock block;
  block.kind = Kind::kToolCall;
  block.tool_call_id = id;
  block.tool_name = name;
  block.arguments = std::move(arguments);
  blocks.push_back(std::move(block));
}

// --- Converse -------------------------------------------------------------------------------------

// A Converse ContentBlock is a union: exactly one member is set. Blocks other than text, toolUse and
// reasoningContent (image, document, citationsContent, toolResult of a server tool, …) have no
// place in the caller formats we write, so they are skipped.
void add_converse_block(std::vector<GeneratedBlock>& blocks, const json::value& value) {
  const auto* block = value.if_object();
  if (block == nullptr) return;
  if (const json::value* text = block->if_contains("text"); text != nullptr && text->is_string()) {
    add_text(blocks, text->get_string());
    return;
  }
  if (const auto* tool_use = object_member(*block, "toolUse")) {
    // A server tool (type "server_tool_use") already ran inside Bedrock; handing it to the caller
    // as a function call would ask the caller to run a tool it never declared.
    if (string_member(*tool_use, "type") == "server_tool_use") return;
    add_tool_call(blocks, string_member(*tool_use, "toolUseId"), string_member(*tool_use, "name"),
                  arguments_text(tool_use->if_contains("input")));
    return;
  }
  if (const auto* reasoning = object_member(*block, "reasoningContent")) {
    // redactedContent is skipped: it is opaque bytes that only Bedrock can read back, and an empty
    // reasoning block sent back next turn without them would be rejected.
    if (const auto* reasoning_text = object_member(*reasoning, "reasoningText")) {
      add_reasoning(blocks, string_member(*reasoning_text, "text"),
                    string_member(*reasoning_text, "signature"));
    }
  }
}

const json::array* converse_content(const json::object& answer) {
  const auto* output = object_member(answer, "output");
  if (output == nullptr) return nullptr;
  const auto* message = object_member(*output, "message");
  return message != nullptr ? array_member(*message, "content") : nullptr;
}

// --- Anthropic ------------------------------------------------------------------------------------

// redacted_thinking is skipped for the same reason as Converse's redactedContent; server_tool_use
// and its *_tool_result blocks ran on Anthropic's side, and other types have no caller-format home.
void add_anthropic_block(std::vector<GeneratedBlock>& blocks, const json::value& value) {
  const auto* block = value.if_object();
  if (block == nullptr) return;
  const std::string_view type = string_member(*block, "type");
  if (type == "text") {
    add_text(blocks, string_member(*block, "text"));
  } else if (type == "thinking") {
    add_reasoning(blocks, string_member(*block, "thinking"), string_member(*block, "signature"));
  } else if (type == "tool_use") {
    add_tool_call(blocks, string_member(*block, "id"), string_member(*block, "name"),
                  arguments_text(block->if_contains("input")));
  }
}

// --- Chat -----------------------------------------------------------------------------------------

// Reasoning comes first, as the model thought before it answered. Servers disagree on the field's
// name: DeepSeek and vLLM write `reasoning_content`, OpenRouter and Ollama `reasoning`.
void add_chat_reasoning(std::vector<GeneratedBlock>& blocks, const json::object& message) {
  std::string_view reasoning = string_member(message, "reasoning_content");
  if (reasoning.empty()) reasoning = string_member(message, "reasoning");
  if (!reasoning.empty()) add_reasoning(blocks, reasoning, {});
}

// Only `function` tool calls are kept: `custom` tools take free text, not JSON arguments, and no
// other caller format can carry them.
void add_chat_tool_calls(std::vector<GeneratedBlock>& blocks, const json::object& message) {
  const auto* tool_calls = array_member(message, "tool_calls");
  if (tool_calls == nullptr) return;
  for (const auto& value : *tool_calls) {
    const auto* call = value.if_object();
    if (call == nullptr) continue;
    const std::string_view type = string_member(*call, "type");
    if (!type.empty() && type != "function") continue;
    const auto* function = object_member(*call, "function");
    if (function == nullptr) continue;
    add_tool_call(blocks, string_member(*call, "id"), string_member(*function, "name"),
                  arguments_text(function->if_contains("arguments")));
  }
}

const json::object* first_choice(const json::object& answer) {
  const auto* choices = array_member(answer, "choices");
  if (choices == nullptr || choices->empty()) return nullptr;
  return choices->front().if_object();
}

}  // namespace

Expected<Generation> read_converse_answer(std::string_view body) {
  auto parsed = parse_answer(body, "Converse");
  if (!parsed) return parsed.error();
  const json::object& answer = parsed->get_object();
  const json::array* content = converse_content(answer);
  if (content == nullptr) {
    return upstream_transport_error("Converse answer has no output.message.content array");
  }
  Generation generation;
  for (const auto& block : *content) add_converse_block(generation.blocks, block);
  generation.stop_reason = stop_reason_from_converse(string_member(answer, "stopReason"));
  if (const json::value* usage = answer.if_contains("usage")) {
    generation.usage = read_converse_usage(*usage);
  }
  return generation;
}

Expected<Generation> read_anthropic_answer(std::string_view body) {
  auto parsed = parse_answer(body, "Anthropic Messages");
  if (!parsed) return parsed.error();
  const json::object& answer = parsed->get_object();
  const json::array* content = array_member(answer, "content");
  if (content == nullptr) {
    return upstream_transport_error("Anthropic Messages answer has no content array");
  }
  Generation generation;
  generation.id = string_member(answer, "id");
  for (const auto& block : *content) add_anthropic_block(generation.blocks, block);
  generation.stop_reason = stop_reason_from_anthropic(string_member(answer, "stop_reason"));
  if (const json::value* usage = answer.if_contains("usage")) {
    generation.usage = read_anthropic_usage(*usage);
  }
  return generation;
}

Expected<Generation> read_chat_answer(std::string_view body) {
  auto parsed = parse_answer(body, "Chat Completions");
  if (!parsed) return parsed.error();
  const json::object& answer = parsed->get_object();
  const json::object* choice = first_choice(answer);
  const json::object* message = choice != nullptr ? object_member(*choice, "message") : nullptr;
  if (message == nullptr) {
    return upstream_transport_error("Chat Completions answer has no choices[0].message object");
  }
  Generation generation;
  generation.id = string_member(answer, "id");
  add_chat_reasoning(generation.blocks, *message);
  add_text(generation.blocks, string_member(*message, "content"));
  // A refusal is the model's own words to the caller; other formats have no refusal field, so it
  // travels as text.
  add_text(generation.blocks, string_member(*message, "refusal"));
  add_chat_tool_calls(generation.blocks, *message);
  generation.stop_reason = stop_reason_from_chat(string_member(*choice, "finish_reason"));
  generation.usage = usage_from_body(ApiFamily::kChatCompletions, *parsed);
  return generation;
}

}  // namespace sluice::streams
