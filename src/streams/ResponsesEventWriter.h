// ResponsesEventWriter: a streamed answer written as OpenAI Responses events, for a /v1/responses
// caller whose route speaks another wire API (Bedrock Converse, Anthropic Messages, OpenAI chat).
//
// The sequence is the one the official SDKs' `responses.stream()` helpers accumulate into a
// Response (openai-node's ResponseStream looks each delta's part up by output_index and
// content_index, so every part is announced before its first delta):
//   response.created, response.in_progress;
//   a message: response.output_item.added, response.content_part.added (output_text),
//     response.output_text.delta…, response.output_text.done, response.content_part.done,
//     response.output_item.done;
//   a function call: response.output_item.added (call_id, name, arguments ""),
//     response.function_call_arguments.delta…, response.function_call_arguments.done,
//     response.output_item.done;
//   reasoning: response.output_item.added (reasoning item, empty summary), then a reasoning_text
//     content part announced and closed like a message's (content_part.added / done) around
//     response.reasoning_text.delta… and response.reasoning_text.done, then output_item.done.
//     Reasoning signatures have no field in the Responses API and are dropped;
//   the ending: response.completed, or response.incomplete (with incomplete_details.reason) when the
//     answer was cut by the token limit or a filter, carrying the whole response with its output
//     items and usage.
// Every event is `event: <type>\ndata: <json>` with `sequence_number` counting from 0; each block
// is one output item, output_index counting from 0 in start order, content_index 0.
//
// The final response repeats every item, so the texts are kept as they stream: the one thing the
// format forces this writer to buffer. The error ending is the ResponsesStreamNormalizer's error
// event, numbered as the next event.
#pragma once

#include "streams/GenerationStreamWriter.h"

#include <boost/json/object.hpp>

#include <vector>

namespace sluice::streams {

class ResponsesEventWriter final : public GenerationStreamWriter {
 public:
  explicit ResponsesEventWriter(StreamIdentity identity);

 private:
  void write_message_start(std::string& out) override;
  void write_block_start(const Block& block, std::string& out) override;
  void write_delta(const Block& block, GenerationEvent::Kind kind, std::string_view text,
                   std::string& out) override;
  void write_block_stop(const Block& block, std::string& out) override;
  void write_success_ending(std::string& out) override;
  void write_error_ending(const GatewayError& error, std::string& out) override;

  // The response object in `status`, with the output items finished so far.
  boost::json::object response_object(std::string_view status) const;
  // The open output item as it stands (status in_progress) or finished (completed).
  boost::json::object open_item(bool finished) const;
  // The open item's content part (output_text or reasoning_text) with the text so far.
  boost::json::object open_part() const;
  // Adds `type` and the next sequence_number and writes the event.
  void write_event(std::string_view type, boost::json::object payload, std::string& out);

  std::string response_id_;
  std::int64_t sequence_number_ = 0;
  std::vector<boost::json::object> finished_items_;
  // The open block's item: which kind, its id, and everything streamed into it so far.
  GeneratedBlock::Kind open_kind_ = GeneratedBlock::Kind::kText;
  std::string open_item_id_;
  std::string open_text_;  // text, reasoning text, or the arguments' JSON text
  std::string open_call_id_;
  std::string open_name_;
};

}  // namespace sluice::streams
