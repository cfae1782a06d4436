#include "providers/AnthropicRequest.h"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <string>

namespace sluice::providers {

namespace {

namespace json = boost::json;

constexpr std::int64_t kDefaultMaxTokens = 4096;
constexpr std::string_view kBedrockAnthropicVersion = "bedrock-2023-05-31";

// --- Content blocks -----------------------------------------------------------------------------

Expected<json::object> image_block(const ImagePart& image, AnthropicDialect dialect) {
  if (!image.is_remote()) {
    return json::object{{"type", "image"},
                        {"source", json::object{{"type", "base64"},
                                                {"media_type", image.media_type},
                                                {"data", image.base64}}}};
  }
  if (dialect == AnthropicDialect::kBedrockInvoke) {
    return GatewayError::invalid_request(
        "remote image URLs are not supported on Bedrock routes; send the image as a base64 data "
        "URL",
        image.origin);
  }
  return json::object{{"type", "image"},
                      {"source", json::object{{"type", "url"}, {"url", image.url}}}};
}

Expected<json::object> tool_result_block(const ToolResult& result, AnthropicDialect dialect) {
  json::object block{{"type", "tool_result"},
                     {"tool_use_id", portable_tool_use_id(result.call_id)}};
  json::array content;
  for (const auto& part : result.content) {
    if (const auto* text = std::get_if<TextPart>(&part)) {
      content.push_back(json::object{{"type", "text"}, {"text", text->text}});
      continue;
    }
    auto image = image_block(std::get<ImagePart>(part), dialect);
    if (!image) return image.error();
    content.push_back(std::move(*image));
  }
  if (!content.empty()) block["content"] = std::move(content);
  if (result.is_error) block["is_error"] = true;
  return block;
}

json::object reasoning_block(const ReasoningPart& reasoning) {
  if (!reasoning.redacted.empty()) {
    return json::object{{"type", "redacted_thinking"}, {"data", reasoning.redacted}};
  }
  return json::object{
      {"type", "thinking"}, {"thinking", reasoning.text}, {"signature", reasoning.signature}};
}

// Anthropic verifies thinking blocks against their signature; unsigned ones would be refused.
bool is_unsigned_reasoning(const Part& part) {
  const auto* reasoning = std::get_if<ReasoningPart>(&part);
  return reasoning != nullptr && reasoning->signature.empty() && reasoning->redacted.empty();
}

Expected<json::object> content_block(const Part& part, AnthropicDialect dialect) {
  if (const auto* text = std::get_if<TextPart>(&part)) {
    return json::object{{"type", "text"}, {"text", text->text}};
  }
  if (const auto* image = std::get_if<ImagePart>(&part)) return image_block(*image, dialect);
  if (const auto* call = std::get_if<ToolCall>(&part)) {
    return json::object{{"type", "tool_use"},
                        {"id", portable_tool_use_id(call->id)},
                        {"name", call->name},
                        {"input", call->arguments}};
  }
  if (const auto* result = std::get_if<ToolResult>(&part)) {
    return tool_result_block(*result, dialect);
  }
  return reasoning_block(std::get<ReasoningPart>(part));
}

bool is_tool_result_block(const json::value& block) {
  return block.get_object().at("type").get_string() == "tool_result";
}

Expected<json::array> messages(const Conversation& conversation, AnthropicDialect dialect) {
  json::array messages;
  for (const Turn& turn : conversation.turns) {
    json::array content;
    for (const Part& part : turn.parts) {
      if (is_unsigned_reasoning(part)) continue;
      auto block = content_block(part, dialect);
      if (!block) return block.error();
      content.push_back(std::move(*block));
    }
    append_alternating_message(messages, is_tool_result_block, turn.role, std::move(content));
  }
  return messages;
}

// --- Everything around the messages -------------------------------------------------------------

// One text as a plain string, several as text blocks so their boundaries survive.
json::value system_prompt(const std::vector<std::string>& texts) {
  if (texts.size() == 1) return json::value(texts.front());
  json::array blocks;
  for (const std::string& text : texts)
    blocks.push_back(json::object{{"type", "text"}, {"text", text}});
  return blocks;
}

json::array tools(const std::vector<Tool>& tools) {
  json::array result;
  for (const Tool& tool : tools) {
    json::object spec{{"name", tool.name}, {"input_schema", tool.parameters}};
    if (!tool.description.empty()) spec["description"] = tool.description;
    if (tool.strict) spec["strict"] = *tool.strict;
    result.push_back(std::move(spec));
  }
  return result;
}

std::string_view tool_choice_type(ToolChoice::Mode mode) {
  switch (mode) {
    case ToolChoice::Mode::kAuto: return "auto";
    case ToolChoice::Mode::kNone: return "none";
    case ToolChoice::Mode::kRequired: return "any";
    case ToolChoice::Mode::kNamed: return "tool";
  }
  return "auto";
}

// Only with tools: Anthropic refuses a tool_choice that has nothing to choose from. parallel
// tool calls off without a choice is `auto` with disable_parallel_tool_use; `none` takes no flag.
std::optional<json::object> tool_choice(const Conversation& conversation) {
  if (conversation.tools.empty()) return std::nullopt;
  const bool serial = conversation.parallel_tool_calls == false;
  if (!conversation.tool_choice && !serial) return std::nullopt;
  const ToolChoice choice = conversation.tool_choice.value_or(ToolChoice{});
  json::object result{{"type", tool_choice_type(choice.mode)}};
  if (choice.mode == ToolChoice::Mode::kNamed) result["name"] = choice.name;
  if (serial && choice.mode != ToolChoice::Mode::kNone) result["disable_parallel_tool_use"] = true;
  return result;
}

void add_sampling(json::object& body, const Conversation& conversation) {
  if (conversation.temperature) body["temperature"] = *conversation.temperature;
  if (conversation.top_p) body["top_p"] = *conversation.top_p;
  if (conversation.top_k) body["top_k"] = *conversation.top_k;
  if (!conversation.stop_sequences.empty()) {
    json::array stops;
    for (const std::string& stop : conversation.stop_sequences) stops.emplace_back(stop);
    body["stop_sequences"] = std::move(stops);
  }
}

void add_dialect_fields(json::object& body, const Conversation& conversation,
                        AnthropicDialect dialect, std::string_view model_id) {
  if (dialect == AnthropicDialect::kBedrockInvoke) {
    body["anthropic_version"] = kBedrockAnthropicVersion;
    return;
  }
  body["model"] = model_id;
  if (conversation.stream) body["stream"] = true;
}

}  // namespace

Expected<boost::json::object> anthropic_request_body(const Conversation& conversation,
                                                     AnthropicDialect dialect,
                                                     std::string_view model_id) {
  auto conversation_messages = messages(conversation, dialect);
  if (!conversation_messages) return conversation_messages.error();

  json::object body;
  add_dialect_fields(body, conversation, dialect, model_id);
  const ThinkingPlan thinking = plan_thinking(conversation, kDefaultMaxTokens);
  body["max_tokens"] = thinking.max_tokens.value_or(kDefaultMaxTokens);
  if (!conversation.system.empty()) body["system"] = system_prompt(conversation.system);
  body["messages"] = std::move(*conversation_messages);
  if (!conversation.tools.empty()) body["tools"] = tools(conversation.tools);
  if (auto choice = tool_choice(conversation)) body["tool_choice"] = std::move(*choice);
  add_sampling(body, conversation);
  if (thinking.budget_tokens) {
    body["thinking"] = json::object{{"type", "enabled"}, {"budget_tokens", *thinking.budget_tokens}};
  }
  if (conversation.user_id) body["metadata"] = json::object{{"user_id", *conversation.user_id}};
  return body;
}

}  // namespace sluice::providers
