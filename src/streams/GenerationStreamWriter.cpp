#include "streams/GenerationStreamWriter.h"

#include "streams/StreamErrors.h"

namespace sluice::streams {

using Kind = GenerationEvent::Kind;
using BlockKind = GeneratedBlock::Kind;

std::string GenerationStreamWriter::answer_id(std::string_view prefix) const {
  if (!upstream_id_.empty()) return upstream_id_;
  std::string id(prefix);
  id.append(identity_.fallback_id);
  return id;
}

void GenerationStreamWriter::on_event(const GenerationEvent& event, std::string& out) {
  if (finished_) return;
  if (event.kind == Kind::kUsage) {
    if (!event.usage.present) return;
    usage_ = event.usage;  // upstreams that repeat usage send running totals; the last one wins
    ++events_forwarded_;
    if (stop_seen_) write_usage_after_stop(out);
    return;
  }
  if (stop_seen_) return;  // the answer is whole; late content has nowhere to go
  if (on_content_event(event, out)) ++events_forwarded_;
}

void GenerationStreamWriter::on_end(std::string& out) {
  if (finished_) return;
  if (!stop_seen_) {
    return fail(upstream_transport_error("upstream stream ended before the answer was complete"),
                out);
  }
  write_success_ending(out);
  finished_ = true;
}

void GenerationStreamWriter::on_failure(const GatewayError& error, std::string& out) {
  if (finished_) return;
  if (stop_seen_) return on_end(out);
  fail(error, out);
}

// Returns whether the event reached the caller's stream.
bool GenerationStreamWriter::on_content_event(const GenerationEvent& event, std::string& out) {
  switch (event.kind) {
    case Kind::kMessageStart:
      if (started_) return false;
      upstream_id_ = std::string(event.text);
      ensure_started(out);
      return true;
    case Kind::kTextDelta:
    case Kind::kReasoningDelta: {
      ensure_started(out);
      const BlockKind kind = event.kind == Kind::kTextDelta ? BlockKind::kText : BlockKind::kReasoning;
      const Block& block = block_for_delta(kind, event.block, out);
      if (!event.text.empty()) write_delta(block, event.kind, event.text, out);
      return true;
    }
    case Kind::kReasoningSignature:
      ensure_started(out);
      write_delta(block_for_delta(BlockKind::kReasoning, event.block, out), event.kind, event.text,
                  out);
      return true;
    case Kind::kToolCallStart: {
      ensure_started(out);
      close_open_block(out);
      Block block;
      block.kind = BlockKind::kToolCall;
      block.tool_index = tool_calls_started_++;
      block.tool_call_id = std::string(event.tool_call_id);
      block.tool_name = std::string(event.tool_name);
      open_block(std::move(block), event.block, out);
      return true;
    }
    case Kind::kToolCallArguments:
      if (!open_block_ || open_block_->kind != BlockKind::kToolCall ||
          open_upstream_block_ != event.block) {
        fail(upstream_transport_error(
                 "upstream sent tool call arguments outside the tool call they belong to"),
             out);
        return false;
      }
      write_delta(*open_block_, event.kind, event.text, out);
      return true;
    case Kind::kBlockStop:
      // A stop for a block already closed (or one of a kind the caller's formats cannot carry)
      // has nothing left to close.
      if (!open_block_ || open_upstream_block_ != event.block) return false;
      close_open_block(out);
      return true;
    case Kind::kMessageStop:
      ensure_started(out);
      close_open_block(out);
      stop_seen_ = true;
      stop_reason_ = event.stop_reason;
      write_message_stop(out);
      return true;
    case Kind::kUsage: return false;  // handled in on_event
  }
  return false;
}

void GenerationStreamWriter::ensure_started(std::string& out) {
  if (started_) return;
  started_ = true;
  write_message_start(out);
}

const GenerationStreamWriter::Block& GenerationStreamWriter::block_for_delta(
    BlockKind kind, std::size_t upstream_block, std::string& out) {
  if (open_block_ && open_block_->kind == kind && open_upstream_block_ == upstream_block) {
    return *open_block_;
  }
  close_open_block(out);
  Block block;
  block.kind = kind;
  open_block(std::move(block), upstream_block, out);
  return *open_block_;
}

void GenerationStreamWriter::open_block(Block block, std::size_t upstream_block, std::string& out) {
  block.index = blocks_started_++;
  open_block_ = std::move(block);
  open_upstream_block_ = upstream_block;
  write_block_start(*open_block_, out);
}

void GenerationStreamWriter::close_open_block(std::string& out) {
  if (!open_block_) return;
  write_block_stop(*open_block_, out);
  open_block_.reset();
}

void GenerationStreamWriter::fail(GatewayError error, std::string& out) {
  write_error_ending(error, out);
  error_ = std::move(error);
  finished_ = true;
}

}  // namespace sluice::streams
