// Generation: a model's answer in the gateway's own terms, independent of any wire API.
//
// When the caller's API and the route's wire API differ (a Chat Completions caller on a Bedrock
// Converse route, an Anthropic Messages caller on an OpenAI chat route, …) the answer is read from
// the wire format into these types and written out in the caller's format. Whole answers become one
// `Generation`; streamed answers become a sequence of `GenerationEvent`s handed to a
// `GenerationStreamWriter` (streams/GenerationStreamWriter.h) as they are decoded, so nothing waits
// for the whole body. Readers of a wire format never know the caller's format and writers never
// know the wire format: N readers and M writers instead of N×M translators.
#pragma once

#include "streams/TokenUsage.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::streams {

// Why the model stopped. Each wire API's own words map to and from these.
enum class StopReason {
  kEndTurn,          // natural end: OpenAI "stop", Anthropic/Converse "end_turn"
  kStopSequence,     // a caller stop sequence matched: OpenAI "stop"
  kMaxTokens,        // the output token limit: OpenAI "length", Responses incomplete/max_output_tokens
  kToolUse,          // the model called tools: OpenAI "tool_calls"
  kContentFiltered,  // a guardrail or filter cut the answer: OpenAI "content_filter"
};

// Wire words → StopReason. Unknown words map to kEndTurn (the answer is complete as far as the
// caller can tell; the word itself is not an error).
StopReason stop_reason_from_converse(std::string_view word);   // end_turn, tool_use, max_tokens,
                                                                // stop_sequence,
                                                                // guardrail_intervened,
                                                                // content_filtered,
                                                                // model_context_window_exceeded
StopReason stop_reason_from_anthropic(std::string_view word);  // end_turn, max_tokens,
                                                                // stop_sequence, tool_use,
                                                                // pause_turn, refusal
StopReason stop_reason_from_chat(std::string_view word);       // stop, length, tool_calls,
                                                                // function_call, content_filter

// StopReason → the caller's words.
std::string_view chat_finish_reason(StopReason reason);       // stop, length, tool_calls, content_filter
std::string_view anthropic_stop_reason(StopReason reason);    // end_turn, stop_sequence, max_tokens,
                                                              // tool_use, refusal
// Responses: `completed` unless the answer was cut; then `incomplete` with
// incomplete_details.reason = responses_incomplete_reason() ("max_output_tokens" / "content_filter").
bool responses_is_incomplete(StopReason reason);
std::string_view responses_incomplete_reason(StopReason reason);

// One block of a whole answer, in the order the model produced it.
struct GeneratedBlock {
  enum class Kind { kText, kReasoning, kToolCall };
  Kind kind = Kind::kText;
  std::string text;          // kText: the text; kReasoning: the reasoning text (may be empty)
  std::string signature;     // kReasoning: the provider's signature to send back next turn, or ""
  std::string tool_call_id;  // kToolCall
  std::string tool_name;     // kToolCall
  std::string arguments;     // kToolCall: the arguments as JSON text (an object), "{}" when none
};

struct Generation {
  std::string id;  // the upstream's id for the answer, "" when it gave none
  std::vector<GeneratedBlock> blocks;
  StopReason stop_reason = StopReason::kEndTurn;
  TokenUsage usage;  // usage.present == false when the upstream reported none
};

// One step of a streamed answer. Views are valid only during the call that delivers the event.
// `block` is the content block index as the upstream numbered it (Converse contentBlockIndex,
// Anthropic index; for OpenAI chat: text 0, reasoning 1, tool call i at 2 + i — any stable number
// per block works, writers only use it to tell blocks apart).
struct GenerationEvent {
  enum class Kind {
    kMessageStart,       // text = upstream message id ("" when none)
    kTextDelta,          // block, text
    kReasoningDelta,     // block, text
    kReasoningSignature, // block, text = signature (Anthropic signature_delta / Converse signature)
    kToolCallStart,      // block, tool_call_id, tool_name
    kToolCallArguments,  // block, text = a fragment of the arguments' JSON text
    kBlockStop,          // block
    kMessageStop,        // stop_reason
    kUsage,              // usage (may come before or after kMessageStop; the last one wins)
  };
  Kind kind = Kind::kMessageStart;
  std::size_t block = 0;
  std::string_view text;
  std::string_view tool_call_id;
  std::string_view tool_name;
  StopReason stop_reason = StopReason::kEndTurn;
  TokenUsage usage;
};

}  // namespace sluice::streams
