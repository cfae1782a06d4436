// AnthropicEventWriter: a streamed answer written as Anthropic Messages events, for a /v1/messages
// caller whose route speaks another wire API (Bedrock Converse, OpenAI chat).
//
// The sequence is the one the Anthropic SDKs accumulate: message_start (with the input tokens when
// the upstream reported them before its first content, else 0), then per block content_block_start
// / content_block_delta (text_delta, thinking_delta, signature_delta, input_json_delta) /
// content_block_stop with indices counted from 0 in the order blocks start, whatever the upstream
// numbered them; then, at the end, when both the stop reason and any late usage are known,
// message_delta (stop_reason and the full usage) and message_stop. No pings: the caller's
// connection is kept busy by the upstream's own pace.
//
// Anthropic counts cache reads and writes apart from input_tokens, so the usage written is
// input_tokens = input − cached_input − cache_write_input with the two cache counts beside it.
//
// The error ending is `event: error` with {"type":"error","error":{"type","code","message"}}: the
// gateway's Anthropic error shape (api.md §3), which the Anthropic SDKs raise as an APIError.
#pragma once

#include "streams/GenerationStreamWriter.h"

namespace sluice::streams {

class AnthropicEventWriter final : public GenerationStreamWriter {
 public:
  explicit AnthropicEventWriter(StreamIdentity identity);

 private:
  void write_message_start(std::string& out) override;
  void write_block_start(const Block& block, std::string& out) override;
  void write_delta(const Block& block, GenerationEvent::Kind kind, std::string_view text,
                   std::string& out) override;
  void write_block_stop(const Block& block, std::string& out) override;
  void write_success_ending(std::string& out) override;
  void write_error_ending(const GatewayError& error, std::string& out) override;
};

// The error event an Anthropic Messages stream ends with, described above.
void append_anthropic_error_event(std::string& out, const GatewayError& error);

}  // namespace sluice::streams
