#include "providers/ConverseRequest.h"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <string>

namespace sluice::providers {

namespace {

namespace json = boost::json;

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// Model families by the id fragments Bedrock uses, which also appear inside cross-region inference
// profile ids ("us.anthropic.claude-…").
bool is_anthropic(std::string_view model_id) { return contains(model_id, "anthropic."); }
bool is_claude(std::string_view model_id) { return contains(model_id, "anthropic.claude"); }
bool is_nova(std::string_view model_id) { return contains(model_id, "amazon.nova"); }
bool is_gpt_oss(std::string_view model_id) { return contains(model_id, "openai.gpt-oss"); }

// Room for Claude's answer beside its thinking when the caller set no max_tokens (as for the
// Anthropic writer's default).
constexpr std::int64_t kClaudeAnswerTokens = 4096;

// --- Content blocks -----------------------------------------------------------------------------

std::optional<std::string_view> image_format(std::string_view media_type) {
  if (media_type == "image/png") return "png";
  if (media_type == "image/jpeg" || media_type == "image/jpg") return "jpeg";
  if (media_type == "image/gif") return "gif";
  if (media_type == "image/webp") return "webp";
  return std::nullopt;
}

// {format, source:{bytes}}: the ImageBlock, used both as a content block and inside tool results.
Expected<json::object> image_block(const ImagePart& image) {
  if (image.is_remote()) {
    return GatewayError::invalid_request(
        "remote image URLs are not supported on Bedrock Converse routes; send the image as a "
        "base64 data URL",
        image.origin);
  }
  const auto format = image_format(image.media_type);
  if (!format) {
    return GatewayError::invalid_request(
        fmt::format("image media type `{}` is not supported on Bedrock Converse routes; send "
                    "png, jpeg, gif or webp",
                    image.media_type),
        image.origin);
  }
  // REST-JSON carries blobs as base64, which is what the caller sent.
  return json::object{{"format", *format}, {"source", json::object{{"bytes", image.base64}}}};
}

json::object tool_use_block(const ToolCall& call) {
  return json::object{{"toolUse", json::object{{"toolUseId", portable_tool_use_id(call.id)},
                                               {"name", call.name},
                                               {"input", call.arguments}}}};
}

Expected<json::object> tool_result_block(const ToolResult& result) {
  json::array content;
  for (const auto& part : result.content) {
    if (const auto* text = std::get_if<TextPart>(&part)) {
      content.push_back(json::object{{"text", text->text}});
      continue;
    }
    auto image = image_block(std::get<ImagePart>(part));
    if (!image) return image.error();
    content.push_back(json::object{{"image", std::move(*image)}});
  }
  return json::object{
      {"toolResult", json::object{{"toolUseId", portable_tool_use_id(result.call_id)},
                                  {"content", std::move(content)},
                                  {"status", result.is_error ? "error" : "success"}}}};
}

json::object reasoning_block(const ReasoningPart& reasoning) {
  if (!reasoning.redacted.empty()) {
    return json::object{
        {"reasoningContent", json::object{{"redactedContent", reasoning.redacted}}}};
  }
  return json::object{
      {"reasoningContent",
       json::object{{"reasoningText",
                     json::object{{"text", reasoning.text}, {"signature", reasoning.signature}}}}}};
}

// Models verify reasoning they are sent back against its signature; unsigned reasoning (from a
// caller or route that had none) would be refused, so it is left out.
bool is_unsigned_reasoning(const Part& part) {
  const auto* reasoning = std::get_if<ReasoningPart>(&part);
  return reasoning != nullptr && reasoning->signature.empty() && reasoning->redacted.empty();
}

Expected<json::object> content_block(const Part& part) {
  if (const auto* text = std::get_if<TextPart>(&part)) return json::object{{"text", text->text}};
  if (const auto* call = std::get_if<ToolCall>(&part)) return tool_use_block(*call);
  if (const auto* result = std::get_if<ToolResult>(&part)) return tool_result_block(*result);
  if (const auto* image = std::get_if<ImagePart>(&part)) {
    auto block = image_block(*image);
    if (!block) return block.error();
    return json::object{{"image", std::move(*block)}};
  }
  return reasoning_block(std::get<ReasoningPart>(part));
}

bool is_tool_result_block(const json::value& block) {
  return block.get_object().contains("toolResult");
}

Expected<json::array> messages(const Conversation& conversation) {
  json::array messages;
  for (const Turn& turn : conversation.turns) {
    json::array content;
    for (const Part& part : turn.parts) {
      if (is_unsigned_reasoning(part)) continue;
      auto block = content_block(part);
      if (!block) return block.error();
      content.push_back(std::move(*block));
    }
    append_alternating_message(messages, is_tool_result_block, turn.role, std::move(content));
  }
  return messages;
}

// --- Tools --------------------------------------------------------------------------------------

// Claude Opus 4.7 and 4.8 on Bedrock refuse `strict` in a tool spec; a route may say otherwise
// (supports_strict_tools) once Bedrock changes.
bool sends_strict(const ConverseTarget& target) {
  if (target.supports_strict_tools) return *target.supports_strict_tools;
  return !contains(target.model_id, "anthropic.claude-opus-4-7") &&
         !contains(target.model_id, "anthropic.claude-opus-4-8");
}

json::object tool_spec(const Tool& tool, bool with_strict) {
  json::object spec{{"name", tool.name}, {"inputSchema", json::object{{"json", tool.parameters}}}};
  if (!tool.description.empty()) spec["description"] = tool.description;  // NonEmptyString
  if (with_strict && tool.strict) spec["strict"] = *tool.strict;
  return json::object{{"toolSpec", std::move(spec)}};
}

std::optional<json::object> tool_choice(const ToolChoice& choice) {
  switch (choice.mode) {
    case ToolChoice::Mode::kAuto: return json::object{{"auto", json::object()}};
    case ToolChoice::Mode::kRequired: return json::object{{"any", json::object()}};
    case ToolChoice::Mode::kNamed:
      return json::object{{"tool", json::object{{"name", choice.name}}}};
    case ToolChoice::Mode::kNone: return std::nullopt;
  }
  return std::nullopt;
}

// Bedrock refuses toolUse / toolResult blocks without a toolConfig, but callers often send the
// history of an earlier tool round without offering the tools again. Each tool called in the
// history is then declared with an open schema (as LiteLLM does with a placeholder tool), so the
// conversation is accepted; the model may call one again, as it could when it was first offered.
std::optional<json::object> history_tool_config(const Conversation& conversation) {
  json::array tools;
  std::vector<std::string_view> declared;
  for (const Turn& turn : conversation.turns) {
    for (const Part& part : turn.parts) {
      const auto* call = std::get_if<ToolCall>(&part);
      if (call == nullptr || std::find(declared.begin(), declared.end(), call->name) != declared.end()) {
        continue;
      }
      declared.push_back(call->name);
      json::object spec{{"name", call->name},
                        {"description", "A tool called earlier in this conversation."},
                        {"inputSchema", json::object{{"json", json::object{{"type", "object"}}}}}};
      tools.push_back(json::object{{"toolSpec", std::move(spec)}});
    }
  }
  if (tools.empty()) return std::nullopt;
  return json::object{{"tools", std::move(tools)}};
}

std::optional<json::object> tool_config(const Conversation& conversation,
                                        const ConverseTarget& target) {
  if (conversation.tools.empty()) {
    return conversation.has_tool_history() ? history_tool_config(conversation) : std::nullopt;
  }
  const bool none =
      conversation.tool_choice && conversation.tool_choice->mode == ToolChoice::Mode::kNone;
  // Converse has no "none". Without tools the model cannot call one, so the tools go. But Bedrock
  // refuses toolUse / toolResult blocks without a toolConfig, so with tool history they stay, with
  // no toolChoice: the nearest Converse comes to "none".
  if (none && !conversation.has_tool_history()) return std::nullopt;

  json::array tools;
  const bool with_strict = sends_strict(target);
  for (const Tool& tool : conversation.tools) tools.push_back(tool_spec(tool, with_strict));
  json::object config{{"tools", std::move(tools)}};
  if (conversation.tool_choice) {
    if (auto choice = tool_choice(*conversation.tool_choice)) config["toolChoice"] = *choice;
  }
  // parallel_tool_calls has no Converse field; models decide for themselves.
  return config;
}

// --- Inference settings -------------------------------------------------------------------------

json::object inference_config(const Conversation& conversation, std::string_view model_id) {
  json::object config;
  // Claude's thinking needs maxTokens above its budget; plan_thinking supplies one when the caller
  // gave none.
  const std::optional<std::int64_t> max_tokens =
      is_claude(model_id) ? plan_thinking(conversation, kClaudeAnswerTokens).max_tokens
                          : conversation.max_tokens;
  if (max_tokens) config["maxTokens"] = *max_tokens;
  if (conversation.temperature) config["temperature"] = *conversation.temperature;
  if (conversation.top_p) config["topP"] = *conversation.top_p;
  if (!conversation.stop_sequences.empty()) {
    json::array stops;
    for (const std::string& stop : conversation.stop_sequences) stops.emplace_back(stop);
    config["stopSequences"] = std::move(stops);
  }
  return config;
}

// The caller's effort as one of low / medium / high (a budget is converted), or nothing when it
// asked for no reasoning. xhigh and max are above what Nova and gpt-oss name: high.
std::optional<std::string_view> effort_word(const ReasoningRequest& reasoning) {
  std::optional<ReasoningEffort> effort = reasoning.effort;
  if (reasoning.budget_tokens) effort = effort_for_budget(*reasoning.budget_tokens);
  if (!effort) return std::nullopt;
  switch (*effort) {
    case ReasoningEffort::kNone:
    case ReasoningEffort::kMinimal: return std::nullopt;
    case ReasoningEffort::kLow: return "low";
    case ReasoningEffort::kMedium: return "medium";
    case ReasoningEffort::kHigh:
    case ReasoningEffort::kXHigh:
    case ReasoningEffort::kMax: return "high";
  }
  return std::nullopt;
}

// Reasoning in each model family's own request fields. Other families get nothing: Converse has no
// common reasoning field, and most models refuse additionalModelRequestFields keys they do not
// know, so a request that works without reasoning keeps working.
void add_reasoning(json::object& fields, const Conversation& conversation,
                   std::string_view model_id) {
  const ReasoningRequest& reasoning = conversation.reasoning;
  if (is_claude(model_id)) {
    const ThinkingPlan thinking = plan_thinking(conversation, kClaudeAnswerTokens);
    if (thinking.budget_tokens) {
      fields["thinking"] =
          json::object{{"type", "enabled"}, {"budget_tokens", *thinking.budget_tokens}};
    }
  } else if (is_nova(model_id)) {
    if (const auto effort = effort_word(reasoning)) {
      fields["reasoningConfig"] =
          json::object{{"type", "enabled"}, {"maxReasoningEffort", *effort}};
    }
  } else if (is_gpt_oss(model_id)) {
    if (const auto effort = effort_word(reasoning)) fields["reasoning_effort"] = *effort;
  }
}

json::object additional_model_request_fields(const Conversation& conversation,
                                             std::string_view model_id) {
  json::object fields;
  // Converse has no top_k; Anthropic models take it under their own name. Others differ or lack
  // it, so it is dropped for them.
  if (conversation.top_k && is_anthropic(model_id)) fields["top_k"] = *conversation.top_k;
  add_reasoning(fields, conversation, model_id);
  return fields;
}

// --- Converse controls --------------------------------------------------------------------------

json::object guardrail_config(const GuardrailConfig& guardrail) {
  json::object config{{"guardrailIdentifier", guardrail.identifier},
                      {"guardrailVersion", guardrail.version}};
  if (guardrail.trace) config["trace"] = *guardrail.trace;
  if (guardrail.stream_processing_mode) {
    config["streamProcessingMode"] = *guardrail.stream_processing_mode;
  }
  return config;
}

void add_converse_controls(json::object& body, const ConverseControls& controls) {
  if (!controls.request_metadata.empty()) {
    json::object metadata;
    for (const auto& [key, value] : controls.request_metadata) metadata[key] = value;
    body["requestMetadata"] = std::move(metadata);
  }
  if (controls.latency) body["performanceConfig"] = json::object{{"latency", *controls.latency}};
  if (controls.guardrail) body["guardrailConfig"] = guardrail_config(*controls.guardrail);
  if (!controls.additional_model_response_field_paths.empty()) {
    json::array paths;
    for (const std::string& path : controls.additional_model_response_field_paths) {
      paths.emplace_back(path);
    }
    body["additionalModelResponseFieldPaths"] = std::move(paths);
  }
}

}  // namespace

Expected<boost::json::object> converse_request_body(const Conversation& conversation,
                                                    const ConverseTarget& target) {
  auto conversation_messages = messages(conversation);
  if (!conversation_messages) return conversation_messages.error();

  json::object body;
  body["messages"] = std::move(*conversation_messages);
  if (!conversation.system.empty()) {
    json::array system;
    for (const std::string& text : conversation.system)
      system.push_back(json::object{{"text", text}});
    body["system"] = std::move(system);
  }
  if (auto config = inference_config(conversation, target.model_id); !config.empty()) {
    body["inferenceConfig"] = std::move(config);
  }
  if (auto config = tool_config(conversation, target)) body["toolConfig"] = std::move(*config);
  if (auto fields = additional_model_request_fields(conversation, target.model_id);
      !fields.empty()) {
    body["additionalModelRequestFields"] = std::move(fields);
  }
  add_converse_controls(body, conversation.converse);
  return body;
}

}  // namespace sluice::providers
