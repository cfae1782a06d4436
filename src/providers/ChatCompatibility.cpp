#include "providers/ChatCompatibility.h"

#include <boost/json/value.hpp>

#include <string_view>

namespace sluice::providers {

namespace {

namespace json = boost::json;

bool is_empty_array(const json::value* value) {
  return value != nullptr && value->is_array() && value->get_array().empty();
}

// Function-tool history: the conversation already called a tool, so some OpenAI-compatible proxies
// (LiteLLM in front of Anthropic) need the `tools` key, even empty, to accept it.
bool has_tool_history(const json::object& body) {
  const json::value* messages = body.if_contains("messages");
  if (messages == nullptr || !messages->is_array()) return false;
  for (const json::value& message : messages->get_array()) {
    if (!message.is_object()) continue;
    const json::object& object = message.get_object();
    const json::value* role = object.if_contains("role");
    if (role != nullptr && role->is_string() && role->get_string() == "tool") return true;
    const json::value* calls = object.if_contains("tool_calls");
    if (calls != nullptr && calls->is_array() && !calls->get_array().empty()) return true;
  }
  return false;
}

bool is_neutral_tool_choice(const json::value& choice) {
  if (choice.is_null()) return true;
  if (!choice.is_string()) return false;
  const std::string_view value = choice.get_string();
  return value == "auto" || value == "none";
}

std::optional<GatewayError> apply_empty_tools(config::EmptyToolsMode mode, json::object& body) {
  if (mode == config::EmptyToolsMode::kPreserve || !is_empty_array(body.if_contains("tools"))) {
    return std::nullopt;
  }
  if (mode == config::EmptyToolsMode::kPreserveWithToolHistory && has_tool_history(body)) {
    return std::nullopt;
  }
  const json::value* choice = body.if_contains("tool_choice");
  if (choice != nullptr && !is_neutral_tool_choice(*choice)) {
    return GatewayError::invalid_request(
        "`tool_choice` must be `none`, `auto`, or null when `tools` is empty: this model's route "
        "omits an empty `tools` array upstream",
        "tool_choice");
  }
  body.erase("tools");
  body.erase("tool_choice");
  return std::nullopt;
}

void rename_max_completion_tokens(json::object& body) {
  const auto it = body.find("max_completion_tokens");
  if (it == body.end()) return;
  json::value limit = std::move(it->value());
  body.erase(it);
  if (!body.contains("max_tokens")) body["max_tokens"] = std::move(limit);
}

void developer_messages_to_system(json::object& body) {
  json::value* messages = body.if_contains("messages");
  if (messages == nullptr || !messages->is_array()) return;
  for (json::value& message : messages->get_array()) {
    if (!message.is_object()) continue;
    json::value* role = message.get_object().if_contains("role");
    if (role != nullptr && role->is_string() && role->get_string() == "developer") *role = "system";
  }
}

void apply_reasoning_effort(config::ReasoningEffortMode mode, json::object& body) {
  if (mode == config::ReasoningEffortMode::kPassthrough) return;
  const auto it = body.find("reasoning_effort");
  if (it == body.end()) return;
  json::value effort = std::move(it->value());
  body.erase(it);
  if (mode == config::ReasoningEffortMode::kReasoningObject && !body.contains("reasoning")) {
    body["reasoning"] = json::object{{"effort", std::move(effort)}};
  }
}

void request_stream_usage(json::object& body) {
  const json::value* stream = body.if_contains("stream");
  if (stream == nullptr || !stream->is_bool() || !stream->get_bool()) return;
  json::value& options = body["stream_options"];
  if (!options.is_object()) options = json::object();
  options.get_object()["include_usage"] = true;
}

}  // namespace

bool takes_chat_compatibility(const config::ProviderConfig& provider) {
  return provider.type == config::ProviderType::kOpenAICompat ||
         provider.type == config::ProviderType::kGcpCloudRunOpenAICompat;
}

std::optional<GatewayError> apply_chat_compatibility(
    const config::RouteCompatibility& compatibility, boost::json::object& body) {
  // An absent block means every default, and every default leaves the body as it is.
  const config::OpenAICompatCompatibility profile =
      compatibility.openai_compat.value_or(config::OpenAICompatCompatibility{});

  // First, because it is the only step that can refuse; refusing before any rewrite keeps `body`
  // unchanged on error.
  if (auto refusal = apply_empty_tools(profile.empty_tools, body)) return refusal;
  if (!profile.supports_store) body.erase("store");
  if (profile.max_tokens_field == config::MaxTokensField::kMaxTokens) {
    rename_max_completion_tokens(body);
  }
  if (profile.developer_role == config::DeveloperRoleMode::kSystem) {
    developer_messages_to_system(body);
  }
  apply_reasoning_effort(profile.reasoning_effort, body);
  if (compatibility.openrouter_provider) body["provider"] = *compatibility.openrouter_provider;
  if (profile.supports_stream_usage) request_stream_usage(body);
  return std::nullopt;
}

}  // namespace sluice::providers
