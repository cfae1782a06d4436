#include "streams/GenerationReaders.h"

#include <gtest/gtest.h>

namespace sluice::streams {
namespace {

using Kind = GeneratedBlock::Kind;

// --- Converse -------------------------------------------------------------------------------------

constexpr std::string_view kConverseToolUse = R"({
  "output":{"message":{"role":"assistant","content":[
    {"reasoningContent":{"reasoningText":{"text":"The user wants weather.","signature":"sig-1"}}},
    {"text":"Let me check."},
    {"toolUse":{"toolUseId":"tooluse_abc","name":"get_weather","input":{"city":"Paris"}}}
  ]}},
  "stopReason":"tool_use",
  "usage":{"inputTokens":20,"outputTokens":35,"totalTokens":1255,
           "cacheReadInputTokens":1000,"cacheWriteInputTokens":200},
  "metrics":{"latencyMs":812}
})";

TEST(GenerationReadersTest, ConverseReadsReasoningTextAndToolUseInOrder) {
  const auto generation = read_converse_answer(kConverseToolUse);
  ASSERT_TRUE(generation.ok());
  ASSERT_EQ(generation->blocks.size(), 3U);
  EXPECT_EQ(generation->blocks[0].kind, Kind::kReasoning);
  EXPECT_EQ(generation->blocks[0].text, "The user wants weather.");
  EXPECT_EQ(generation->blocks[0].signature, "sig-1");
  EXPECT_EQ(generation->blocks[1].kind, Kind::kText);
  EXPECT_EQ(generation->blocks[1].text, "Let me check.");
  EXPECT_EQ(generation->blocks[2].kind, Kind::kToolCall);
  EXPECT_EQ(generation->blocks[2].tool_call_id, "tooluse_abc");
  EXPECT_EQ(generation->blocks[2].tool_name, "get_weather");
  EXPECT_EQ(generation->blocks[2].arguments, R"({"city":"Paris"})");
}

TEST(GenerationReadersTest, ConverseReadsStopReasonAndUsageWithCache) {
  const auto generation = read_converse_answer(kConverseToolUse);
  ASSERT_TRUE(generation.ok());
  EXPECT_EQ(generation->stop_reason, StopReason::kToolUse);
  EXPECT_TRUE(generation->usage.present);
  EXPECT_EQ(generation->usage.input, 1220);
  EXPECT_EQ(generation->usage.cached_input, 1000);
  EXPECT_EQ(generation->usage.cache_write_input, 200);
  EXPECT_EQ(generation->usage.output, 35);
  EXPECT_TRUE(generation->id.empty());
}

TEST(GenerationReadersTest, ConverseToolUseWithoutInputHasEmptyObjectArguments) {
  const auto generation = read_converse_answer(R"({"output":{"message":{"role":"assistant",
      "content":[{"toolUse":{"toolUseId":"t1","name":"now"}}]}},"stopReason":"tool_use"})");
  ASSERT_TRUE(generation.ok());
  ASSERT_EQ(generation->blocks.size(), 1U);
  EXPECT_EQ(generation->blocks[0].arguments, "{}");
}

TEST(GenerationReadersTest, ConverseSkipsRedactedReasoningServerToolsAndOtherBlocks) {
  const auto generation = read_converse_answer(R"({"output":{"message":{"role":"assistant","content":[
      {"reasoningContent":{"redactedContent":"b3BhcXVl"}},
      {"toolUse":{"toolUseId":"s1","name":"web_search","input":{},"type":"server_tool_use"}},
      {"image":{"format":"png","source":{"bytes":"AAAA"}}},
      {"text":"Done."}]}},"stopReason":"end_turn"})");
  ASSERT_TRUE(generation.ok());
  ASSERT_EQ(generation->blocks.size(), 1U);
  EXPECT_EQ(generation->blocks[0].text, "Done.");
}

TEST(GenerationReadersTest, ConverseWithoutUsageHasUsageNotPresent) {
  const auto generation = read_converse_answer(
      R"({"output":{"message":{"role":"assistant","content":[{"text":"Hi"}]}},"stopReason":"max_tokens"})");
  ASSERT_TRUE(generation.ok());
  EXPECT_FALSE(generation->usage.present);
  EXPECT_EQ(generation->stop_reason, StopReason::kMaxTokens);
}

TEST(GenerationReadersTest, ConverseWithoutMessageContentIsUpstreamTransportError) {
  const auto generation = read_converse_answer(R"({"output":{},"stopReason":"end_turn"})");
  ASSERT_FALSE(generation.ok());
  EXPECT_EQ(generation.error().status, 502);
  EXPECT_EQ(generation.error().type, "upstream_error");
  EXPECT_EQ(generation.error().code, "upstream_transport");
  EXPECT_NE(generation.error().message.find("output.message.content"), std::string::npos);
}

// --- Anthropic ------------------------------------------------------------------------------------

constexpr std::string_view kAnthropicToolUse = R"({
  "id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant",
  "model":"claude-sonnet-4-5-20250929",
  "content":[
    {"type":"thinking","thinking":"Need the weather tool.","signature":"EqQBCgIYAh..."},
    {"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix..."},
    {"type":"text","text":"Checking Paris."},
    {"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather",
     "input":{"city":"Paris","unit":"c"}}
  ],
  "stop_reason":"tool_use","stop_sequence":null,
  "usage":{"input_tokens":12,"output_tokens":48,"cache_read_input_tokens":300,
           "cache_creation_input_tokens":40}
})";

TEST(GenerationReadersTest, AnthropicReadsThinkingTextAndToolUseSkippingRedactedThinking) {
  const auto generation = read_anthropic_answer(kAnthropicToolUse);
  ASSERT_TRUE(generation.ok());
  ASSERT_EQ(generation->blocks.size(), 3U);
  EXPECT_EQ(generation->blocks[0].kind, Kind::kReasoning);
  EXPECT_EQ(generation->blocks[0].text, "Need the weather tool.");
  EXPECT_EQ(generation->blocks[0].signature, "EqQBCgIYAh...");
  EXPECT_EQ(generation->blocks[1].kind, Kind::kText);
  EXPECT_EQ(generation->blocks[1].text, "Checking Paris.");
  EXPECT_EQ(generation->blocks[2].kind, Kind::kToolCall);
  EXPECT_EQ(generation->blocks[2].tool_call_id, "toolu_01A09q90qw90lq917835lq9");
  EXPECT_EQ(generation->blocks[2].tool_name, "get_weather");
  EXPECT_EQ(generation->blocks[2].arguments, R"({"city":"Paris","unit":"c"})");
}

TEST(GenerationReadersTest, AnthropicReadsIdStopReasonAndUsageWithCache) {
  const auto generation = read_anthropic_answer(kAnthropicToolUse);
  ASSERT_TRUE(generation.ok());
  EXPECT_EQ(generation->id, "msg_01XFDUDYJgAACzvnptvVoYEL");
  EXPECT_EQ(generation->stop_reason, StopReason::kToolUse);
  EXPECT_TRUE(generation->usage.present);
  EXPECT_EQ(generation->usage.input, 352);
  EXPECT_EQ(generation->usage.cached_input, 300);
  EXPECT_EQ(generation->usage.cache_write_input, 40);
  EXPECT_EQ(generation->usage.output, 48);
}

TEST(GenerationReadersTest, AnthropicWithoutUsageHasUsageNotPresent) {
  const auto generation = read_anthropic_answer(
      R"({"id":"msg_1","type":"message","content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn"})");
  ASSERT_TRUE(generation.ok());
  EXPECT_FALSE(generation->usage.present);
  EXPECT_EQ(generation->stop_reason, StopReason::kEndTurn);
}

TEST(GenerationReadersTest, AnthropicErrorBodyIsUpstreamTransportError) {
  const auto generation = read_anthropic_answer(
      R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  ASSERT_FALSE(generation.ok());
  EXPECT_EQ(generation.error().code, "upstream_transport");
}

// --- Chat -----------------------------------------------------------------------------------------

constexpr std::string_view kChatToolCalls = R"({
  "id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,
  "model":"gpt-4.1-2025-04-14",
  "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,
    "reasoning_content":"Two cities, two calls.",
    "tool_calls":[
      {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
      {"id":"call_2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]},
    "logprobs":null,"finish_reason":"tool_calls"}],
  "usage":{"prompt_tokens":82,"completion_tokens":17,"total_tokens":99,
    "prompt_tokens_details":{"cached_tokens":64},"completion_tokens_details":{"reasoning_tokens":5}}
})";

TEST(GenerationReadersTest, ChatReadsReasoningFirstThenToolCalls) {
  const auto generation = read_chat_answer(kChatToolCalls);
  ASSERT_TRUE(generation.ok());
  ASSERT_EQ(generation->blocks.size(), 3U);
  EXPECT_EQ(generation->blocks[0].kind, Kind::kReasoning);
  EXPECT_EQ(generation->blocks[0].text, "Two cities, two calls.");
  EXPECT_EQ(generation->blocks[1].kind, Kind::kToolCall);
  EXPECT_EQ(generation->blocks[1].tool_call_id, "call_1");
  EXPECT_EQ(generation->blocks[1].tool_name, "get_weather");
  EXPECT_EQ(generation->blocks[1].arguments, R"({"city":"Paris"})");
  EXPECT_EQ(generation->blocks[2].tool_call_id, "call_2");
}

TEST(GenerationReadersTest, ChatReadsIdFinishReasonAndUsage) {
  const auto generation = read_chat_answer(kChatToolCalls);
  ASSERT_TRUE(generation.ok());
  EXPECT_EQ(generation->id, "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
  EXPECT_EQ(generation->stop_reason, StopReason::kToolUse);
  EXPECT_TRUE(generation->usage.present);
  EXPECT_EQ(generation->usage.input, 82);
  EXPECT_EQ(generation->usage.cached_input, 64);
  EXPECT_EQ(generation->usage.reasoning, 5);
}

TEST(GenerationReadersTest, ChatReadsReasoningUnderItsOtherNameAndText) {
  const auto generation = read_chat_answer(R"({"id":"gen-1","choices":[{"index":0,
      "message":{"role":"assistant","content":"42","reasoning":"Six times seven."},
      "finish_reason":"stop"}]})");
  ASSERT_TRUE(generation.ok());
  ASSERT_EQ(generation->blocks.size(), 2U);
  EXPECT_EQ(generation->blocks[0].kind, Kind::kReasoning);
  EXPECT_EQ(generation->blocks[0].text, "Six times seven.");
  EXPECT_EQ(generation->blocks[1].kind, Kind::kText);
  EXPECT_EQ(generation->blocks[1].text, "42");
  EXPECT_FALSE(generation->usage.present);
}

TEST(GenerationReadersTest, ChatReadsUsageFromTheChoiceWhenTheTopLevelHasNone) {
  const auto generation = read_chat_answer(R"({"id":"c","choices":[{"index":0,
      "message":{"role":"assistant","content":"ok"},"finish_reason":"length",
      "usage":{"prompt_tokens":4,"completion_tokens":2,"total_tokens":6}}]})");
  ASSERT_TRUE(generation.ok());
  EXPECT_TRUE(generation->usage.present);
  EXPECT_EQ(generation->usage.total, 6);
  EXPECT_EQ(generation->stop_reason, StopReason::kMaxTokens);
}

TEST(GenerationReadersTest, ChatToolCallWithEmptyArgumentsHasEmptyObjectArguments) {
  const auto generation = read_chat_answer(R"({"choices":[{"message":{"role":"assistant",
      "tool_calls":[{"id":"call_1","type":"function","function":{"name":"now","arguments":""}}]},
      "finish_reason":"tool_calls"}]})");
  ASSERT_TRUE(generation.ok());
  ASSERT_EQ(generation->blocks.size(), 1U);
  EXPECT_EQ(generation->blocks[0].arguments, "{}");
}

TEST(GenerationReadersTest, ChatRefusalTravelsAsText) {
  const auto generation = read_chat_answer(R"({"choices":[{"message":{"role":"assistant",
      "content":null,"refusal":"I can't help with that."},"finish_reason":"stop"}]})");
  ASSERT_TRUE(generation.ok());
  ASSERT_EQ(generation->blocks.size(), 1U);
  EXPECT_EQ(generation->blocks[0].kind, Kind::kText);
  EXPECT_EQ(generation->blocks[0].text, "I can't help with that.");
}

TEST(GenerationReadersTest, ChatWithoutChoicesIsUpstreamTransportError) {
  const auto generation = read_chat_answer(R"({"id":"c","object":"chat.completion","choices":[]})");
  ASSERT_FALSE(generation.ok());
  EXPECT_EQ(generation.error().status, 502);
  EXPECT_EQ(generation.error().code, "upstream_transport");
}

TEST(GenerationReadersTest, BodyThatIsNotJsonIsUpstreamTransportError) {
  for (const auto& generation : {read_converse_answer("<html>502 Bad Gateway</html>"),
                                 read_anthropic_answer(R"({"content":[)"),
                                 read_chat_answer("[1,2,3]")}) {
    ASSERT_FALSE(generation.ok());
    EXPECT_EQ(generation.error().status, 502);
    EXPECT_EQ(generation.error().type, "upstream_error");
    EXPECT_EQ(generation.error().code, "upstream_transport");
  }
}

}  // namespace
}  // namespace sluice::streams
