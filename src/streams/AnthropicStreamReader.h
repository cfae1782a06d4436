// AnthropicStreamReader: reads an Anthropic Messages event stream into GenerationEvents for a
// GenerationStreamWriter. The events come as SSE from the Anthropic API (and Bedrock Mantle), or
// one per EventStream `chunk` message from Bedrock InvokeModelWithResponseStream (see
// invoke_stream_chunk_json below).
//
//   message_start        → kUsage (its input tokens, so the writer's start can carry them), then
//                          kMessageStart with the message id
//   content_block_start  → text / thinking: an empty delta, which starts the block even if it
//                          stays empty; tool_use: kToolCallStart. Other block types (server tools,
//                          redacted thinking, compaction) have no neutral form and are skipped with
//                          their deltas.
//   content_block_delta  → text_delta, thinking_delta, signature_delta, input_json_delta
//   content_block_stop   → kBlockStop
//   message_delta        → kUsage: its usage merged with message_start's (message_delta reports
//                          the output tokens, and the input tokens only in newer API versions).
//                          The stop_reason is remembered.
//   message_stop         → kMessageStop with that stop reason. The stop is given here, not at
//                          message_delta, because message_stop is Anthropic's terminal: a stream
//                          that breaks between the two is not reported whole.
//   ping, unknown types  → ignored
//   error                → writer.on_failure(anthropic_stream_error(...))
// A frame that is not a JSON object fails the stream with upstream_transport.
#pragma once

#include "core/Expected.h"
#include "core/GatewayError.h"
#include "streams/EventStreamMessage.h"
#include "streams/FrameJson.h"
#include "streams/GenerationStreamWriter.h"

#include <boost/json/fwd.hpp>

#include <string>
#include <string_view>

namespace sluice::streams {

class AnthropicStreamReader {
 public:
  // `event_type` is the SSE `event:` name; when empty, the JSON's "type" is used.
  void on_event_json(std::string_view event_type, std::string_view json,
                     GenerationStreamWriter& writer, std::string& out);

 private:
  void on_content_block_start(const boost::json::object& frame, GenerationStreamWriter& writer,
                              std::string& out);
  void on_content_block_delta(const boost::json::object& frame, GenerationStreamWriter& writer,
                              std::string& out);

  FrameJson json_;
  TokenUsage usage_;  // as reported so far: message_start's, then merged with message_delta's
  StopReason stop_reason_ = StopReason::kEndTurn;
};

// Bedrock InvokeModelWithResponseStream: the Anthropic event JSON inside one EventStream message.
// A `chunk` event's payload is {"bytes":"<base64 of the event JSON>"}. An exception or error
// message gives its event_stream_failure(); any other shape gives 502 upstream_transport.
Expected<std::string> invoke_stream_chunk_json(const EventStreamMessage& message);

// An Anthropic `error` event ({"type":"error","error":{"type","message"}}) as the gateway's error:
// upstream_error / upstream_http_error "upstream provider reported <type>: <message>", with status
// 529 overloaded_error, 429 rate_limit_error, 500 api_error, 400 invalid_request_error, else 502.
GatewayError anthropic_stream_error(const boost::json::object& frame);

// The usage after a message_delta: `delta_usage` on top of what message_start reported in `start`.
// message_delta's counts are cumulative, so any count it gives replaces message_start's.
TokenUsage merge_anthropic_delta_usage(const TokenUsage& start, const boost::json::value& delta_usage);

}  // namespace sluice::streams
