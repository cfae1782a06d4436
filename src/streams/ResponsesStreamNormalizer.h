// ResponsesStreamNormalizer: an OpenAI Responses SSE stream as the caller receives it (api.md §7).
//
// Events pass through with their `event:` names and payloads untouched. A frame the upstream sent
// without an `event:` line gets the one OpenAI would have written, taken from its `type`, so callers
// that listen by event name see the same stream either way. Usage is read from the `response.usage`
// of response.completed / response.incomplete (and of response.failed, when a failed response
// reports any).
//
// Ending. response.completed and response.incomplete are the success terminals. The failure ends:
//   * response.failed, or an `error` event (named, or an unnamed frame with a top-level `error`),
//     is the upstream's own failure: it is forwarded as it came and nothing is added — the caller
//     sees exactly what OpenAI itself would have sent;
//   * a premature end of body (clean EOF, a transport break, or an upstream [DONE] before a
//     terminal), a malformed frame, or a Chat-shaped frame (top-level `choices`, or `object`
//     chat.completion[.chunk] — a chat upstream wired to a Responses route) is not forwarded and
//     ends the stream with one synthesized event:
//       event: error
//       data: {"type":"error","code":C,"message":M,"param":P,"sequence_number":N,
//              "error":{"type":T,"code":C,"message":M,"param":P}}
//     The top-level fields are the spec's ResponseErrorEvent, so typed clients parse it as one
//     (N = the last upstream sequence_number + 1). The nested `error` is the gateway's error
//     envelope and is what makes the official SDKs raise: openai-python raises APIError for an
//     `event: error` frame only when its data has a truthy `error` member (using error.message),
//     and openai-node throws APIError(data.error, data.message) for any `event: error` frame.
// [DONE] is never written: the Responses API does not use it, and an upstream [DONE] after the
// terminal is dropped like any frame after the end.
#pragma once

#include "streams/FrameJson.h"
#include "streams/StreamNormalizer.h"

#include <cstdint>
#include <optional>

namespace sluice::streams {

class ResponsesStreamNormalizer final : public StreamNormalizer {
 public:
  ResponsesStreamNormalizer() = default;

  void on_event(const SseEvent& event, std::string& out) override;
  void on_upstream_end(std::string& out) override;
  void on_upstream_failure(const GatewayError& error, std::string& out) override;

 private:
  void read_usage(const boost::json::object& frame);
  void fail(GatewayError error, std::string& out);

  FrameJson json_;
  std::optional<std::int64_t> last_sequence_number_;
};

// The synthesized error event described above.
void append_responses_error_event(std::string& out, const GatewayError& error,
                                  std::int64_t sequence_number);

}  // namespace sluice::streams
