#include "routing/CapabilityGate.h"

#include "providers/ProviderCapabilities.h"

#include <boost/beast/core/string.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include <array>

namespace sluice::routing {

namespace {

namespace json = boost::json;

const json::value* field(const json::object& object, std::string_view key) {
  return object.if_contains(key);
}

std::string_view string_field(const json::object& object, std::string_view key) {
  const json::value* value = field(object, key);
  return value != nullptr && value->is_string() ? std::string_view(value->get_string())
                                                : std::string_view();
}

bool is_present_for_capability(const json::value& value) {
  if (value.is_null()) return false;
  if (value.is_array()) return !value.get_array().empty();
  if (value.is_object()) return !value.get_object().empty();
  return true;
}

// --- vision ---------------------------------------------------------------------------------

bool chat_part_is_non_text(const json::value& part) {
  if (!part.is_object()) return false;
  constexpr std::array<std::string_view, 7> kNonTextTypes{
      "image_url", "input_image", "video_url", "input_video", "file", "input_file", "document"};
  const json::object& object = part.get_object();
  const std::string_view type = string_field(object, "type");
  for (const std::string_view non_text : kNonTextTypes) {
    if (type == non_text) return true;
  }
  return object.contains("image_url");
}

bool chat_content_is_non_text(const json::value& content) {
  if (content.is_object()) return chat_part_is_non_text(content);
  if (!content.is_array()) return false;  // a string, or null: text only
  for (const json::value& part : content.get_array()) {
    if (chat_part_is_non_text(part)) return true;
  }
  return false;
}

bool responses_item_is_non_text(const json::value& item);

bool responses_content_is_non_text(const json::value& content) {
  if (content.is_object()) return responses_item_is_non_text(content);
  if (!content.is_array()) return false;
  for (const json::value& part : content.get_array()) {
    if (responses_item_is_non_text(part)) return true;
  }
  return false;
}

// An input item (`{"type":"input_image",...}` directly in `input`) or a message item whose content
// holds such parts.
bool responses_item_is_non_text(const json::value& item) {
  if (!item.is_object()) return false;
  const json::object& object = item.get_object();
  const std::string_view type = string_field(object, "type");
  if (type == "input_image" || type == "input_video" || type == "input_file") return true;
  const json::value* content = field(object, "content");
  return content != nullptr && responses_content_is_non_text(*content);
}

// --- shared helpers over messages / input -------------------------------------------------------

bool has_developer_role(const json::value& item) {
  return item.is_object() &&
         boost::beast::iequals(string_field(item.get_object(), "role"), "developer");
}

bool format_is_json_schema(const json::value* format) {
  return format != nullptr && format->is_object() &&
         string_field(format->get_object(), "type") == "json_schema";
}

void read_chat_features(const json::object& body, RequiredCapabilities& required) {
  const json::value* messages = field(body, "messages");
  if (messages != nullptr && messages->is_array()) {
    for (const json::value& message : messages->get_array()) {
      if (!message.is_object()) continue;
      const json::value* content = field(message.get_object(), "content");
      required.vision =
          required.vision || (content != nullptr && chat_content_is_non_text(*content));
      required.developer_role = required.developer_role || has_developer_role(message);
    }
  }
  required.json_schema = format_is_json_schema(field(body, "response_format"));
}

void read_responses_features(const json::object& body, RequiredCapabilities& required) {
  const json::value* input = field(body, "input");
  if (input != nullptr && input->is_array()) {
    for (const json::value& item : input->get_array()) {
      required.vision = required.vision || responses_item_is_non_text(item);
      required.developer_role = required.developer_role || has_developer_role(item);
    }
  } else if (input != nullptr && input->is_object()) {
    required.vision = responses_item_is_non_text(*input);
    required.developer_role = has_developer_role(*input);
  }
  const json::value* text = field(body, "text");
  required.json_schema = text != nullptr && text->is_object() &&
                         format_is_json_schema(field(text->get_object(), "format"));
}

// --- refusals -----------------------------------------------------------------------------------

std::string_view endpoint_for(ApiFamily family) {
  switch (family) {
    case ApiFamily::kChatCompletions: return "/v1/chat/completions";
    case ApiFamily::kResponses: return "/v1/responses";
    case ApiFamily::kEmbeddings: return "/v1/embeddings";
    case ApiFamily::kMessages: return "/v1/messages";
  }
  return "this endpoint";
}

bool serves(const config::Capabilities& caps, ApiFamily family) {
  switch (family) {
    case ApiFamily::kChatCompletions: return caps.chat_completions;
    case ApiFamily::kResponses: return caps.responses;
    case ApiFamily::kEmbeddings: return caps.embeddings;
    case ApiFamily::kMessages: return caps.chat_completions;  // the reference's rule
  }
  return false;
}

GatewayError family_refusal(const config::Capabilities& caps, ApiFamily family,
                            std::string_view model_id) {
  std::string message =
      fmt::format("model `{}` does not support {}", model_id, endpoint_for(family));
  // Chat and Responses are the two ways to ask for a completion; when the route serves the other
  // one, say so, so the caller's fix is one URL away. (Embeddings are not interchangeable.)
  if (family == ApiFamily::kChatCompletions && caps.responses) {
    message += "; use /v1/responses";
  } else if (family == ApiFamily::kResponses && caps.chat_completions) {
    message += "; use /v1/chat/completions";
  }
  return GatewayError::invalid_request(std::move(message), "model");
}

// Anthropic content blocks: `image` and `document` blocks, also inside a tool_result's content.
bool messages_content_is_non_text(const json::value& content) {
  if (!content.is_array()) return false;  // a string: text only
  for (const json::value& block : content.get_array()) {
    if (!block.is_object()) continue;
    const std::string_view type = string_field(block.get_object(), "type");
    if (type == "image" || type == "document") return true;
    const json::value* nested = field(block.get_object(), "content");
    if (type == "tool_result" && nested != nullptr && messages_content_is_non_text(*nested)) {
      return true;
    }
  }
  return false;
}

// Anthropic Messages has no developer role and no JSON-schema output option.
void read_messages_features(const json::object& body, RequiredCapabilities& required) {
  const json::value* messages = field(body, "messages");
  if (messages == nullptr || !messages->is_array()) return;
  for (const json::value& message : messages->get_array()) {
    if (!message.is_object()) continue;
    const json::value* content = field(message.get_object(), "content");
    required.vision =
        required.vision || (content != nullptr && messages_content_is_non_text(*content));
  }
}

// The body field a feature refusal blames: where the caller put the thing the route cannot serve.
std::string input_field(ApiFamily family) {
  return family == ApiFamily::kResponses ? "input" : "messages";
}

}  // namespace

RequiredCapabilities required_capabilities(ApiFamily family, const boost::json::object& body) {
  RequiredCapabilities required;
  required.family = family;
  if (family == ApiFamily::kEmbeddings) return required;

  const json::value* stream = field(body, "stream");
  required.stream = stream != nullptr && stream->is_bool() && stream->get_bool();
  const json::value* tools = field(body, "tools");
  required.tools = tools != nullptr && is_present_for_capability(*tools);
  if (family == ApiFamily::kChatCompletions) {
    read_chat_features(body, required);
  } else if (family == ApiFamily::kMessages) {
    read_messages_features(body, required);
  } else {
    read_responses_features(body, required);
  }
  return required;
}

config::Capabilities effective_capabilities(const config::RouteConfig& route,
                                            const config::ProviderConfig& provider) {
  const config::Capabilities builtin = providers::builtin_capabilities(provider, route);
  const config::Capabilities& flags = route.capabilities;
  return {.chat_completions = flags.chat_completions && builtin.chat_completions,
          .responses = flags.responses && builtin.responses,
          .embeddings = flags.embeddings && builtin.embeddings,
          .stream = flags.stream && builtin.stream,
          .tools = flags.tools && builtin.tools,
          .vision = flags.vision && builtin.vision,
          .json_schema = flags.json_schema && builtin.json_schema,
          .developer_role = flags.developer_role && builtin.developer_role};
}

std::optional<GatewayError> refusal_for_route(const config::RouteConfig& route,
                                              const config::ProviderConfig& provider,
                                              const RequiredCapabilities& required,
                                              std::string_view model_id) {
  const config::Capabilities caps = effective_capabilities(route, provider);
  const ApiFamily family = required.family;
  if (!serves(caps, family)) return family_refusal(caps, family, model_id);

  const auto refuse = [&](std::string_view what, std::string param) {
    return GatewayError::invalid_request(
        fmt::format("model `{}` does not support {}", model_id, what), std::move(param));
  };
  if (required.stream && !caps.stream) return refuse("streaming (`stream: true`)", "stream");
  if (required.tools && !caps.tools) return refuse("tool calling (`tools`)", "tools");
  if (required.vision && !caps.vision) {
    return refuse("image or file inputs", input_field(family));
  }
  if (required.json_schema && !caps.json_schema) {
    return family == ApiFamily::kResponses
               ? refuse("JSON-schema output (`text.format.type: json_schema`)", "text.format")
               : refuse("JSON-schema output (`response_format.type: json_schema`)",
                        "response_format");
  }
  if (required.developer_role && !caps.developer_role) {
    return refuse("`developer` role messages", input_field(family));
  }
  return std::nullopt;
}

}  // namespace sluice::routing
