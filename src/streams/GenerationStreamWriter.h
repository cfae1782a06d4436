// GenerationStreamWriter: writes a streamed answer, handed over as neutral GenerationEvents, in the
// caller's SSE format (Chat Completions chunks, Responses events, Anthropic Messages events).
//
// A wire-side reader (ConverseStreamReader, AnthropicStreamReader, ChatStreamReader) decodes each
// upstream frame into GenerationEvents and calls on_event(); the stream handler then reports how
// the upstream body ended with on_end() or on_failure(). Every call appends what the caller should
// receive to `out`, which may stay empty. A writer never does I/O and never throws for anything an
// upstream sends.
//
// This base class holds what every format shares, so each concrete writer only spells its own
// frames:
//   * the message start is written once, before anything else (synthesized when the upstream's
//     first event is not kMessageStart; a kUsage alone writes nothing, so a reader may report the
//     input usage before the start and the start can carry it);
//   * content blocks reach the caller one at a time, in the order they start, numbered from 0. A
//     block starts with its first delta or kToolCallStart, and starting a block closes the open
//     one when the upstream did not (OpenAI chat never sends block stops; Converse sends no start
//     for text). An empty text or reasoning delta starts its block without writing a delta, so a
//     block the upstream opened and left empty still reaches the caller. A text or reasoning
//     delta for a block that was already closed opens a new block; argument fragments for a tool
//     call that is no longer open cannot be placed in any caller format and fail the stream;
//   * after kMessageStop content events are ignored; usage may still come (Converse sends its
//     metadata after messageStop);
//   * exactly one ending: the success ending when the upstream ended after kMessageStop, else one
//     error frame. A failure after kMessageStop still ends in success: the answer is whole, only a
//     late usage report can be lost, and failing now would make the caller retry (and pay for) a
//     complete answer — the same rule the ChatStreamNormalizer follows.
#pragma once

#include "core/GatewayError.h"
#include "streams/Generation.h"
#include "streams/TokenUsage.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace sluice::streams {

// Who the answer is from, as the caller sees it.
struct StreamIdentity {
  std::string model;                     // the gateway model id the caller asked for
  std::int64_t created_unix_seconds = 0;
  std::string fallback_id;               // the gateway request id; with the format's prefix it
                                         // names the answer when the upstream gave no id
};

class GenerationStreamWriter {
 public:
  virtual ~GenerationStreamWriter() = default;
  GenerationStreamWriter(const GenerationStreamWriter&) = delete;
  GenerationStreamWriter& operator=(const GenerationStreamWriter&) = delete;

  void on_event(const GenerationEvent& event, std::string& out);
  // The upstream body ended cleanly: the success ending if a kMessageStop was seen, else the error
  // ending (upstream_transport, "upstream stream ended before the answer was complete").
  void on_end(std::string& out);
  // An in-stream error from the upstream or a transport break: one error ending, nothing after
  // (unless the answer was already whole; see above).
  void on_failure(const GatewayError& error, std::string& out);

  // Nothing more will be written; the handler can stop reading the upstream.
  bool finished() const { return finished_; }
  bool failed() const { return error_.has_value(); }
  const std::optional<GatewayError>& error() const { return error_; }
  // The last usage the upstream reported; present == false until it reports one.
  const TokenUsage& usage() const { return usage_; }
  bool stop_seen() const { return stop_seen_; }
  // Neutral events that reached the caller's stream (ignored ones and synthesized endings are not
  // counted).
  std::size_t events_forwarded() const { return events_forwarded_; }

 protected:
  explicit GenerationStreamWriter(StreamIdentity identity) : identity_(std::move(identity)) {}

  // One content block as the caller sees it.
  struct Block {
    GeneratedBlock::Kind kind = GeneratedBlock::Kind::kText;
    std::size_t index = 0;       // position among all blocks, from 0 in start order
    std::size_t tool_index = 0;  // kToolCall: position among tool calls, from 0
    std::string tool_call_id;    // kToolCall
    std::string tool_name;       // kToolCall
  };

  const StreamIdentity& identity() const { return identity_; }
  // The upstream's id for the answer; "" when it gave none (or has not yet).
  const std::string& upstream_id() const { return upstream_id_; }
  // `upstream_id()`, or `prefix` + the fallback id when the upstream gave none.
  std::string answer_id(std::string_view prefix) const;
  StopReason stop_reason() const { return stop_reason_; }

  // The concrete format's frames. Deltas: kTextDelta, kReasoningDelta, kReasoningSignature,
  // kToolCallArguments, always for the open block.
  virtual void write_message_start(std::string& out) = 0;
  virtual void write_block_start(const Block& block, std::string& out) = 0;
  virtual void write_delta(const Block& block, GenerationEvent::Kind kind, std::string_view text,
                           std::string& out) = 0;
  virtual void write_block_stop(const Block& block, std::string& out) = 0;
  // At kMessageStop, after the open block is closed.
  virtual void write_message_stop(std::string& /*out*/) {}
  // At a kUsage that comes after kMessageStop.
  virtual void write_usage_after_stop(std::string& /*out*/) {}
  virtual void write_success_ending(std::string& out) = 0;
  virtual void write_error_ending(const GatewayError& error, std::string& out) = 0;

 private:
  bool on_content_event(const GenerationEvent& event, std::string& out);
  void ensure_started(std::string& out);
  // The open block for a text or reasoning delta to upstream block `upstream_block`, opened (and
  // the previous one closed) when needed.
  const Block& block_for_delta(GeneratedBlock::Kind kind, std::size_t upstream_block,
                               std::string& out);
  void open_block(Block block, std::size_t upstream_block, std::string& out);
  void close_open_block(std::string& out);
  void fail(GatewayError error, std::string& out);

  StreamIdentity identity_;
  std::string upstream_id_;
  bool started_ = false;
  std::optional<Block> open_block_;
  std::size_t open_upstream_block_ = 0;
  std::size_t blocks_started_ = 0;
  std::size_t tool_calls_started_ = 0;
  bool stop_seen_ = false;
  StopReason stop_reason_ = StopReason::kEndTurn;
  bool finished_ = false;
  std::optional<GatewayError> error_;
  TokenUsage usage_;
  std::size_t events_forwarded_ = 0;
};

std::unique_ptr<GenerationStreamWriter> make_chat_chunk_writer(StreamIdentity identity);
std::unique_ptr<GenerationStreamWriter> make_responses_event_writer(StreamIdentity identity);
std::unique_ptr<GenerationStreamWriter> make_anthropic_event_writer(StreamIdentity identity);

}  // namespace sluice::streams
