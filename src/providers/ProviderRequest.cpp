#include "providers/ProviderRequest.h"

#include "config/EnumNames.h"
#include "providers/AnthropicRequest.h"
#include "providers/ChatCompatibility.h"
#include "providers/ChatRequest.h"
#include "providers/ConversationReaders.h"
#include "providers/ConverseRequest.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

namespace sluice::providers {

namespace {

namespace json = boost::json;

// The Anthropic API version each Anthropic-shaped wire expects (api.md §5.4).
constexpr std::string_view kAnthropicApiVersion = "2023-06-01";
constexpr std::string_view kBedrockAnthropicVersion = "bedrock-2023-05-31";

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

// {M} of api.md §5.4: the model id percent-encoded as form encoding does, with a space as %20;
// an ARN keeps its ':' and '/' literal (Bedrock reads inference-profile and provisioned-model ARNs
// from the path that way).
std::string encoded_model_id(std::string_view model) {
  const bool arn = model.starts_with("arn:");
  std::string out;
  out.reserve(model.size() + 8);
  constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : model) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                            (byte >= '0' && byte <= '9') || c == '-' || c == '_' || c == '.' ||
                            c == '*';
    if (unreserved || (arn && (c == ':' || c == '/'))) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0F]);
    }
  }
  return out;
}

GatewayError style_does_not_serve(config::BedrockApiStyle style, ApiFamily family) {
  std::string_view hint;  // embeddings have no alternative endpoint on Bedrock
  if (family != ApiFamily::kEmbeddings) {
    hint = style == config::BedrockApiStyle::kMantleOpenAIResponses ? "; use /v1/responses"
                                                                      : "; use /v1/chat/completions";
  }
  return GatewayError::invalid_request(
      fmt::format("aws_bedrock api_style `{}` does not serve {}{}", config::to_string(style),
                  api_family_name(family), hint),
      "model");
}

// Which caller families each Bedrock style serves. Chat and Anthropic Messages callers reach every
// chat-capable style (Messages are translated, as the reference converts them to chat);
// Responses callers reach the Responses style and, through translation, Converse.
bool serves_family(config::BedrockApiStyle style, ApiFamily family) {
  switch (style) {
    case config::BedrockApiStyle::kMantleOpenAIResponses: return family == ApiFamily::kResponses;
    case config::BedrockApiStyle::kRuntimeConverse:
      return family == ApiFamily::kChatCompletions || family == ApiFamily::kMessages ||
             family == ApiFamily::kResponses;
    case config::BedrockApiStyle::kMantleOpenAIChat:
    case config::BedrockApiStyle::kRuntimeOpenAIChat:
    case config::BedrockApiStyle::kRuntimeAnthropicInvoke:
    case config::BedrockApiStyle::kMantleAnthropicMessages:
      return family == ApiFamily::kChatCompletions || family == ApiFamily::kMessages;
  }
  return false;
}

Expected<std::string> bedrock_url(const config::ProviderConfig& provider,
                                  const config::RouteConfig& route, ApiFamily family, bool stream) {
  const auto& compat = route.compatibility.aws_bedrock;
  if (!provider.aws_bedrock || !compat) return GatewayError::internal();  // config guarantees both
  const config::BedrockApiStyle style = compat->api_style;
  if (!serves_family(style, family)) return style_does_not_serve(style, family);
  const std::string& endpoint = provider.aws_bedrock->endpoint_url;
  switch (style) {
    case config::BedrockApiStyle::kRuntimeConverse:
      return join_url(endpoint, "model/" + encoded_model_id(route.upstream_model) +
                                    (stream ? "/converse-stream" : "/converse"));
    case config::BedrockApiStyle::kRuntimeAnthropicInvoke:
      return join_url(endpoint, "model/" + encoded_model_id(route.upstream_model) +
                                    (stream ? "/invoke-with-response-stream" : "/invoke"));
    case config::BedrockApiStyle::kMantleAnthropicMessages:
      return join_url(endpoint, "anthropic/v1/messages");
    case config::BedrockApiStyle::kMantleOpenAIResponses:
    case config::BedrockApiStyle::kMantleOpenAIChat:
    case config::BedrockApiStyle::kRuntimeOpenAIChat: break;
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

void merge_extra_body(const config::RouteConfig& route, json::object& body) {
  for (const auto& [key, value] : route.extra_body) body[key] = value;
}

// The caller's request as a Conversation, whichever family it came in.
Expected<Conversation> read_conversation(ApiFamily family, const json::object& body) {
  switch (family) {
    case ApiFamily::kChatCompletions: return read_chat_request(body);
    case ApiFamily::kResponses: return read_responses_request(body);
    case ApiFamily::kMessages: return read_messages_request(body);
    case ApiFamily::kEmbeddings: break;
  }
  return GatewayError::internal();  // routing never sends embeddings to a generation wire
}

// OpenAI-shaped wire bodies: the caller's JSON with the route's model and extra_body (or, for an
// Anthropic Messages caller, its request translated to Chat Completions first).
Expected<json::object> openai_body(const config::ProviderConfig& provider,
                                   const config::RouteConfig& route, ApiFamily family,
                                   json::object body) {
  if (family == ApiFamily::kMessages) {
    auto conversation = read_messages_request(body);
    if (!conversation) return conversation.error();
    auto chat = chat_request_body(*conversation, route.upstream_model);
    if (!chat) return chat.error();
    body = std::move(*chat);
    family = ApiFamily::kChatCompletions;
  }
  const json::value* caller_stream = body.if_contains("stream");
  const std::optional<json::value> stream =
      caller_stream != nullptr ? std::optional<json::value>(*caller_stream) : std::nullopt;

  body["model"] = route.upstream_model;
  merge_extra_body(route, body);
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

Expected<json::object> converse_body(const config::RouteConfig& route, ApiFamily family,
                                     const json::object& body) {
  auto conversation = read_conversation(family, body);
  if (!conversation) return conversation.error();
  const ConverseTarget target{route.upstream_model,
                              route.compatibility.aws_bedrock->supports_strict_tools};
  auto converse = converse_request_body(*conversation, target);
  if (!converse) return converse.error();
  merge_extra_body(route, *converse);
  converse->erase("stream");  // the URL decides streaming on Converse
  return converse;
}

// Anthropic-shaped wire bodies. An Anthropic Messages caller's body passes through natively (its
// cache_control, thinking signatures and unknown fields intact); other callers are translated.
Expected<json::object> anthropic_body(const config::RouteConfig& route, ApiFamily family,
                                      json::object body, AnthropicDialect dialect) {
  const bool stream = asks_for_stream(body);
  json::object wire;
  if (family == ApiFamily::kMessages) {
    wire = std::move(body);
  } else {
    auto conversation = read_conversation(family, body);
    if (!conversation) return conversation.error();
    auto translated = anthropic_request_body(*conversation, dialect, route.upstream_model);
    if (!translated) return translated.error();
    wire = std::move(*translated);
  }
  merge_extra_body(route, wire);
  if (dialect == AnthropicDialect::kBedrockInvoke) {
    // InvokeModel takes the model from the path and streaming from the URL.
    wire.erase("model");
    wire.erase("stream");
    wire["anthropic_version"] = kBedrockAnthropicVersion;
  } else {
    wire["model"] = route.upstream_model;
    if (stream) {
      wire["stream"] = true;
    } else {
      wire.erase("stream");
    }
  }
  return wire;
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
                                   const config::RouteConfig& route, ApiFamily family,
                                   bool stream) {
  switch (provider.type) {
    case config::ProviderType::kOpenAICompat: return openai_compat_url(provider, family);
    case config::ProviderType::kAwsBedrock: return bedrock_url(provider, route, family, stream);
    case config::ProviderType::kGcpCloudRunOpenAICompat:
    case config::ProviderType::kGcpVertex:
    case config::ProviderType::kGithubCopilot: break;
  }
  return provider_not_implemented(
      fmt::format("provider type `{}` is not implemented yet", config::to_string(provider.type)));
}

streams::WireFormat wire_format_for(const config::ProviderConfig& provider,
                                   const config::RouteConfig& route, ApiFamily family) {
  const auto openai_format = [family] {
    switch (family) {
      case ApiFamily::kResponses: return streams::WireFormat::kOpenAIResponses;
      case ApiFamily::kEmbeddings: return streams::WireFormat::kOpenAIEmbeddings;
      case ApiFamily::kChatCompletions:
      case ApiFamily::kMessages: break;
    }
    return streams::WireFormat::kOpenAIChat;
  };
  if (provider.type != config::ProviderType::kAwsBedrock || !route.compatibility.aws_bedrock) {
    return openai_format();
  }
  switch (route.compatibility.aws_bedrock->api_style) {
    case config::BedrockApiStyle::kRuntimeConverse: return streams::WireFormat::kBedrockConverse;
    case config::BedrockApiStyle::kRuntimeAnthropicInvoke:
      return streams::WireFormat::kBedrockAnthropicInvoke;
    case config::BedrockApiStyle::kMantleAnthropicMessages:
      return streams::WireFormat::kAnthropicMessages;
    case config::BedrockApiStyle::kMantleOpenAIResponses:
    case config::BedrockApiStyle::kMantleOpenAIChat:
    case config::BedrockApiStyle::kRuntimeOpenAIChat: break;
  }
  return openai_format();
}

Expected<upstream::UpstreamRequest> build_upstream_request(const config::ProviderConfig& provider,
                                                           const config::RouteConfig& route,
                                                           ApiFamily family,
                                                           boost::json::object caller_body,
                                                           std::string_view request_id) {
  const bool stream = asks_for_stream(caller_body);
  auto url = upstream_url(provider, route, family, stream);
  if (!url) return url.error();
  const streams::WireFormat wire = wire_format_for(provider, route, family);
  Expected<json::object> body = GatewayError::internal();
  switch (wire) {
    case streams::WireFormat::kOpenAIChat:
    case streams::WireFormat::kOpenAIResponses:
    case streams::WireFormat::kOpenAIEmbeddings:
      body = openai_body(provider, route, family, std::move(caller_body));
      break;
    case streams::WireFormat::kBedrockConverse: body = converse_body(route, family, caller_body); break;
    case streams::WireFormat::kBedrockAnthropicInvoke:
      body = anthropic_body(route, family, std::move(caller_body), AnthropicDialect::kBedrockInvoke);
      break;
    case streams::WireFormat::kAnthropicMessages:
      body = anthropic_body(route, family, std::move(caller_body), AnthropicDialect::kMessagesApi);
      break;
  }
  if (!body) return body.error();

  upstream::UpstreamRequest request;
  request.url = std::move(*url);
  request.body = json::serialize(*body);
  request.expects_event_stream = stream;

  // AWS EventStream answers (ConverseStream, InvokeModelWithResponseStream) are asked for by their
  // media type; everything else streams as SSE.
  const bool event_stream = stream && (wire == streams::WireFormat::kBedrockConverse ||
                                       wire == streams::WireFormat::kBedrockAnthropicInvoke);
  // Order is the reference's (§5.1); set_header replaces a same-named header where it stands.
  request.set_header("content-type", "application/json");
  request.set_header("accept", event_stream ? "application/vnd.amazon.eventstream"
                               : stream     ? "text/event-stream"
                                            : "application/json");
  for (const auto& [name, value] : provider.default_headers) request.set_header(name, value);
  for (const auto& [name, value] : route.extra_headers) request.set_header(name, value);
  if (!request_id.empty()) request.set_header("x-request-id", std::string(request_id));
  // Protocol headers. Auth comes last, in auth/.
  if (wire == streams::WireFormat::kAnthropicMessages) {
    request.set_header("anthropic-version", std::string(kAnthropicApiVersion));
  }
  if (wire == streams::WireFormat::kBedrockAnthropicInvoke) {
    // InvokeModel[WithResponseStream]: the media type of the model's own answer (the payload).
    request.set_header("x-amzn-bedrock-accept", "application/json");
  }
  return request;
}

}  // namespace sluice::providers
