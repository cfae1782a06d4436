#include "ledger/PayloadCapture.h"

#include <boost/json.hpp>

#include <algorithm>
#include <array>

namespace sluice::ledger {

namespace {

namespace json = boost::json;

constexpr std::array<std::string_view, 7> kSecretHeaders{
    "authorization", "proxy-authorization", "cookie",        "set-cookie",
    "x-api-key",     "anthropic-api-key",   "x-goog-api-key"};

constexpr std::array<std::string_view, 14> kSecretKeys{
    "authorization", "api_key", "x_api_key",     "client_secret", "credentials",
    "private_key",   "token",   "access_token",  "refresh_token", "secret",
    "password",      "raw_key", "generated_key", "key_material"};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

template <std::size_t N>
bool is_listed(const std::array<std::string_view, N>& list, std::string_view name) {
  const std::string folded = lower(name);
  return std::find(list.begin(), list.end(), folded) != list.end();
}

json::object header_object(std::span<const HeaderField> headers, json::storage_ptr storage) {
  json::object out(std::move(storage));
  for (const auto& [name, value] : headers) {
    const std::string key = lower(name);
    const std::string_view shown =
        is_listed(kSecretHeaders, key) ? PayloadCapture::kRedacted : std::string_view(value);
    if (auto* existing = out.if_contains(key); existing != nullptr && existing->is_string()) {
      // A repeated header reads as the list it is on the wire.
      existing->get_string().append(", ").append(shown);
    } else {
      out[key] = shown;
    }
  }
  return out;
}

void redact_secret_keys(json::value& value) {
  if (auto* object = value.if_object()) {
    for (auto& member : *object) {
      if (is_listed(kSecretKeys, member.key())) {
        member.value() = PayloadCapture::kRedacted;
      } else {
        redact_secret_keys(member.value());
      }
    }
  } else if (auto* array = value.if_array()) {
    for (auto& element : *array) redact_secret_keys(element);
  }
}

bool is_data_url(const json::value* value) {
  return value != nullptr && value->is_string() && value->get_string().starts_with("data:");
}

// `image_url` is a data URL itself (Responses) or an object holding one in `url` (Chat).
void redact_image_url(json::value& image_url) {
  if (is_data_url(&image_url)) {
    image_url = PayloadCapture::kRedactedImage;
  } else if (auto* object = image_url.if_object();
             object && is_data_url(object->if_contains("url"))) {
    (*object)["url"] = PayloadCapture::kRedactedImage;
  }
}

// Anthropic {"type":"base64","data":…} and Converse {"bytes":…} media sources.
void redact_media_source(json::value& source) {
  auto* object = source.if_object();
  if (object == nullptr) return;
  const auto* type = object->if_contains("type");
  if (type != nullptr && type->is_string() && type->get_string() == "base64" &&
      object->contains("data")) {
    (*object)["data"] = PayloadCapture::kRedactedImage;
  }
  if (object->contains("bytes")) (*object)["bytes"] = PayloadCapture::kRedactedImage;
}

void redact_inline_media(json::value& value) {
  if (auto* object = value.if_object()) {
    for (auto& member : *object) {
      if (member.key() == "image_url") {
        redact_image_url(member.value());
      } else if (member.key() == "source") {
        redact_media_source(member.value());
      }
      redact_inline_media(member.value());
    }
  } else if (auto* array = value.if_array()) {
    for (auto& element : *array) redact_inline_media(element);
  }
}

void redact_path(json::value& value, const std::vector<std::string>& path, std::size_t depth) {
  if (depth == path.size()) {
    value = PayloadCapture::kRedacted;
    return;
  }
  const std::string& segment = path[depth];
  if (auto* object = value.if_object()) {
    if (segment == "*") {
      for (auto& member : *object) redact_path(member.value(), path, depth + 1);
    } else if (auto* child = object->if_contains(segment)) {
      redact_path(*child, path, depth + 1);
    }
  } else if (auto* array = value.if_array(); array != nullptr && segment == "*") {
    for (auto& element : *array) redact_path(element, path, depth + 1);
  }
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('.', start), path.size());
    segments.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

// A streamed event that is JSON is kept as JSON so redaction reaches inside it.
json::value event_value(const std::string& event) {
  boost::system::error_code ec;
  json::value parsed = json::parse(event, ec);
  return ec ? json::value(json::string(event)) : parsed;
}

}  // namespace

bool truncate_utf8(std::string& text, std::uint64_t max_bytes) {
  if (text.size() <= max_bytes) return false;
  std::size_t cut = static_cast<std::size_t>(max_bytes);
  // Step back over continuation bytes (10xxxxxx) so the cut lands before a whole character.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return true;
}

PayloadCapture::PayloadCapture(config::PayloadLoggingConfig config) : config_(std::move(config)) {
  for (const auto& path : config_.redaction_paths) redaction_paths_.push_back(split_path(path));
}

bool PayloadCapture::writes_summary() const {
  return config_.capture_mode != config::PayloadCaptureMode::kDisabled;
}

bool PayloadCapture::writes_payload(bool user_request_logging_enabled) const {
  return config_.capture_mode == config::PayloadCaptureMode::kRedactedPayloads &&
         user_request_logging_enabled;
}

json::value PayloadCapture::sanitize(json::value body, std::span<const HeaderField> headers) const {
  redact_secret_keys(body);
  redact_inline_media(body);
  // The wrapper shares the body's storage, so the body moves in rather than being copied.
  const json::storage_ptr storage = body.storage();
  json::object wrapper(storage);
  wrapper.reserve(2);
  wrapper.emplace("body", std::move(body));
  wrapper.emplace("headers", header_object(headers, storage));
  json::value wrapped(std::move(wrapper));
  for (const auto& path : redaction_paths_) redact_path(wrapped, path, 0);
  return wrapped;
}

CapturedPayload PayloadCapture::finish(const json::value& body,
                                       std::span<const HeaderField> headers,
                                       std::uint64_t max_bytes) const {
  // The sanitized copy is built, serialized and dropped here: it lives in an arena that starts on
  // the stack, so a typical payload costs no heap allocation but the serialized text (a copy per
  // node on the heap was a third of a proxied request's allocations).
  unsigned char first_block[kArenaStackBytes];
  json::monotonic_resource arena(first_block, sizeof first_block);
  CapturedPayload payload;
  payload.json = json::serialize(sanitize(json::value(body, &arena), headers));
  payload.original_bytes = payload.json.size();
  payload.truncated = truncate_utf8(payload.json, max_bytes);
  return payload;
}

CapturedPayload PayloadCapture::capture_request(const json::value& body,
                                                std::span<const HeaderField> headers) const {
  return finish(body, headers, config_.request_max_bytes);
}

CapturedPayload PayloadCapture::capture_response(const json::value& body,
                                                 std::span<const HeaderField> headers) const {
  return finish(body, headers, config_.response_max_bytes);
}

CapturedPayload PayloadCapture::capture_stream(const StreamCapture& stream,
                                               std::span<const HeaderField> headers) const {
  json::array events;
  for (const auto& event : stream.kept()) events.push_back(event_value(event));
  const json::value body =
      json::object{{"events", std::move(events)}, {"omitted_events", stream.omitted()}};
  return finish(body, headers, config_.response_max_bytes);
}

}  // namespace sluice::ledger
