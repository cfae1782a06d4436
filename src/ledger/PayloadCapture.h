// PayloadCapture: what of a request and its response the request log may keep (api.md §9).
//
// capture_mode decides whether a request is logged at all (`disabled`: no request log), as a
// summary only (`summary_only`), or with a sanitized payload (`redacted_payloads`, the default;
// also off for users with request_logging_enabled: false). A payload is the wrapped document
// {"body": …, "headers": {…}} and is sanitized in this order:
//
//  1. credential headers (authorization, proxy-authorization, cookie, set-cookie, x-api-key,
//     anthropic-api-key, x-goog-api-key; any case) → "[REDACTED]"; header names are lower-cased;
//  2. credential-looking JSON keys at any depth (authorization, api_key, token, password, …; any
//     case) → their whole value becomes "[REDACTED]";
//  3. inline media → "[REDACTED_IMAGE]": `data:` URLs under any `image_url` (Chat's
//     messages.*.content.*.image_url.url and Responses' input_image.image_url), base64
//     `source.data` (Anthropic image and document blocks) and `source.bytes` (Bedrock Converse
//     image, document and video blocks). http(s) image URLs are kept: they are references, not
//     data;
//  4. the configured redaction_paths, anchored at the wrapped root (`body.metadata.*`,
//     `headers.x-internal`); `*` matches any one object key or array element;
//  5. truncation of the serialized JSON to request_max_bytes / response_max_bytes, cut on a UTF-8
//     character boundary and flagged (a truncated payload is no longer valid JSON, by design: it is
//     a prefix kept for reading, never parsed back).
//
// Streamed responses are logged as {"body": {"events": [...], "omitted_events": n}, "headers": …}
// from a StreamCapture; events that are JSON are kept as JSON so the same rules reach inside them.
#pragma once

#include "config/GatewayConfig.h"
#include "ledger/StreamCapture.h"

#include <boost/json/value.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace sluice::ledger {

using HeaderField = std::pair<std::string, std::string>;

struct CapturedPayload {
  std::string json;  // sanitized; a prefix when truncated
  bool truncated = false;
  std::uint64_t original_bytes = 0;  // size of the sanitized JSON before truncation
};

class PayloadCapture {
 public:
  static constexpr std::string_view kRedacted = "[REDACTED]";
  static constexpr std::string_view kRedactedImage = "[REDACTED_IMAGE]";

  explicit PayloadCapture(config::PayloadLoggingConfig config);

  // A summary row unless capture_mode is `disabled`.
  bool writes_summary() const;
  // A payload row only in `redacted_payloads`, and only for users who allow request logging.
  bool writes_payload(bool user_request_logging_enabled) const;

  CapturedPayload capture_request(const boost::json::value& body,
                                  std::span<const HeaderField> headers) const;
  CapturedPayload capture_response(const boost::json::value& body,
                                   std::span<const HeaderField> headers) const;
  CapturedPayload capture_stream(const StreamCapture& stream,
                                 std::span<const HeaderField> headers) const;

  // Steps 1–4, wrapping `body` (the wrapper uses the body's storage); exposed so each rule can be
  // tested on its own.
  boost::json::value sanitize(boost::json::value body, std::span<const HeaderField> headers) const;

 private:
  // The working copy's arena starts in a block of this size on the stack.
  static constexpr std::size_t kArenaStackBytes = 8 * 1024;

  CapturedPayload finish(const boost::json::value& body, std::span<const HeaderField> headers,
                         std::uint64_t max_bytes) const;

  config::PayloadLoggingConfig config_;
  std::vector<std::vector<std::string>> redaction_paths_;  // split on '.'
};

// Cuts `text` to at most `max_bytes` without splitting a UTF-8 sequence. True when it cut.
bool truncate_utf8(std::string& text, std::uint64_t max_bytes);

}  // namespace sluice::ledger
