// ChatChunkWriter: a streamed answer written as OpenAI Chat Completions chunks, for a Chat
// Completions caller whose route speaks another wire API (Bedrock Converse, Anthropic Messages).
//
// Every chunk is `data: {"id","object":"chat.completion.chunk","created","model","choices":[…]}`:
//   * the first carries delta {"role":"assistant","content":""};
//   * text deltas carry {"content"};
//   * reasoning deltas carry both {"reasoning_content"} (what LiteLLM, DeepSeek and vLLM write and
//     OpenAI SDK users read as an extra field) and {"reasoning"} (OpenRouter's name), the same pair
//     the ChatStreamNormalizer gives a Chat caller on a Chat route (api.md §7). Reasoning
//     signatures have no place in a chunk and are dropped;
//   * a tool call start carries {"tool_calls":[{"index":i,"id","type":"function",
//     "function":{"name","arguments":""}}]} with i counting tool calls from 0 in start order, and
//     each argument fragment {"tool_calls":[{"index":i,"function":{"arguments"}}]};
//   * the stop is a chunk with an empty delta and its finish_reason;
//   * usage is a usage-only chunk {"choices":[],"usage":{…}}, written when it arrives after the
//     stop, or at the end when it came before; then `data: [DONE]`.
// The error ending is the ChatStreamNormalizer's error chunk, with no [DONE].
#pragma once

#include "streams/GenerationStreamWriter.h"

#include <boost/json/object.hpp>

namespace sluice::streams {

class ChatChunkWriter final : public GenerationStreamWriter {
 public:
  explicit ChatChunkWriter(StreamIdentity identity);

 private:
  void write_message_start(std::string& out) override;
  void write_block_start(const Block& block, std::string& out) override;
  void write_delta(const Block& block, GenerationEvent::Kind kind, std::string_view text,
                   std::string& out) override;
  void write_block_stop(const Block& block, std::string& out) override;
  void write_message_stop(std::string& out) override;
  void write_usage_after_stop(std::string& out) override;
  void write_success_ending(std::string& out) override;
  void write_error_ending(const GatewayError& error, std::string& out) override;

  // A chunk with one choice carrying `delta` and `finish_reason` (null when empty).
  void write_choice_chunk(boost::json::object delta, std::string_view finish_reason,
                          std::string& out);
  void write_usage_chunk(std::string& out);
  boost::json::object chunk_envelope() const;

  std::string id_;  // fixed at the message start
  bool usage_written_ = false;
};

}  // namespace sluice::streams
