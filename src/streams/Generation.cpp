#include "streams/Generation.h"

namespace sluice::streams {

StopReason stop_reason_from_converse(std::string_view word) {
  if (word == "tool_use") return StopReason::kToolUse;
  if (word == "max_tokens" || word == "model_context_window_exceeded") return StopReason::kMaxTokens;
  if (word == "stop_sequence") return StopReason::kStopSequence;
  if (word == "guardrail_intervened" || word == "content_filtered") {
    return StopReason::kContentFiltered;
  }
  return StopReason::kEndTurn;
}

StopReason stop_reason_from_anthropic(std::string_view word) {
  if (word == "tool_use") return StopReason::kToolUse;
  if (word == "max_tokens" || word == "model_context_window_exceeded") return StopReason::kMaxTokens;
  if (word == "stop_sequence") return StopReason::kStopSequence;
  if (word == "refusal") return StopReason::kContentFiltered;
  return StopReason::kEndTurn;  // end_turn, pause_turn
}

StopReason stop_reason_from_chat(std::string_view word) {
  if (word == "length") return StopReason::kMaxTokens;
  if (word == "tool_calls" || word == "function_call") return StopReason::kToolUse;
  if (word == "content_filter") return StopReason::kContentFiltered;
  return StopReason::kEndTurn;
}

std::string_view chat_finish_reason(StopReason reason) {
  switch (reason) {
    case StopReason::kEndTurn:
    case StopReason::kStopSequence: return "stop";
    case StopReason::kMaxTokens: return "length";
    case StopReason::kToolUse: return "tool_calls";
    case StopReason::kContentFiltered: return "content_filter";
  }
  return "stop";
}

std::string_view anthropic_stop_reason(StopReason reason) {
  switch (reason) {
    case StopReason::kEndTurn: return "end_turn";
    case StopReason::kStopSequence: return "stop_sequence";
    case StopReason::kMaxTokens: return "max_tokens";
    case StopReason::kToolUse: return "tool_use";
    case StopReason::kContentFiltered: return "refusal";
  }
  return "end_turn";
}

bool responses_is_incomplete(StopReason reason) {
  return reason == StopReason::kMaxTokens || reason == StopReason::kContentFiltered;
}

std::string_view responses_incomplete_reason(StopReason reason) {
  return reason == StopReason::kContentFiltered ? "content_filter" : "max_output_tokens";
}

}  // namespace sluice::streams
