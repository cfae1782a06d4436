#include "providers/ChatRequest.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include <string>

namespace sluice::providers {

namespace {

namespace json = boost::json;

std::string join(const std::vector<std::string>& texts, std::string_view separator) {
  std::string joined;
  for (const std::string& text : texts) {
    if (!joined.empty()) joined.append(separator);
    joined.append(text);
  }
  return joined;
}

std::string image_url(const ImagePart& image) {
  if (image.is_remote()) return image.url;
  return fmt::format("data:{};base64,{}", image.media_type, image.base64);
}

// A single text as a string, anything else as an array of text and image_url parts.
json::value message_content(const json::array& parts) {
  if (parts.size() == 1 && parts.front().get_object().at("type").get_string() == "text") {
    return parts.front().get_object().at("text");
  }
  return parts;
}

Expected<json::object> tool_message(const ToolResult& result) {
  std::vector<std::string> texts;
  for (const auto& part : result.content) {
    if (const auto* image = std::get_if<ImagePart>(&part)) {
      return GatewayError::invalid_request(
          "images in tool results are not supported on OpenAI chat routes: a chat tool message "
          "carries text only",
          image->origin);
    }
    texts.push_back(std::get<TextPart>(part).text);
  }
  return json::object{
      {"role", "tool"}, {"tool_call_id", result.call_id}, {"content", join(texts, "\n")}};
}

// Tool messages first, then a user message with the turn's text and images.
Expected<json::array> user_messages(const Turn& turn) {
  json::array messages;
  json::array parts;
  for (const Part& part : turn.parts) {
    if (const auto* result = std::get_if<ToolResult>(&part)) {
      auto message = tool_message(*result);
      if (!message) return message.error();
      messages.push_back(std::move(*message));
    } else if (const auto* text = std::get_if<TextPart>(&part)) {
      parts.push_back(json::object{{"type", "text"}, {"text", text->text}});
    } else if (const auto* image = std::get_if<ImagePart>(&part)) {
      parts.push_back(json::object{{"type", "image_url"},
                                   {"image_url", json::object{{"url", image_url(*image)}}}});
    }
  }
  if (!parts.empty()) {
    messages.push_back(json::object{{"role", "user"}, {"content", message_content(parts)}});
  }
  return messages;
}

json::object tool_call(const ToolCall& call) {
  return json::object{{"id", call.id},
                      {"type", "function"},
                      {"function", json::object{{"name", call.name},
                                                {"arguments", json::serialize(call.arguments)}}}};
}

Expected<json::object> assistant_message(const Turn& turn) {
  json::array parts;
  json::array calls;
  for (const Part& part : turn.parts) {
    if (const auto* text = std::get_if<TextPart>(&part)) {
      parts.push_back(json::object{{"type", "text"}, {"text", text->text}});
    } else if (const auto* call = std::get_if<ToolCall>(&part)) {
      calls.push_back(tool_call(*call));
    } else if (const auto* image = std::get_if<ImagePart>(&part)) {
      return GatewayError::invalid_request(
          "images in assistant messages are not supported on OpenAI chat routes", image->origin);
    }
  }
  json::object message{{"role", "assistant"},
                       {"content", parts.empty() ? json::value(nullptr) : message_content(parts)}};
  if (!calls.empty()) message["tool_calls"] = std::move(calls);
  return message;
}

Expected<json::array> messages(const Conversation& conversation) {
  json::array messages;
  if (!conversation.system.empty()) {
    messages.push_back(
        json::object{{"role", "system"}, {"content", join(conversation.system, "\n\n")}});
  }
  for (const Turn& turn : conversation.turns) {
    if (turn.role == Role::kAssistant) {
      auto message = assistant_message(turn);
      if (!message) return message.error();
      messages.push_back(std::move(*message));
      continue;
    }
    auto user = user_messages(turn);
    if (!user) return user.error();
    for (json::value& message : *user) messages.push_back(std::move(message));
  }
  return messages;
}

json::array tools(const std::vector<Tool>& tools) {
  json::array result;
  for (const Tool& tool : tools) {
    json::object function{{"name", tool.name}, {"parameters", tool.parameters}};
    if (!tool.description.empty()) function["description"] = tool.description;
    if (tool.strict) function["strict"] = *tool.strict;
    result.push_back(json::object{{"type", "function"}, {"function", std::move(function)}});
  }
  return result;
}

json::value tool_choice(const ToolChoice& choice) {
  switch (choice.mode) {
    case ToolChoice::Mode::kAuto: return "auto";
    case ToolChoice::Mode::kNone: return "none";
    case ToolChoice::Mode::kRequired: return "required";
    case ToolChoice::Mode::kNamed:
      return json::object{{"type", "function"}, {"function", json::object{{"name", choice.name}}}};
  }
  return "auto";
}

void add_tools(json::object& body, const Conversation& conversation) {
  if (conversation.tools.empty()) return;
  body["tools"] = tools(conversation.tools);
  if (conversation.tool_choice) body["tool_choice"] = tool_choice(*conversation.tool_choice);
  if (conversation.parallel_tool_calls)
    body["parallel_tool_calls"] = *conversation.parallel_tool_calls;
}

std::optional<ReasoningEffort> reasoning_effort(const ReasoningRequest& reasoning) {
  if (reasoning.effort) return reasoning.effort;
  if (reasoning.budget_tokens) return effort_for_budget(*reasoning.budget_tokens);
  return std::nullopt;
}

void add_settings(json::object& body, const Conversation& conversation) {
  if (conversation.max_tokens) body["max_completion_tokens"] = *conversation.max_tokens;
  if (conversation.temperature) body["temperature"] = *conversation.temperature;
  if (conversation.top_p) body["top_p"] = *conversation.top_p;
  if (!conversation.stop_sequences.empty()) {
    json::array stops;
    for (const std::string& stop : conversation.stop_sequences) stops.emplace_back(stop);
    body["stop"] = std::move(stops);
  }
  if (const auto effort = reasoning_effort(conversation.reasoning)) {
    body["reasoning_effort"] = reasoning_effort_name(*effort);
  }
  if (conversation.user_id) body["user"] = *conversation.user_id;
}

}  // namespace

Expected<boost::json::object> chat_request_body(const Conversation& conversation,
                                                std::string_view model_id) {
  auto conversation_messages = messages(conversation);
  if (!conversation_messages) return conversation_messages.error();

  json::object body{{"model", model_id}, {"messages", std::move(*conversation_messages)}};
  add_tools(body, conversation);
  add_settings(body, conversation);
  if (conversation.stream) {
    body["stream"] = true;
    body["stream_options"] = json::object{{"include_usage", true}};
  }
  return body;
}

}  // namespace sluice::providers
