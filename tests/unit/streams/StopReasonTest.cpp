#include "streams/Generation.h"

#include <gtest/gtest.h>

namespace sluice::streams {
namespace {

// --- wire words → StopReason ----------------------------------------------------------------------

TEST(StopReasonTest, ConverseNaturalEndAndToolUse) {
  EXPECT_EQ(stop_reason_from_converse("end_turn"), StopReason::kEndTurn);
  EXPECT_EQ(stop_reason_from_converse("tool_use"), StopReason::kToolUse);
}

TEST(StopReasonTest, ConverseTokenAndContextLimitsAreMaxTokens) {
  EXPECT_EQ(stop_reason_from_converse("max_tokens"), StopReason::kMaxTokens);
  EXPECT_EQ(stop_reason_from_converse("model_context_window_exceeded"), StopReason::kMaxTokens);
}

TEST(StopReasonTest, ConverseStopSequence) {
  EXPECT_EQ(stop_reason_from_converse("stop_sequence"), StopReason::kStopSequence);
}

TEST(StopReasonTest, ConverseGuardrailAndContentFilterAreContentFiltered) {
  EXPECT_EQ(stop_reason_from_converse("guardrail_intervened"), StopReason::kContentFiltered);
  EXPECT_EQ(stop_reason_from_converse("content_filtered"), StopReason::kContentFiltered);
}

TEST(StopReasonTest, ConverseUnknownOrMissingWordIsEndTurn) {
  EXPECT_EQ(stop_reason_from_converse("malformed_model_output"), StopReason::kEndTurn);
  EXPECT_EQ(stop_reason_from_converse(""), StopReason::kEndTurn);
}

TEST(StopReasonTest, AnthropicNaturalEndPauseAndToolUse) {
  EXPECT_EQ(stop_reason_from_anthropic("end_turn"), StopReason::kEndTurn);
  EXPECT_EQ(stop_reason_from_anthropic("pause_turn"), StopReason::kEndTurn);
  EXPECT_EQ(stop_reason_from_anthropic("tool_use"), StopReason::kToolUse);
}

TEST(StopReasonTest, AnthropicTokenAndContextLimitsAreMaxTokens) {
  EXPECT_EQ(stop_reason_from_anthropic("max_tokens"), StopReason::kMaxTokens);
  EXPECT_EQ(stop_reason_from_anthropic("model_context_window_exceeded"), StopReason::kMaxTokens);
}

TEST(StopReasonTest, AnthropicStopSequenceAndRefusal) {
  EXPECT_EQ(stop_reason_from_anthropic("stop_sequence"), StopReason::kStopSequence);
  EXPECT_EQ(stop_reason_from_anthropic("refusal"), StopReason::kContentFiltered);
}

TEST(StopReasonTest, AnthropicUnknownWordIsEndTurn) {
  EXPECT_EQ(stop_reason_from_anthropic("something_new"), StopReason::kEndTurn);
}

TEST(StopReasonTest, ChatStopIsEndTurn) {
  // Chat does not tell a stop sequence from a natural end; both are "stop".
  EXPECT_EQ(stop_reason_from_chat("stop"), StopReason::kEndTurn);
}

TEST(StopReasonTest, ChatLengthIsMaxTokens) {
  EXPECT_EQ(stop_reason_from_chat("length"), StopReason::kMaxTokens);
}

TEST(StopReasonTest, ChatToolCallsAndLegacyFunctionCallAreToolUse) {
  EXPECT_EQ(stop_reason_from_chat("tool_calls"), StopReason::kToolUse);
  EXPECT_EQ(stop_reason_from_chat("function_call"), StopReason::kToolUse);
}

TEST(StopReasonTest, ChatContentFilter) {
  EXPECT_EQ(stop_reason_from_chat("content_filter"), StopReason::kContentFiltered);
}

TEST(StopReasonTest, ChatUnknownOrMissingWordIsEndTurn) {
  EXPECT_EQ(stop_reason_from_chat("eos"), StopReason::kEndTurn);
  EXPECT_EQ(stop_reason_from_chat(""), StopReason::kEndTurn);
}

// --- StopReason → caller words --------------------------------------------------------------------

TEST(StopReasonTest, ChatFinishReasonForEachStopReason) {
  EXPECT_EQ(chat_finish_reason(StopReason::kEndTurn), "stop");
  EXPECT_EQ(chat_finish_reason(StopReason::kStopSequence), "stop");
  EXPECT_EQ(chat_finish_reason(StopReason::kMaxTokens), "length");
  EXPECT_EQ(chat_finish_reason(StopReason::kToolUse), "tool_calls");
  EXPECT_EQ(chat_finish_reason(StopReason::kContentFiltered), "content_filter");
}

TEST(StopReasonTest, AnthropicStopReasonForEachStopReason) {
  EXPECT_EQ(anthropic_stop_reason(StopReason::kEndTurn), "end_turn");
  EXPECT_EQ(anthropic_stop_reason(StopReason::kStopSequence), "stop_sequence");
  EXPECT_EQ(anthropic_stop_reason(StopReason::kMaxTokens), "max_tokens");
  EXPECT_EQ(anthropic_stop_reason(StopReason::kToolUse), "tool_use");
  EXPECT_EQ(anthropic_stop_reason(StopReason::kContentFiltered), "refusal");
}

TEST(StopReasonTest, ResponsesIsCompleteUnlessCutByLimitOrFilter) {
  EXPECT_FALSE(responses_is_incomplete(StopReason::kEndTurn));
  EXPECT_FALSE(responses_is_incomplete(StopReason::kStopSequence));
  EXPECT_FALSE(responses_is_incomplete(StopReason::kToolUse));
  EXPECT_TRUE(responses_is_incomplete(StopReason::kMaxTokens));
  EXPECT_TRUE(responses_is_incomplete(StopReason::kContentFiltered));
}

TEST(StopReasonTest, ResponsesIncompleteReasonNamesTheCut) {
  EXPECT_EQ(responses_incomplete_reason(StopReason::kMaxTokens), "max_output_tokens");
  EXPECT_EQ(responses_incomplete_reason(StopReason::kContentFiltered), "content_filter");
}

}  // namespace
}  // namespace sluice::streams
