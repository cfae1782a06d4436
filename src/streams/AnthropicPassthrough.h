// AnthropicPassthrough: an Anthropic Messages event stream forwarded to an Anthropic Messages caller
// (/v1/messages on an anthropic_messages route), event by event, with the bookkeeping the gateway
// needs on the way through.
//
// Every event goes out as `event: <type>\ndata: <json>` with the upstream's JSON untouched (the
// type is the SSE `event:` name, or the JSON's "type" when the upstream sent none). Only the
// frames that carry something the gateway reads are parsed: message_start (input usage, with
// cache reads and writes), message_delta (output usage, merged with message_start's), and the
// endings; the rest are checked to be one JSON object and forwarded.
//
// Ending. message_stop is the success terminal and is forwarded like any event. The upstream's own
// `error` event is forwarded as it came and ends the stream (its type sets the recorded error's
// status; see anthropic_stream_error). A malformed frame, an end of body before message_stop, or a
// transport break ends the stream with the gateway's Anthropic error event
// (append_anthropic_error_event). Nothing is written after an ending. Unlike the translating
// writers, a break after message_delta is still a failure: Anthropic's terminal is message_stop.
#pragma once

#include "core/GatewayError.h"
#include "streams/FrameJson.h"
#include "streams/TokenUsage.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::streams {

class AnthropicPassthrough {
 public:
  void on_event_json(std::string_view event_type, std::string_view json, std::string& out);
  // The upstream body ended cleanly.
  void on_end(std::string& out);
  // The upstream body broke mid-stream; `error` is what the gateway would have answered.
  void on_failure(const GatewayError& error, std::string& out);

  bool finished() const { return finished_; }
  bool failed() const { return error_.has_value(); }
  const std::optional<GatewayError>& error() const { return error_; }
  // The most recent usage the upstream reported; present == false until it reports one.
  const TokenUsage& usage() const { return usage_; }
  // message_stop was seen.
  bool stop_seen() const { return stop_seen_; }
  // Upstream events forwarded to the caller; the gateway's own error events are not counted.
  std::size_t events_forwarded() const { return events_forwarded_; }

 private:
  // Reads usage from a parsed frame and notes the endings.
  void read_frame(std::string_view type, const boost::json::object& frame);
  void fail(GatewayError error, std::string& out);

  FrameJson json_;
  bool finished_ = false;
  bool stop_seen_ = false;
  std::optional<GatewayError> error_;
  TokenUsage usage_;
  std::size_t events_forwarded_ = 0;
};

}  // namespace sluice::streams
