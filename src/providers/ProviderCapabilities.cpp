#include "providers/ProviderCapabilities.h"

#include <boost/json/object.hpp>

#include <array>
#include <string_view>

namespace sluice::providers {

namespace {

constexpr config::Capabilities kNothing{false, false, false, false, false, false, false, false};
constexpr config::Capabilities kEverything{};  // every flag defaults to true

// Chat Completions only, with the usual chat features; `stream` and `json_schema` vary by caller.
constexpr config::Capabilities chat_only(bool stream, bool tools, bool json_schema) {
  return {.chat_completions = true,
          .responses = false,
          .embeddings = false,
          .stream = stream,
          .tools = tools,
          .vision = true,
          .json_schema = json_schema,
          .developer_role = true};
}

config::Capabilities bedrock_capabilities(const config::RouteConfig& route) {
  if (!route.compatibility.aws_bedrock) return kNothing;
  switch (route.compatibility.aws_bedrock->api_style) {
    case config::BedrockApiStyle::kRuntimeConverse: {
      // Sluice translates /v1/responses to Converse too (the reference does not).
      config::Capabilities caps = chat_only(/*stream=*/true, /*tools=*/true, /*json_schema=*/false);
      caps.responses = true;
      return caps;
    }
    case config::BedrockApiStyle::kRuntimeOpenAIChat:
    case config::BedrockApiStyle::kMantleOpenAIChat:
    case config::BedrockApiStyle::kMantleAnthropicMessages:
    // Streams through InvokeModelWithResponseStream (the reference cannot stream here).
    case config::BedrockApiStyle::kRuntimeAnthropicInvoke:
      return chat_only(/*stream=*/true, /*tools=*/true, /*json_schema=*/false);
    case config::BedrockApiStyle::kMantleOpenAIResponses: {
      config::Capabilities caps = kEverything;
      caps.chat_completions = false;
      caps.embeddings = false;
      return caps;
    }
  }
  return kNothing;
}

bool is_vertex_embedding_model(std::string_view upstream_model) {
  constexpr std::array<std::string_view, 4> kEmbeddingModels{
      "google/gemini-embedding-001", "google/gemini-embedding-2", "google/text-embedding-005",
      "google/text-multilingual-embedding-002"};
  for (const std::string_view model : kEmbeddingModels) {
    if (upstream_model == model) return true;
  }
  return false;
}

config::Capabilities vertex_capabilities(const config::RouteConfig& route) {
  const std::string_view model = route.upstream_model;
  if (is_vertex_embedding_model(model)) {
    config::Capabilities caps = kNothing;
    caps.embeddings = true;
    return caps;
  }
  if (model.starts_with("anthropic/")) {
    return chat_only(/*stream=*/true, /*tools=*/true, /*json_schema=*/false);
  }
  if (model.starts_with("google/gemini-")) {
    return chat_only(/*stream=*/true, /*tools=*/true, /*json_schema=*/true);
  }
  return chat_only(/*stream=*/true, /*tools=*/false, /*json_schema=*/false);
}

bool flag(const boost::json::object& block, std::string_view key) {
  const auto* value = block.if_contains(key);
  return value != nullptr && value->is_bool() && value->get_bool();
}

config::Capabilities copilot_capabilities(const config::RouteConfig& route) {
  if (!route.compatibility.github_copilot) return kNothing;
  const boost::json::object& block = *route.compatibility.github_copilot;
  const auto* chat_api_value = block.if_contains("chat_api");
  const std::string_view chat_api = chat_api_value != nullptr && chat_api_value->is_string()
                                        ? std::string_view(chat_api_value->get_string())
                                        : std::string_view();
  static const boost::json::object kNoUpstreamSupport;
  const auto* upstream_value = block.if_contains("upstream_supports");
  const boost::json::object& upstream = upstream_value != nullptr && upstream_value->is_object()
                                            ? upstream_value->get_object()
                                            : kNoUpstreamSupport;
  const bool responses = flag(block, "supports_responses");
  const bool inference = !chat_api.empty() || responses;
  return {.chat_completions = !chat_api.empty(),
          .responses = responses,
          .embeddings = flag(block, "supports_embeddings"),
          .stream = inference && flag(upstream, "streaming"),
          .tools = inference && flag(upstream, "tool_calls"),
          .vision = inference && flag(upstream, "vision"),
          .json_schema =
              flag(upstream, "structured_outputs") && (responses || chat_api == "chat_completions"),
          .developer_role = false};
}

}  // namespace

config::Capabilities builtin_capabilities(const config::ProviderConfig& provider,
                                          const config::RouteConfig& route) {
  switch (provider.type) {
    case config::ProviderType::kOpenAICompat:
    case config::ProviderType::kGcpCloudRunOpenAICompat: return kEverything;
    case config::ProviderType::kGcpVertex: return vertex_capabilities(route);
    case config::ProviderType::kAwsBedrock: return bedrock_capabilities(route);
    case config::ProviderType::kGithubCopilot: return copilot_capabilities(route);
  }
  return kNothing;
}

}  // namespace sluice::providers
