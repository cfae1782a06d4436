// ConverseStreamReader: reads a Bedrock ConverseStream answer (AWS EventStream messages, decoded by
// EventStreamDecoder) into GenerationEvents for a GenerationStreamWriter.
//
// Each event message's `:event-type` names one member of the ConverseStreamOutput union and its
// payload is that member's JSON (plus a `p` padding field Bedrock adds against length analysis,
// ignored here):
//   messageStart                                   → kMessageStart (Converse gives no message id)
//   contentBlockStart {start:{toolUse}}            → kToolCallStart
//   contentBlockDelta {delta:{text}}               → kTextDelta (Converse sends no start for text;
//                                                    the writer starts the block at its first delta)
//   contentBlockDelta {delta:{toolUse:{input}}}    → kToolCallArguments
//   contentBlockDelta {delta:{reasoningContent:{text | signature}}}
//                                                  → kReasoningDelta / kReasoningSignature
//                                                    (redactedContent is opaque to every caller
//                                                    format and is dropped)
//   contentBlockStop                               → kBlockStop
//   messageStop {stopReason}                       → kMessageStop
//   metadata {usage}                               → kUsage
// Unknown event types and members are ignored, so a newer Bedrock does not break older gateways.
// An exception or error message, a payload that is not a JSON object, or a message of an unknown
// kind ends the stream through writer.on_failure().
#pragma once

#include "core/GatewayError.h"
#include "streams/EventStreamMessage.h"
#include "streams/FrameJson.h"
#include "streams/GenerationStreamWriter.h"

#include <optional>
#include <string>

namespace sluice::streams {

class ConverseStreamReader {
 public:
  void on_message(const EventStreamMessage& message, GenerationStreamWriter& writer,
                  std::string& out);

 private:
  void on_event(std::string_view event_type, const boost::json::object& payload,
                GenerationStreamWriter& writer, std::string& out);

  FrameJson json_;
};

// The failure a Bedrock EventStream message reports, or nullopt when it is an ordinary event.
// `:message-type` exception names the exception in `:exception-type` with {"message"} as payload;
// `:message-type` error carries `:error-code` / `:error-message` headers. Either becomes
// upstream_error / upstream_http_error "upstream provider reported <name>: <message>" with the
// status Bedrock itself gives the exception: 429 throttlingException, 400 validationException,
// 503 serviceUnavailableException, 500 internalServerException, 424 modelStreamErrorException,
// 502 for anything else.
std::optional<GatewayError> event_stream_failure(const EventStreamMessage& message);

}  // namespace sluice::streams
