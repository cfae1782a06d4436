#include "providers/ConversationReaders.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::providers {

namespace {

namespace json = boost::json;

// --- Field paths and typed field access ---------------------------------------------------------

std::string child(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return fmt::format("{}.{}", path, key);
}

std::string child(std::string_view path, std::size_t index) {
  return fmt::format("{}[{}]", path, index);
}

// Reads typed fields and keeps the first refusal. Each accessor returns nothing both when the field
// is absent (or null) and when it has the wrong type; the reader functions check failed() once at
// the end instead of after every field, which keeps them reading like the format they parse.
class FieldReader {
 public:
  bool failed() const { return error_.has_value(); }
  const GatewayError& error() const { return *error_; }

  void fail(std::string message, std::string param) {
    if (!error_) error_ = GatewayError::invalid_request(std::move(message), std::move(param));
  }
  void unsupported(std::string_view what, std::string param) {
    fail(fmt::format("{} is not supported on this route", what), std::move(param));
  }

  const json::value* field(const json::object& object, std::string_view key) {
    const json::value* value = object.if_contains(key);
    return value == nullptr || value->is_null() ? nullptr : value;
  }

  std::optional<std::string> string(const json::object& object, std::string_view key,
                                    std::string_view path) {
    const json::value* value = field(object, key);
    if (value == nullptr) return std::nullopt;
    if (!value->is_string()) {
      wrong_type(child(path, key), "a string");
      return std::nullopt;
    }
    return std::string(value->get_string());
  }

  // Like string(), but a missing field is an error too.
  std::string required_string(const json::object& object, std::string_view key,
                              std::string_view path) {
    if (field(object, key) == nullptr) fail("a string is required here", child(path, key));
    return string(object, key, path).value_or("");
  }

  std::optional<std::int64_t> integer(const json::object& object, std::string_view key,
                                      std::string_view path) {
    const json::value* value = field(object, key);
    if (value == nullptr) return std::nullopt;
    if (value->is_int64()) return value->get_int64();
    if (value->is_uint64()) return static_cast<std::int64_t>(value->get_uint64());
    wrong_type(child(path, key), "an integer");
    return std::nullopt;
  }

  std::optional<double> number(const json::object& object, std::string_view key,
                               std::string_view path) {
    const json::value* value = field(object, key);
    if (value == nullptr) return std::nullopt;
    if (!value->is_number()) {
      wrong_type(child(path, key), "a number");
      return std::nullopt;
    }
    return value->to_number<double>();
  }

  std::optional<bool> boolean(const json::object& object, std::string_view key,
                              std::string_view path) {
    const json::value* value = field(object, key);
    if (value == nullptr) return std::nullopt;
    if (!value->is_bool()) {
      wrong_type(child(path, key), "a boolean");
      return std::nullopt;
    }
    return value->get_bool();
  }

  const json::array* array(const json::object& object, std::string_view key,
                           std::string_view path) {
    const json::value* value = field(object, key);
    if (value == nullptr) return nullptr;
    if (!value->is_array()) {
      wrong_type(child(path, key), "an array");
      return nullptr;
    }
    return &value->get_array();
  }

  const json::object* object(const json::object& object, std::string_view key,
                             std::string_view path) {
    const json::value* value = field(object, key);
    if (value == nullptr) return nullptr;
    if (!value->is_object()) {
      wrong_type(child(path, key), "an object");
      return nullptr;
    }
    return &value->get_object();
  }

  // An element of an array that must be an object.
  const json::object* element(const json::value& value, const std::string& path) {
    if (!value.is_object()) {
      wrong_type(path, "an object");
      return nullptr;
    }
    return &value.get_object();
  }

  // A string, or an array of strings (chat `stop`, Anthropic `stop_sequences`).
  std::vector<std::string> strings(const json::object& object, std::string_view key,
                                   std::string_view path) {
    const json::value* value = field(object, key);
    if (value == nullptr) return {};
    if (value->is_string()) return {std::string(value->get_string())};
    if (!value->is_array()) {
      wrong_type(child(path, key), "a string or an array of strings");
      return {};
    }
    std::vector<std::string> result;
    for (std::size_t i = 0; i < value->get_array().size(); ++i) {
      const json::value& item = value->get_array()[i];
      if (!item.is_string()) {
        wrong_type(child(child(path, key), i), "a string");
        return {};
      }
      result.emplace_back(item.get_string());
    }
    return result;
  }

 private:
  void wrong_type(const std::string& param, std::string_view expected) {
    fail(fmt::format("`{}` must be {}", param, expected), param);
  }

  std::optional<GatewayError> error_;
};

// --- Shared pieces ------------------------------------------------------------------------------

void add_text(Conversation& conversation, Role role, std::string text) {
  // Converse refuses blank text blocks; an empty string says nothing anyway.
  if (!text.empty()) conversation.add(role, TextPart{std::move(text)});
}

// "data:image/png;base64,AAAA" or an http(s) URL.
std::optional<ImagePart> image_from_url(FieldReader& reader, std::string_view url,
                                        const std::string& origin) {
  ImagePart image;
  image.origin = origin;
  if (url.starts_with("https://") || url.starts_with("http://")) {
    image.url = std::string(url);
    return image;
  }
  constexpr std::string_view kBase64Marker = ";base64,";
  const std::size_t marker = url.find(kBase64Marker);
  if (!url.starts_with("data:") || marker == std::string_view::npos) {
    reader.fail(
        "an image URL must be a base64 data URL (data:image/png;base64,...) or an http(s) URL",
        origin);
    return std::nullopt;
  }
  // Media type parameters other than base64 (rare) sit between the type and the marker.
  const std::string_view type_and_parameters = url.substr(5, marker - 5);
  image.media_type = std::string(type_and_parameters.substr(0, type_and_parameters.find(';')));
  image.base64 = std::string(url.substr(marker + kBase64Marker.size()));
  return image;
}

// Tool-call arguments as OpenAI sends them: JSON text of an object; "" means no arguments.
std::optional<json::object> arguments_object(FieldReader& reader, std::string_view text,
                                             const std::string& path) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return json::object();
  boost::system::error_code error;
  json::value parsed = json::parse(text, error);
  if (error || !parsed.is_object()) {
    reader.fail("tool call arguments must be the JSON text of an object", path);
    return std::nullopt;
  }
  return std::move(parsed.get_object());
}

json::object empty_schema() {
  return json::object{{"type", "object"}, {"properties", json::object()}};
}

std::optional<ReasoningEffort> effort_named(FieldReader& reader, std::optional<std::string> name,
                                            const std::string& path) {
  if (!name) return std::nullopt;
  auto effort = reasoning_effort_from_name(*name);
  if (!effort) reader.fail(fmt::format("unknown reasoning effort `{}`", *name), path);
  return effort;
}

bool all_of_chars(std::string_view text, std::string_view allowed_punctuation) {
  for (const char c : text) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (!alnum && !space && allowed_punctuation.find(c) == std::string_view::npos) return false;
  }
  return true;
}

// --- Converse request controls (api.md §5.4) ----------------------------------------------------

constexpr std::size_t kMaxRequestMetadataEntries = 16;
constexpr std::size_t kMaxConverseControlLength = 256;
constexpr std::size_t kMaxResponseFieldPaths = 10;
// RequestMetadataKeyString / ValueString in the Bedrock service model: [a-zA-Z0-9\s:_@$#=/+,-.]
constexpr std::string_view kMetadataPunctuation = ":_@$#=/+,-.";

// The caller's key for a control: its camelCase name, else its snake_case alias.
std::string_view control_key(const json::object& body, std::string_view camel,
                             std::string_view snake) {
  return body.contains(camel) || !body.contains(snake) ? camel : snake;
}

void read_request_metadata(FieldReader& reader, const json::object& body, ConverseControls& out) {
  const std::string_view key = control_key(body, "requestMetadata", "request_metadata");
  const json::object* metadata = reader.object(body, key, "");
  if (metadata == nullptr) return;
  if (metadata->size() > kMaxRequestMetadataEntries) {
    reader.fail(fmt::format("`{}` takes at most {} entries", key, kMaxRequestMetadataEntries),
                std::string(key));
    return;
  }
  for (const auto& [name, value] : *metadata) {
    const std::string path = child(key, name);
    if (name.empty() || name.size() > kMaxConverseControlLength ||
        !all_of_chars(name, kMetadataPunctuation)) {
      reader.fail("request metadata keys are 1 to 256 characters of [a-zA-Z0-9 :_@$#=/+,-.]", path);
      return;
    }
    if (!value.is_string() || value.get_string().size() > kMaxConverseControlLength ||
        !all_of_chars(value.get_string(), kMetadataPunctuation)) {
      reader.fail(
          "request metadata values are strings of at most 256 characters of "
          "[a-zA-Z0-9 :_@$#=/+,-.]",
          path);
      return;
    }
    out.request_metadata.emplace_back(std::string(name), std::string(value.get_string()));
  }
}

void read_performance_config(FieldReader& reader, const json::object& body, ConverseControls& out) {
  const std::string_view key = control_key(body, "performanceConfig", "performance_config");
  const json::object* config = reader.object(body, key, "");
  if (config == nullptr) return;
  out.latency = reader.string(*config, "latency", key);
  if (out.latency && *out.latency != "standard" && *out.latency != "optimized") {
    reader.fail("latency must be `standard` or `optimized`", child(key, "latency"));
  }
}

// A guardrail setting under its camelCase name or its snake_case alias.
std::optional<std::string> guardrail_setting(FieldReader& reader, const json::object& config,
                                             std::string_view camel, std::string_view snake,
                                             std::string_view path) {
  return reader.string(config, control_key(config, camel, snake), path);
}

void check_one_of(FieldReader& reader, const std::optional<std::string>& value,
                  std::initializer_list<std::string_view> allowed, const std::string& path) {
  if (!value) return;
  for (const std::string_view word : allowed) {
    if (*value == word) return;
  }
  reader.fail(fmt::format("`{}` is not an accepted value here", *value), path);
}

void read_guardrail_config(FieldReader& reader, const json::object& body, bool stream,
                           ConverseControls& out) {
  const std::string_view key = control_key(body, "guardrailConfig", "guardrail_config");
  const json::object* config = reader.object(body, key, "");
  if (config == nullptr) return;
  constexpr std::array<std::string_view, 7> kKnown = {"guardrailIdentifier",
                                                      "guardrail_identifier",
                                                      "guardrailVersion",
                                                      "guardrail_version",
                                                      "trace",
                                                      "streamProcessingMode",
                                                      "stream_processing_mode"};
  for (const auto& [name, value] : *config) {
    if (std::find(kKnown.begin(), kKnown.end(), std::string_view(name)) == kKnown.end()) {
      reader.fail(fmt::format("unknown guardrail setting `{}`", std::string_view(name)),
                  child(key, name));
    }
  }
  GuardrailConfig guardrail;
  guardrail.identifier =
      guardrail_setting(reader, *config, "guardrailIdentifier", "guardrail_identifier", key)
          .value_or("");
  guardrail.version =
      guardrail_setting(reader, *config, "guardrailVersion", "guardrail_version", key).value_or("");
  if (guardrail.identifier.empty() || guardrail.version.empty()) {
    reader.fail("a guardrail needs guardrailIdentifier and guardrailVersion", std::string(key));
  }
  guardrail.trace = reader.string(*config, "trace", key);
  check_one_of(reader, guardrail.trace, {"enabled", "disabled", "enabled_full"},
               child(key, "trace"));
  const std::string_view mode_key =
      control_key(*config, "streamProcessingMode", "stream_processing_mode");
  guardrail.stream_processing_mode = reader.string(*config, mode_key, key);
  check_one_of(reader, guardrail.stream_processing_mode, {"sync", "async"}, child(key, mode_key));
  if (guardrail.stream_processing_mode && !stream) {
    // ConverseRequest has no such field; only ConverseStreamRequest's guardrail does.
    reader.fail("streamProcessingMode applies only to streaming requests", child(key, mode_key));
  }
  out.guardrail = std::move(guardrail);
}

void read_response_field_paths(FieldReader& reader, const json::object& body,
                               ConverseControls& out) {
  const std::string_view key = control_key(body, "additionalModelResponseFieldPaths",
                                           "additional_model_response_field_paths");
  const json::array* paths = reader.array(body, key, "");
  if (paths == nullptr) return;
  if (paths->size() > kMaxResponseFieldPaths) {
    reader.fail(fmt::format("`{}` takes at most {} paths", key, kMaxResponseFieldPaths),
                std::string(key));
    return;
  }
  for (std::size_t i = 0; i < paths->size(); ++i) {
    const json::value& path = (*paths)[i];
    if (!path.is_string() || !path.get_string().starts_with("/") ||
        path.get_string().size() > kMaxConverseControlLength) {
      reader.fail("each path must be a JSON Pointer (starting with `/`) of at most 256 characters",
                  child(key, i));
      return;
    }
    out.additional_model_response_field_paths.emplace_back(path.get_string());
  }
}

// Needs conversation.stream already read: a guardrail's streamProcessingMode depends on it.
void read_converse_controls(FieldReader& reader, const json::object& body,
                            Conversation& conversation) {
  read_request_metadata(reader, body, conversation.converse);
  read_performance_config(reader, body, conversation.converse);
  read_guardrail_config(reader, body, conversation.stream, conversation.converse);
  read_response_field_paths(reader, body, conversation.converse);
}

// --- OpenAI Chat Completions --------------------------------------------------------------------

// System, developer and tool message content: a string or an array of text parts.
std::vector<std::string> chat_texts(FieldReader& reader, const json::object& message,
                                    const std::string& path) {
  const json::value* content = reader.field(message, "content");
  if (content == nullptr) return {};
  if (content->is_string()) return {std::string(content->get_string())};
  const json::array* parts = reader.array(message, "content", path);
  if (parts == nullptr) return {};
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < parts->size(); ++i) {
    const std::string part_path = child(child(path, "content"), i);
    const json::object* part = reader.element((*parts)[i], part_path);
    if (part == nullptr) return {};
    const std::string type = reader.required_string(*part, "type", part_path);
    if (type != "text") {
      reader.unsupported(fmt::format("a `{}` part in this message", type),
                         child(part_path, "type"));
      return {};
    }
    texts.push_back(reader.required_string(*part, "text", part_path));
  }
  return texts;
}

void read_chat_content_part(FieldReader& reader, const json::object& part, Role role,
                            const std::string& path, Conversation& conversation) {
  const std::string type = reader.required_string(part, "type", path);
  if (type == "text") {
    add_text(conversation, role, reader.required_string(part, "text", path));
  } else if (type == "refusal") {
    add_text(conversation, role, reader.required_string(part, "refusal", path));
  } else if (type == "image_url") {
    const std::string origin = child(path, "image_url");
    const json::object* image_url = reader.object(part, "image_url", path);
    if (image_url == nullptr) {
      reader.fail("an image_url part needs an `image_url` object", origin);
      return;
    }
    auto image = image_from_url(reader, reader.required_string(*image_url, "url", origin), origin);
    if (image) conversation.add(role, std::move(*image));
  } else {
    reader.unsupported(fmt::format("content part type `{}`", type), child(path, "type"));
  }
}

void read_chat_content(FieldReader& reader, const json::object& message, Role role,
                       const std::string& path, Conversation& conversation) {
  const json::value* content = reader.field(message, "content");
  if (content == nullptr) return;
  if (content->is_string()) {
    add_text(conversation, role, std::string(content->get_string()));
    return;
  }
  const json::array* parts = reader.array(message, "content", path);
  if (parts == nullptr) return;
  for (std::size_t i = 0; i < parts->size(); ++i) {
    const std::string part_path = child(child(path, "content"), i);
    const json::object* part = reader.element((*parts)[i], part_path);
    if (part == nullptr) return;
    read_chat_content_part(reader, *part, role, part_path, conversation);
  }
}

void read_chat_tool_calls(FieldReader& reader, const json::object& message, const std::string& path,
                          Conversation& conversation) {
  const json::array* calls = reader.array(message, "tool_calls", path);
  if (calls == nullptr) return;
  for (std::size_t i = 0; i < calls->size(); ++i) {
    const std::string call_path = child(child(path, "tool_calls"), i);
    const json::object* call = reader.element((*calls)[i], call_path);
    if (call == nullptr) return;
    const std::string type = reader.string(*call, "type", call_path).value_or("function");
    if (type != "function") {
      reader.unsupported(fmt::format("tool call type `{}`", type), child(call_path, "type"));
      return;
    }
    const std::string function_path = child(call_path, "function");
    const json::object* function = reader.object(*call, "function", call_path);
    if (function == nullptr) {
      reader.fail("a tool call needs a `function` object", function_path);
      return;
    }
    ToolCall tool_call;
    tool_call.id = reader.required_string(*call, "id", call_path);
    tool_call.name = reader.required_string(*function, "name", function_path);
    const std::string arguments = reader.string(*function, "arguments", function_path).value_or("");
    auto parsed = arguments_object(reader, arguments, child(function_path, "arguments"));
    if (!parsed) return;
    tool_call.arguments = std::move(*parsed);
    conversation.add(Role::kAssistant, std::move(tool_call));
  }
}

void read_chat_tool_message(FieldReader& reader, const json::object& message,
                            const std::string& path, Conversation& conversation) {
  ToolResult result;
  result.call_id = reader.required_string(message, "tool_call_id", path);
  for (std::string& text : chat_texts(reader, message, path)) {
    if (!text.empty()) result.content.emplace_back(TextPart{std::move(text)});
  }
  conversation.add(Role::kUser, std::move(result));
}

void read_chat_message(FieldReader& reader, const json::object& message, const std::string& path,
                       Conversation& conversation) {
  const std::string role = reader.required_string(message, "role", path);
  if (role == "system" || role == "developer") {
    for (std::string& text : chat_texts(reader, message, path)) {
      if (!text.empty()) conversation.system.push_back(std::move(text));
    }
  } else if (role == "user") {
    read_chat_content(reader, message, Role::kUser, path, conversation);
  } else if (role == "assistant") {
    read_chat_content(reader, message, Role::kAssistant, path, conversation);
    read_chat_tool_calls(reader, message, path, conversation);
  } else if (role == "tool") {
    read_chat_tool_message(reader, message, path, conversation);
  } else {
    reader.unsupported(fmt::format("message role `{}`", role), child(path, "role"));
  }
}

// Walks an array of objects: `visit(object, path)` for each element (path `base`[i]) until the
// reader fails; an element that is not an object fails the reader and ends the walk.
template <typename Visit>
void for_each_object(FieldReader& reader, const json::array& array, std::string_view base,
                     Visit&& visit) {
  for (std::size_t i = 0; i < array.size() && !reader.failed(); ++i) {
    const std::string path = child(base, i);
    const json::object* element = reader.element(array[i], path);
    if (element == nullptr) return;
    visit(*element, path);
  }
}

void read_chat_messages(FieldReader& reader, const json::object& body, Conversation& conversation) {
  const json::array* messages = reader.array(body, "messages", "");
  if (messages == nullptr) {
    reader.fail("`messages` is required", "messages");
    return;
  }
  for_each_object(reader, *messages, "messages",
                  [&](const json::object& message, const std::string& path) {
                    read_chat_message(reader, message, path, conversation);
                  });
}

// A function tool's name, description, parameters and strict, from the object holding them (chat's
// `function`, the flat Responses tool).
Tool read_function(FieldReader& reader, const json::object& function, const std::string& path) {
  Tool tool;
  tool.name = reader.required_string(function, "name", path);
  tool.description = reader.string(function, "description", path).value_or("");
  const json::object* parameters = reader.object(function, "parameters", path);
  tool.parameters = parameters != nullptr ? *parameters : empty_schema();
  tool.strict = reader.boolean(function, "strict", path);
  return tool;
}

void read_chat_tools(FieldReader& reader, const json::object& body, Conversation& conversation) {
  const json::array* tools = reader.array(body, "tools", "");
  if (tools == nullptr) return;
  for (std::size_t i = 0; i < tools->size(); ++i) {
    const std::string path = child("tools", i);
    const json::object* tool = reader.element((*tools)[i], path);
    if (tool == nullptr) return;
    const std::string type = reader.required_string(*tool, "type", path);
    if (type != "function") {
      reader.unsupported(fmt::format("tool type `{}`", type), child(path, "type"));
      return;
    }
    const json::object* function = reader.object(*tool, "function", path);
    if (function == nullptr) {
      reader.fail("a function tool needs a `function` object", child(path, "function"));
      return;
    }
    conversation.tools.push_back(read_function(reader, *function, child(path, "function")));
  }
}

std::optional<ToolChoice> tool_choice_word(std::string_view word) {
  if (word == "auto") return ToolChoice{ToolChoice::Mode::kAuto, ""};
  if (word == "none") return ToolChoice{ToolChoice::Mode::kNone, ""};
  if (word == "required") return ToolChoice{ToolChoice::Mode::kRequired, ""};
  return std::nullopt;
}

// Chat: "auto" | "none" | "required" | {"type":"function","function":{"name":...}}.
// Responses: the same words | {"type":"function","name":...}.
void read_openai_tool_choice(FieldReader& reader, const json::object& body,
                             Conversation& conversation) {
  const json::value* choice = reader.field(body, "tool_choice");
  if (choice == nullptr) return;
  if (choice->is_string()) {
    conversation.tool_choice = tool_choice_word(choice->get_string());
    if (!conversation.tool_choice) {
      reader.fail("tool_choice must be `auto`, `none`, `required` or a function", "tool_choice");
    }
    return;
  }
  const json::object* named = reader.object(body, "tool_choice", "");
  if (named == nullptr) return;
  const std::string type = reader.required_string(*named, "type", "tool_choice");
  if (type != "function") {
    reader.unsupported(fmt::format("tool_choice type `{}`", type), "tool_choice.type");
    return;
  }
  const json::object* function = reader.object(*named, "function", "tool_choice");
  const std::string name = function != nullptr
                               ? reader.required_string(*function, "name", "tool_choice.function")
                               : reader.required_string(*named, "name", "tool_choice");
  conversation.tool_choice = ToolChoice{ToolChoice::Mode::kNamed, name};
}

// --- OpenAI Responses ---------------------------------------------------------------------------

// Responses content parts (a message's `content`, a function_call_output's `output`): input_text,
// output_text, refusal and input_image parts, at `path`.
void read_responses_parts(FieldReader& reader, const json::array& parts, Role role,
                          const std::string& path, Conversation& conversation) {
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string part_path = child(path, i);
    const json::object* part = reader.element(parts[i], part_path);
    if (part == nullptr) return;
    const std::string type = reader.required_string(*part, "type", part_path);
    if (type == "input_text" || type == "output_text") {
      add_text(conversation, role, reader.required_string(*part, "text", part_path));
    } else if (type == "refusal") {
      add_text(conversation, role, reader.required_string(*part, "refusal", part_path));
    } else if (type == "input_image") {
      const std::string origin = child(part_path, "image_url");
      auto image =
          image_from_url(reader, reader.required_string(*part, "image_url", part_path), origin);
      if (image) conversation.add(role, std::move(*image));
    } else {
      reader.unsupported(fmt::format("content part type `{}`", type), child(part_path, "type"));
      return;
    }
  }
}

// A message item's content: a string or an array of parts.
void read_responses_content(FieldReader& reader, const json::object& item, Role role,
                            const std::string& path, Conversation& conversation) {
  const json::value* content = reader.field(item, "content");
  if (content != nullptr && content->is_string()) {
    add_text(conversation, role, std::string(content->get_string()));
    return;
  }
  const json::array* parts = reader.array(item, "content", path);
  if (parts != nullptr)
    read_responses_parts(reader, *parts, role, child(path, "content"), conversation);
}

// System and developer items: their text joins the system prompt.
void read_responses_system_item(FieldReader& reader, const json::object& item,
                                const std::string& path, Conversation& conversation) {
  Conversation scratch;
  read_responses_content(reader, item, Role::kUser, path, scratch);
  for (const Turn& turn : scratch.turns) {
    for (const Part& part : turn.parts) {
      if (const auto* text = std::get_if<TextPart>(&part)) {
        conversation.system.push_back(text->text);
      } else {
        reader.unsupported("an image in a system message", child(path, "content"));
      }
    }
  }
}

void read_responses_message(FieldReader& reader, const json::object& item, const std::string& path,
                            Conversation& conversation) {
  const std::string role = reader.required_string(item, "role", path);
  if (role == "system" || role == "developer") {
    read_responses_system_item(reader, item, path, conversation);
  } else if (role == "user") {
    read_responses_content(reader, item, Role::kUser, path, conversation);
  } else if (role == "assistant") {
    read_responses_content(reader, item, Role::kAssistant, path, conversation);
  } else {
    reader.unsupported(fmt::format("message role `{}`", role), child(path, "role"));
  }
}

void read_function_call_item(FieldReader& reader, const json::object& item, const std::string& path,
                             Conversation& conversation) {
  ToolCall call;
  call.id = reader.required_string(item, "call_id", path);
  call.name = reader.required_string(item, "name", path);
  auto arguments = arguments_object(reader, reader.string(item, "arguments", path).value_or(""),
                                    child(path, "arguments"));
  if (!arguments) return;
  call.arguments = std::move(*arguments);
  conversation.add(Role::kAssistant, std::move(call));
}

void read_function_call_output_item(FieldReader& reader, const json::object& item,
                                    const std::string& path, Conversation& conversation) {
  ToolResult result;
  result.call_id = reader.required_string(item, "call_id", path);
  const json::value* output = reader.field(item, "output");
  if (output != nullptr && output->is_string()) {
    if (!output->get_string().empty()) {
      result.content.emplace_back(TextPart{std::string(output->get_string())});
    }
  } else if (const json::array* parts = reader.array(item, "output", path)) {
    // The array form takes the same parts as a message's content; they land in a scratch
    // conversation's single user turn and move from there into the result.
    Conversation scratch;
    read_responses_parts(reader, *parts, Role::kUser, child(path, "output"), scratch);
    for (Turn& turn : scratch.turns) {
      for (Part& part : turn.parts) {
        if (auto* text = std::get_if<TextPart>(&part))
          result.content.emplace_back(std::move(*text));
        if (auto* image = std::get_if<ImagePart>(&part))
          result.content.emplace_back(std::move(*image));
      }
    }
  }
  conversation.add(Role::kUser, std::move(result));
}

// Reasoning the gateway can send back: text from `content` (reasoning_text parts), with
// `encrypted_content` as its signature. Items with no text are skipped: nothing to echo.
void read_reasoning_item(FieldReader& reader, const json::object& item, const std::string& path,
                         Conversation& conversation) {
  ReasoningPart reasoning;
  if (const json::array* content = reader.array(item, "content", path)) {
    for (std::size_t i = 0; i < content->size(); ++i) {
      const json::object* part = reader.element((*content)[i], child(child(path, "content"), i));
      if (part == nullptr) return;
      reasoning.text += reader.string(*part, "text", path).value_or("");
    }
  }
  reasoning.signature = reader.string(item, "encrypted_content", path).value_or("");
  if (!reasoning.text.empty()) conversation.add(Role::kAssistant, std::move(reasoning));
}

void read_responses_item(FieldReader& reader, const json::object& item, const std::string& path,
                         Conversation& conversation) {
  // Easy input messages ({role, content}) have no type.
  const std::string type = reader.string(item, "type", path).value_or("message");
  if (type == "message") {
    read_responses_message(reader, item, path, conversation);
  } else if (type == "function_call") {
    read_function_call_item(reader, item, path, conversation);
  } else if (type == "function_call_output") {
    read_function_call_output_item(reader, item, path, conversation);
  } else if (type == "reasoning") {
    read_reasoning_item(reader, item, path, conversation);
  } else {
    reader.unsupported(fmt::format("input item type `{}`", type), child(path, "type"));
  }
}

void read_responses_input(FieldReader& reader, const json::object& body,
                          Conversation& conversation) {
  const json::value* input = reader.field(body, "input");
  if (input != nullptr && input->is_string()) {
    add_text(conversation, Role::kUser, std::string(input->get_string()));
    return;
  }
  const json::array* items = reader.array(body, "input", "");
  if (items == nullptr) {
    if (input == nullptr) reader.fail("`input` is required", "input");
    return;
  }
  for_each_object(reader, *items, "input", [&](const json::object& item, const std::string& path) {
    read_responses_item(reader, item, path, conversation);
  });
}

void read_responses_tools(FieldReader& reader, const json::object& body,
                          Conversation& conversation) {
  const json::array* tools = reader.array(body, "tools", "");
  if (tools == nullptr) return;
  for (std::size_t i = 0; i < tools->size(); ++i) {
    const std::string path = child("tools", i);
    const json::object* tool = reader.element((*tools)[i], path);
    if (tool == nullptr) return;
    const std::string type = reader.required_string(*tool, "type", path);
    if (type != "function") {
      reader.unsupported(fmt::format("tool type `{}`", type), child(path, "type"));
      return;
    }
    conversation.tools.push_back(read_function(reader, *tool, path));
  }
}

// --- Anthropic Messages -------------------------------------------------------------------------

std::optional<ImagePart> read_anthropic_image(FieldReader& reader, const json::object& block,
                                              const std::string& path) {
  const std::string origin = child(path, "source");
  const json::object* source = reader.object(block, "source", path);
  if (source == nullptr) {
    reader.fail("an image block needs a `source` object", origin);
    return std::nullopt;
  }
  const std::string type = reader.required_string(*source, "type", origin);
  ImagePart image;
  image.origin = origin;
  if (type == "base64") {
    image.media_type = reader.required_string(*source, "media_type", origin);
    image.base64 = reader.required_string(*source, "data", origin);
  } else if (type == "url") {
    image.url = reader.required_string(*source, "url", origin);
  } else {
    reader.unsupported(fmt::format("image source type `{}`", type), child(origin, "type"));
    return std::nullopt;
  }
  return image;
}

void read_tool_result_block(FieldReader& reader, const json::object& block, const std::string& path,
                            Conversation& conversation) {
  ToolResult result;
  result.call_id = reader.required_string(block, "tool_use_id", path);
  result.is_error = reader.boolean(block, "is_error", path).value_or(false);
  const json::value* content = reader.field(block, "content");
  if (content != nullptr && content->is_string()) {
    if (!content->get_string().empty()) {
      result.content.emplace_back(TextPart{std::string(content->get_string())});
    }
  } else if (const json::array* parts = reader.array(block, "content", path)) {
    for (std::size_t i = 0; i < parts->size(); ++i) {
      const std::string part_path = child(child(path, "content"), i);
      const json::object* part = reader.element((*parts)[i], part_path);
      if (part == nullptr) return;
      const std::string type = reader.required_string(*part, "type", part_path);
      if (type == "text") {
        std::string text = reader.required_string(*part, "text", part_path);
        if (!text.empty()) result.content.emplace_back(TextPart{std::move(text)});
      } else if (type == "image") {
        auto image = read_anthropic_image(reader, *part, part_path);
        if (image) result.content.emplace_back(std::move(*image));
      } else {
        reader.unsupported(fmt::format("tool result content type `{}`", type),
                           child(part_path, "type"));
        return;
      }
    }
  }
  conversation.add(Role::kUser, std::move(result));
}

void read_tool_use_block(FieldReader& reader, const json::object& block, Role role,
                         const std::string& path, Conversation& conversation) {
  ToolCall call;
  call.id = reader.required_string(block, "id", path);
  call.name = reader.required_string(block, "name", path);
  const json::object* input = reader.object(block, "input", path);
  if (input != nullptr) call.arguments = *input;
  conversation.add(role, std::move(call));
}

void read_anthropic_block(FieldReader& reader, const json::object& block, Role role,
                          const std::string& path, Conversation& conversation) {
  const std::string type = reader.required_string(block, "type", path);
  if (type == "text") {
    add_text(conversation, role, reader.required_string(block, "text", path));
  } else if (type == "image") {
    auto image = read_anthropic_image(reader, block, path);
    if (image) conversation.add(role, std::move(*image));
  } else if (type == "tool_use") {
    read_tool_use_block(reader, block, role, path, conversation);
  } else if (type == "tool_result") {
    read_tool_result_block(reader, block, path, conversation);
  } else if (type == "thinking") {
    conversation.add(role, ReasoningPart{reader.required_string(block, "thinking", path),
                                         reader.string(block, "signature", path).value_or(""), ""});
  } else if (type == "redacted_thinking") {
    conversation.add(role, ReasoningPart{"", "", reader.required_string(block, "data", path)});
  } else {
    reader.unsupported(fmt::format("content block type `{}`", type), child(path, "type"));
  }
}

void read_anthropic_message(FieldReader& reader, const json::object& message,
                            const std::string& path, Conversation& conversation) {
  const std::string role_name = reader.required_string(message, "role", path);
  if (role_name != "user" && role_name != "assistant") {
    reader.fail("role must be `user` or `assistant`", child(path, "role"));
    return;
  }
  const Role role = role_name == "user" ? Role::kUser : Role::kAssistant;
  const json::value* content = reader.field(message, "content");
  if (content != nullptr && content->is_string()) {
    add_text(conversation, role, std::string(content->get_string()));
    return;
  }
  const json::array* blocks = reader.array(message, "content", path);
  if (blocks == nullptr) return;
  for_each_object(reader, *blocks, child(path, "content"),
                  [&](const json::object& block, const std::string& block_path) {
                    read_anthropic_block(reader, block, role, block_path, conversation);
                  });
}

void read_anthropic_messages(FieldReader& reader, const json::object& body,
                             Conversation& conversation) {
  const json::array* messages = reader.array(body, "messages", "");
  if (messages == nullptr) {
    reader.fail("`messages` is required", "messages");
    return;
  }
  for_each_object(reader, *messages, "messages",
                  [&](const json::object& message, const std::string& path) {
                    read_anthropic_message(reader, message, path, conversation);
                  });
}

void read_anthropic_system(FieldReader& reader, const json::object& body,
                           Conversation& conversation) {
  const json::value* system = reader.field(body, "system");
  if (system != nullptr && system->is_string()) {
    if (!system->get_string().empty()) conversation.system.emplace_back(system->get_string());
    return;
  }
  const json::array* blocks = reader.array(body, "system", "");
  if (blocks == nullptr) return;
  for (std::size_t i = 0; i < blocks->size(); ++i) {
    const std::string path = child("system", i);
    const json::object* block = reader.element((*blocks)[i], path);
    if (block == nullptr) return;
    if (reader.required_string(*block, "type", path) != "text") {
      reader.unsupported("a system block other than text", child(path, "type"));
      return;
    }
    std::string text = reader.required_string(*block, "text", path);
    if (!text.empty()) conversation.system.push_back(std::move(text));
  }
}

void read_anthropic_tools(FieldReader& reader, const json::object& body,
                          Conversation& conversation) {
  const json::array* tools = reader.array(body, "tools", "");
  if (tools == nullptr) return;
  for (std::size_t i = 0; i < tools->size(); ++i) {
    const std::string path = child("tools", i);
    const json::object* tool = reader.element((*tools)[i], path);
    if (tool == nullptr) return;
    // Client tools have no type or "custom"; typed ones (web_search_20250305, bash_…) run on
    // Anthropic's side, which a translated route does not reach.
    const std::string type = reader.string(*tool, "type", path).value_or("custom");
    if (type != "custom") {
      reader.unsupported(fmt::format("tool type `{}`", type), child(path, "type"));
      return;
    }
    Tool read;
    read.name = reader.required_string(*tool, "name", path);
    read.description = reader.string(*tool, "description", path).value_or("");
    const json::object* schema = reader.object(*tool, "input_schema", path);
    read.parameters = schema != nullptr ? *schema : empty_schema();
    read.strict = reader.boolean(*tool, "strict", path);
    conversation.tools.push_back(std::move(read));
  }
}

void read_anthropic_tool_choice(FieldReader& reader, const json::object& body,
                                Conversation& conversation) {
  const json::object* choice = reader.object(body, "tool_choice", "");
  if (choice == nullptr) return;
  const std::string type = reader.required_string(*choice, "type", "tool_choice");
  if (type == "auto") {
    conversation.tool_choice = ToolChoice{ToolChoice::Mode::kAuto, ""};
  } else if (type == "any") {
    conversation.tool_choice = ToolChoice{ToolChoice::Mode::kRequired, ""};
  } else if (type == "none") {
    conversation.tool_choice = ToolChoice{ToolChoice::Mode::kNone, ""};
  } else if (type == "tool") {
    conversation.tool_choice = ToolChoice{ToolChoice::Mode::kNamed,
                                          reader.required_string(*choice, "name", "tool_choice")};
  } else {
    reader.fail("tool_choice.type must be `auto`, `any`, `tool` or `none`", "tool_choice.type");
  }
  const auto disable_parallel = reader.boolean(*choice, "disable_parallel_tool_use", "tool_choice");
  if (disable_parallel) conversation.parallel_tool_calls = !*disable_parallel;
}

void read_anthropic_thinking(FieldReader& reader, const json::object& body,
                             Conversation& conversation) {
  const json::object* thinking = reader.object(body, "thinking", "");
  if (thinking == nullptr) return;
  const std::string type = reader.required_string(*thinking, "type", "thinking");
  if (type == "enabled") {
    conversation.reasoning.budget_tokens = reader.integer(*thinking, "budget_tokens", "thinking");
    if (!conversation.reasoning.budget_tokens) {
      reader.fail("enabled thinking needs `budget_tokens`", "thinking.budget_tokens");
    }
  } else if (type != "disabled") {
    reader.unsupported(fmt::format("thinking type `{}`", type), "thinking.type");
  }
}

}  // namespace

Expected<Conversation> read_chat_request(const boost::json::object& body) {
  FieldReader reader;
  Conversation conversation;
  read_chat_messages(reader, body, conversation);
  read_chat_tools(reader, body, conversation);
  read_openai_tool_choice(reader, body, conversation);
  conversation.parallel_tool_calls = reader.boolean(body, "parallel_tool_calls", "");
  // max_completion_tokens replaced max_tokens; a caller sending both means the newer one.
  conversation.max_tokens = reader.integer(body, "max_completion_tokens", "");
  const auto legacy_max_tokens = reader.integer(body, "max_tokens", "");
  if (!conversation.max_tokens) conversation.max_tokens = legacy_max_tokens;
  conversation.temperature = reader.number(body, "temperature", "");
  conversation.top_p = reader.number(body, "top_p", "");
  conversation.stop_sequences = reader.strings(body, "stop", "");
  conversation.reasoning.effort =
      effort_named(reader, reader.string(body, "reasoning_effort", ""), "reasoning_effort");
  conversation.stream = reader.boolean(body, "stream", "").value_or(false);
  read_converse_controls(reader, body, conversation);
  if (reader.failed()) return reader.error();
  return conversation;
}

Expected<Conversation> read_responses_request(const boost::json::object& body) {
  FieldReader reader;
  Conversation conversation;
  if (reader.field(body, "previous_response_id") != nullptr) {
    reader.unsupported("`previous_response_id` (send the whole conversation in `input`)",
                       "previous_response_id");
  }
  if (auto instructions = reader.string(body, "instructions", "")) {
    if (!instructions->empty()) conversation.system.push_back(std::move(*instructions));
  }
  read_responses_input(reader, body, conversation);
  read_responses_tools(reader, body, conversation);
  read_openai_tool_choice(reader, body, conversation);
  conversation.parallel_tool_calls = reader.boolean(body, "parallel_tool_calls", "");
  conversation.max_tokens = reader.integer(body, "max_output_tokens", "");
  conversation.temperature = reader.number(body, "temperature", "");
  conversation.top_p = reader.number(body, "top_p", "");
  if (const json::object* reasoning = reader.object(body, "reasoning", "")) {
    conversation.reasoning.effort =
        effort_named(reader, reader.string(*reasoning, "effort", "reasoning"), "reasoning.effort");
  }
  conversation.stream = reader.boolean(body, "stream", "").value_or(false);
  read_converse_controls(reader, body, conversation);
  if (reader.failed()) return reader.error();
  return conversation;
}

Expected<Conversation> read_messages_request(const boost::json::object& body) {
  FieldReader reader;
  Conversation conversation;
  read_anthropic_system(reader, body, conversation);
  read_anthropic_messages(reader, body, conversation);
  read_anthropic_tools(reader, body, conversation);
  read_anthropic_tool_choice(reader, body, conversation);
  conversation.max_tokens = reader.integer(body, "max_tokens", "");
  conversation.temperature = reader.number(body, "temperature", "");
  conversation.top_p = reader.number(body, "top_p", "");
  conversation.top_k = reader.integer(body, "top_k", "");
  conversation.stop_sequences = reader.strings(body, "stop_sequences", "");
  read_anthropic_thinking(reader, body, conversation);
  if (const json::object* metadata = reader.object(body, "metadata", "")) {
    conversation.user_id = reader.string(*metadata, "user_id", "metadata");
  }
  conversation.stream = reader.boolean(body, "stream", "").value_or(false);
  read_converse_controls(reader, body, conversation);
  if (reader.failed()) return reader.error();
  return conversation;
}

}  // namespace sluice::providers
