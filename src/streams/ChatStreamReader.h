// ChatStreamReader: reads an OpenAI Chat Completions SSE stream (chat.completion.chunk frames) into
// GenerationEvents for a GenerationStreamWriter, for a Responses or Anthropic Messages caller on an
// OpenAI chat route.
//
//   the first chunk                 → kMessageStart with the chunk's id
//   delta.reasoning_content / reasoning / reasoning_text (the first one set; servers that send
//     several send the same text)   → kReasoningDelta, block 1
//   delta.content                   → kTextDelta, block 0 (the empty content of a role-only first
//                                     chunk is not a block)
//   delta.tool_calls[k]             → kToolCallStart the first time its index i is seen (with the id
//                                     and name when given), then kToolCallArguments for each
//                                     fragment, block 2 + i
//   top-level usage, or a choice's  → kUsage
//   finish_reason                   → kMessageStop
//   data: [DONE]                    → nothing; the stream handler's on_end() ends the answer
// Only choice 0 is read: the gateway's translated routes ask for one choice. A frame that is not a
// JSON object fails the stream with upstream_transport; a top-level `error` member or an
// `event: error` frame with upstream_http_error, keeping the upstream's message.
#pragma once

#include "streams/FrameJson.h"
#include "streams/GenerationStreamWriter.h"
#include "streams/SseParser.h"

#include <string>
#include <vector>

namespace sluice::streams {

class ChatStreamReader {
 public:
  void on_event(const SseEvent& event, GenerationStreamWriter& writer, std::string& out);

 private:
  void on_delta(const boost::json::object& delta, GenerationStreamWriter& writer, std::string& out);
  void on_tool_call(const boost::json::object& call, std::size_t position,
                    GenerationStreamWriter& writer, std::string& out);

  FrameJson json_;
  bool started_ = false;
  std::vector<bool> tool_calls_started_;  // by the upstream's tool call index
};

}  // namespace sluice::streams
