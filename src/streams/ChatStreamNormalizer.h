// ChatStreamNormalizer: an OpenAI Chat Completions SSE stream as the caller receives it (api.md §7).
//
// Chunks pass through byte for byte unless one of the normalizations applies, in which case the
// chunk is re-serialized:
//   * `choices[*].usage` is promoted to a top-level `usage` when that is absent or null (some
//     OpenAI-compatible servers report usage on the choice);
//   * `delta.reasoning_content` / `delta.reasoning_text` is copied to `delta.reasoning` when that is
//     absent or null (the original field stays for clients that read it).
// Usage-only chunks (`choices: []`, e.g. stream_options.include_usage) are kept.
//
// Ending. `data: [DONE]` is written only after the upstream's [DONE], or — when the upstream ends
// the body (cleanly, or with a transport break) after a chunk with a non-empty finish_reason but
// without [DONE] — synthesized then; it is not written at the finish_reason itself, because a
// usage-only chunk may still follow. Everything else ends in one error chunk and no [DONE]:
//   data: {"error":{"message":…,"type":"upstream_error","code":…,"param":…}}
// with code upstream_transport for a malformed chunk (not a JSON object) or an end of body before
// any terminal, upstream_http_error for an error the upstream reported in the stream (a top-level
// `error` member, or an `event: error` frame; the upstream's message and param are kept), and the
// given error's own type/code for on_upstream_failure(). Both official OpenAI SDKs raise an
// APIError for a chunk with a top-level `error`, and a caller that never sees [DONE] knows the
// answer is incomplete.
//
// Only chunks that may need changing or carry usage, a finish_reason or an error are parsed into a
// DOM; the rest are validated without building anything (see FrameJson).
#pragma once

#include "streams/FrameJson.h"
#include "streams/StreamNormalizer.h"

#include <boost/json/serializer.hpp>

namespace sluice::streams {

class ChatStreamNormalizer final : public StreamNormalizer {
 public:
  ChatStreamNormalizer() = default;

  void on_event(const SseEvent& event, std::string& out) override;
  void on_upstream_end(std::string& out) override;
  void on_upstream_failure(const GatewayError& error, std::string& out) override;

 private:
  // Rewrites `chunk` in place as §7 asks; returns whether anything changed. Also notes a
  // finish_reason and reads usage.
  bool normalize_chunk(boost::json::object& chunk);
  void forward_verbatim(std::string_view data, std::string& out);
  void write_chunk(const boost::json::object& chunk, std::string& out);
  void write_done(std::string& out);
  void fail(GatewayError error, std::string& out);

  FrameJson json_;
  boost::json::serializer serializer_;
};

// The error chunk a failed Chat Completions stream ends with (without the trailing [DONE]).
void append_chat_error_chunk(std::string& out, const GatewayError& error);

}  // namespace sluice::streams
