#include "providers/ProviderRequest.h"

#include "config/EnumNames.h"
#include "providers/ChatCompatibility.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

namespace sluice::providers {

namespace {

namespace json = boost::json;

GatewayError provider_not_implemented(std::string message) {
  return {501, "not_implemented_error", "provider_not_implemented", std::nullopt,
          std::move(message)};
}

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The path of each OpenAI API family below an OpenAI-style base URL.
std::string_view openai_path(ApiFamily family) {
  switch (family) {
    case ApiFamily::kChatCompletions: return "chat/completions";
    case ApiFamily::kResponses: return "responses";
    case ApiFamily::kEmbeddings: return "embeddings";
    case ApiFamily::kMessages: return "chat/completions";  // translated to chat for OpenAI routes
  }
  return "";
}

Expected<std::string> openai_compat_url(const config::ProviderConfig& provider, ApiFamily family) {
  if (!provider.openai_compat) return GatewayError::internal();  // config guarantees it
  return join_url(provider.openai_compat->base_url, openai_path(family));
}

bool serves_family(config::BedrockApiStyle style, ApiFamily family) {
  if (style == config::BedrockApiStyle::kMantleOpenAIResponses) {
    return family == ApiFamily::kResponses;
  }
  return family == ApiFamily::kChatCompletions;
}

Expected<std::string> bedrock_url(const config::ProviderConfig& provider,
                                  const config::RouteConfig& route, ApiFamily family) {
  const auto& compat = route.compatibility.aws_bedrock;
  if (!provider.aws_bedrock || !compat) return GatewayError::internal();  // config guarantees both
  const config::BedrockApiStyle style = compat->api_style;
  switch (style) {
    case config::BedrockApiStyle::kMantleOpenAIResponses:
    case config::BedrockApiStyle::kMantleOpenAIChat:
    case config::BedrockApiStyle::kRuntimeOpenAIChat: break;
    case config::BedrockApiStyle::kRuntimeConverse:
    case config::BedrockApiStyle::kRuntimeAnthropicInvoke:
    case config::BedrockApiStyle::kMantleAnthropicMessages:
      return provider_not_implemented(fmt::format(
          "aws_bedrock api_style `{}` is not implemented yet", config::to_string(style)));
  }
  if (!serves_family(style, family)) {
    std::string_view hint;  // embeddings have no alternative endpoint on Bedrock
    if (family != ApiFamily::kEmbeddings) {
      hint = style == config::BedrockApiStyle::kMantleOpenAIResponses
                 ? "; use /v1/responses"
                 : "; use /v1/chat/completions";
    }
    return GatewayError::invalid_request(
        fmt::format("aws_bedrock api_style `{}` does not serve {}{}", config::to_string(style),
                    api_family_name(family), hint),
        "model");
  }
  if (!compat->openai_base_path) return GatewayError::internal();  // config guarantees it
  // join_url drops the '/' around each part, so a base path of "/openai/v1/" (or "/") is fine.
  const std::string base =
      join_url(provider.aws_bedrock->endpoint_url, trim_spaces(*compat->openai_base_path));
  return join_url(base, openai_path(family));
}

// Whether the caller asked for a streamed answer. Only a JSON `true` counts, as in the gate.
bool asks_for_stream(const json::object& body) {
  const json::value* stream = body.if_contains("stream");
  return stream != nullptr && stream->is_bool() && stream->get_bool();
}

Expected<json::object> upstream_body(const config::ProviderConfig& provider,
                                     const config::RouteConfig& route, ApiFamily family,
                                     json::object body) {
  const json::value* caller_stream = body.if_contains("stream");
  const std::optional<json::value> stream =
      caller_stream != nullptr ? std::optional<json::value>(*caller_stream) : std::nullopt;

  body["model"] = route.upstream_model;
  for (const auto& [key, value] : route.extra_body) body[key] = value;
  // extra_body must not flip streaming: the gateway reads the answer the way the caller asked.
  if (stream) {
    body["stream"] = *stream;
  } else {
    body.erase("stream");
  }

  if (family == ApiFamily::kChatCompletions && takes_chat_compatibility(provider)) {
    auto refusal = apply_chat_compatibility(route.compatibility, body);
    if (refusal) return std::move(*refusal);
  }
  return body;
}

}  // namespace

std::string join_url(std::string_view base, std::string_view suffix) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  while (!suffix.empty() && suffix.front() == '/') suffix.remove_prefix(1);
  std::string url;
  url.reserve(base.size() + 1 + suffix.size());
  url.append(base).append("/").append(suffix);
  return url;
}

Expected<std::string> upstream_url(const config::ProviderConfig& provider,
                                   const config::RouteConfig& route, ApiFamily family) {
  switch (provider.type) {
    case config::ProviderType::kOpenAICompat: return openai_compat_url(provider, family);
    case config::ProviderType::kAwsBedrock: return bedrock_url(provider, route, family);
    case config::ProviderType::kGcpCloudRunOpenAICompat:
    case config::ProviderType::kGcpVertex:
    case config::ProviderType::kGithubCopilot: break;
  }
  return provider_not_implemented(
      fmt::format("provider type `{}` is not implemented yet", config::to_string(provider.type)));
}

Expected<upstream::UpstreamRequest> build_upstream_request(const config::ProviderConfig& provider,
                                                           const config::RouteConfig& route,
                                                           ApiFamily family,
                                                           boost::json::object caller_body,
                                                           std::string_view request_id) {
  auto url = upstream_url(provider, route, family);
  if (!url) return url.error();
  const bool stream = asks_for_stream(caller_body);
  auto body = upstream_body(provider, route, family, std::move(caller_body));
  if (!body) return body.error();

  upstream::UpstreamRequest request;
  request.url = std::move(*url);
  request.body = json::serialize(*body);
  request.expects_event_stream = stream;

  // Order is the reference's (§5.1); set_header replaces a same-named header where it stands.
  request.set_header("content-type", "application/json");
  request.set_header("accept", stream ? "text/event-stream" : "application/json");
  for (const auto& [name, value] : provider.default_headers) request.set_header(name, value);
  for (const auto& [name, value] : route.extra_headers) request.set_header(name, value);
  if (!request_id.empty()) request.set_header("x-request-id", std::string(request_id));
  // Protocol headers: none for the OpenAI-shaped styles. Auth comes last, in auth/.
  return request;
}

}  // namespace sluice::providers
