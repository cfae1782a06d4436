#include "streams/GenerationWriters.h"

#include "streams/GenerationReaders.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include <string>

namespace sluice::streams {
namespace {

namespace json = boost::json;
using Kind = GeneratedBlock::Kind;

constexpr AnswerIdentity kIdentity{"team-claude", 1750000000, "req-42"};

GeneratedBlock text(std::string value) {
  GeneratedBlock block;
  block.kind = Kind::kText;
  block.text = std::move(value);
  return block;
}

GeneratedBlock reasoning(std::string value, std::string signature = "") {
  GeneratedBlock block;
  block.kind = Kind::kReasoning;
  block.text = std::move(value);
  block.signature = std::move(signature);
  return block;
}

GeneratedBlock tool_call(std::string id, std::string name, std::string arguments) {
  GeneratedBlock block;
  block.kind = Kind::kToolCall;
  block.tool_call_id = std::move(id);
  block.tool_name = std::move(name);
  block.arguments = std::move(arguments);
  return block;
}

TokenUsage usage_with_cache() {
  TokenUsage usage;
  usage.present = true;
  usage.input = 1220;
  usage.cached_input = 1000;
  usage.cache_write_input = 200;
  usage.output = 35;
  usage.reasoning = 10;
  usage.total = 1255;
  return usage;
}

json::value parsed(const std::string& body) { return json::parse(body); }

const json::object& chat_message(const json::value& answer) {
  return answer.at("choices").at(0).at("message").as_object();
}

// --- Chat -----------------------------------------------------------------------------------------

TEST(GenerationWritersTest, ChatAnswerCarriesIdentityAndJoinedText) {
  Generation generation;
  generation.id = "msg_upstream";
  generation.blocks = {text("Hello, "), text("world.")};
  const auto answer = parsed(write_chat_answer(generation, kIdentity));
  EXPECT_EQ(answer.at("id"), "msg_upstream");
  EXPECT_EQ(answer.at("object"), "chat.completion");
  EXPECT_EQ(answer.at("created"), 1750000000);
  EXPECT_EQ(answer.at("model"), "team-claude");
  EXPECT_EQ(answer.at("choices").at(0).at("index"), 0);
  EXPECT_EQ(chat_message(answer).at("role"), "assistant");
  EXPECT_EQ(chat_message(answer).at("content"), "Hello, world.");
  EXPECT_TRUE(chat_message(answer).at("refusal").is_null());
  EXPECT_FALSE(chat_message(answer).contains("tool_calls"));
  EXPECT_EQ(answer.at("choices").at(0).at("finish_reason"), "stop");
}

TEST(GenerationWritersTest, ChatAnswerWithoutUpstreamIdUsesPrefixedRequestId) {
  const auto answer = parsed(write_chat_answer(Generation{}, kIdentity));
  EXPECT_EQ(answer.at("id"), "chatcmpl-req-42");
}

TEST(GenerationWritersTest, ChatAnswerWithOnlyToolCallsHasNullContent) {
  Generation generation;
  generation.blocks = {tool_call("tooluse_1", "get_weather", R"({"city":"Paris"})")};
  generation.stop_reason = StopReason::kToolUse;
  const auto answer = parsed(write_chat_answer(generation, kIdentity));
  const auto& message = chat_message(answer);
  EXPECT_TRUE(message.at("content").is_null());
  const auto& call = message.at("tool_calls").at(0);
  EXPECT_EQ(call.at("id"), "tooluse_1");
  EXPECT_EQ(call.at("type"), "function");
  EXPECT_EQ(call.at("function").at("name"), "get_weather");
  EXPECT_EQ(call.at("function").at("arguments"), R"({"city":"Paris"})");
  EXPECT_EQ(answer.at("choices").at(0).at("finish_reason"), "tool_calls");
}

TEST(GenerationWritersTest, ChatAnswerWithNothingHasEmptyStringContent) {
  const auto answer = parsed(write_chat_answer(Generation{}, kIdentity));
  EXPECT_EQ(chat_message(answer).at("content"), "");
}

TEST(GenerationWritersTest, ChatAnswerWritesReasoningUnderBothNames) {
  Generation generation;
  generation.blocks = {reasoning("Think", "sig"), reasoning(" more."), text("42")};
  const auto answer = parsed(write_chat_answer(generation, kIdentity));
  EXPECT_EQ(chat_message(answer).at("reasoning_content"), "Think more.");
  EXPECT_EQ(chat_message(answer).at("reasoning"), "Think more.");
  EXPECT_EQ(chat_message(answer).at("content"), "42");
}

TEST(GenerationWritersTest, ChatAnswerCutByMaxTokensFinishesWithLength) {
  Generation generation;
  generation.blocks = {text("Once upon")};
  generation.stop_reason = StopReason::kMaxTokens;
  const auto answer = parsed(write_chat_answer(generation, kIdentity));
  EXPECT_EQ(answer.at("choices").at(0).at("finish_reason"), "length");
}

TEST(GenerationWritersTest, ChatAnswerWritesUsageWithCachedAndReasoningTokens) {
  Generation generation;
  generation.usage = usage_with_cache();
  const auto usage = parsed(write_chat_answer(generation, kIdentity)).at("usage");
  EXPECT_EQ(usage.at("prompt_tokens"), 1220);
  EXPECT_EQ(usage.at("completion_tokens"), 35);
  EXPECT_EQ(usage.at("total_tokens"), 1255);
  EXPECT_EQ(usage.at("prompt_tokens_details").at("cached_tokens"), 1000);
  EXPECT_EQ(usage.at("prompt_tokens_details").at("cache_write_tokens"), 200);
  EXPECT_EQ(usage.at("completion_tokens_details").at("reasoning_tokens"), 10);
}

TEST(GenerationWritersTest, ChatAnswerWithoutUsageHasNoUsageMember) {
  const auto answer = parsed(write_chat_answer(Generation{}, kIdentity));
  EXPECT_FALSE(answer.as_object().contains("usage"));
}

// --- Responses ------------------------------------------------------------------------------------

TEST(GenerationWritersTest, ResponsesAnswerHasTheMembersTheSdkRequires) {
  const auto answer = parsed(write_responses_answer(Generation{}, kIdentity)).as_object();
  for (const char* member : {"id", "object", "created_at", "error", "incomplete_details",
                             "instructions", "model", "tools", "output", "parallel_tool_calls",
                             "metadata", "tool_choice", "temperature", "top_p"}) {
    EXPECT_TRUE(answer.contains(member)) << member;
  }
  EXPECT_EQ(answer.at("id"), "resp_req-42");
  EXPECT_EQ(answer.at("object"), "response");
  EXPECT_EQ(answer.at("created_at"), 1750000000);
  EXPECT_EQ(answer.at("model"), "team-claude");
  EXPECT_EQ(answer.at("status"), "completed");
  EXPECT_TRUE(answer.at("incomplete_details").is_null());
  EXPECT_TRUE(answer.at("error").is_null());
}

TEST(GenerationWritersTest, ResponsesAnswerWritesItemsInBlockOrderWithDerivedIds) {
  Generation generation;
  generation.id = "resp_abc";
  generation.blocks = {reasoning("Plan.", "sig-9"), text("Checking."),
                       tool_call("call_7", "get_weather", R"({"city":"Rome"})")};
  const auto output = parsed(write_responses_answer(generation, kIdentity)).at("output");
  ASSERT_EQ(output.as_array().size(), 3U);

  const auto& thought = output.at(0);
  EXPECT_EQ(thought.at("type"), "reasoning");
  EXPECT_EQ(thought.at("id"), "rs_abc_0");
  EXPECT_TRUE(thought.at("summary").as_array().empty());
  EXPECT_EQ(thought.at("content").at(0).at("type"), "reasoning_text");
  EXPECT_EQ(thought.at("content").at(0).at("text"), "Plan.");
  EXPECT_EQ(thought.at("encrypted_content"), "sig-9");

  const auto& message = output.at(1);
  EXPECT_EQ(message.at("type"), "message");
  EXPECT_EQ(message.at("id"), "msg_abc_1");
  EXPECT_EQ(message.at("status"), "completed");
  EXPECT_EQ(message.at("role"), "assistant");
  EXPECT_EQ(message.at("content").at(0).at("type"), "output_text");
  EXPECT_EQ(message.at("content").at(0).at("text"), "Checking.");
  EXPECT_TRUE(message.at("content").at(0).at("annotations").as_array().empty());

  const auto& call = output.at(2);
  EXPECT_EQ(call.at("type"), "function_call");
  EXPECT_EQ(call.at("id"), "fc_abc_2");
  EXPECT_EQ(call.at("call_id"), "call_7");
  EXPECT_EQ(call.at("name"), "get_weather");
  EXPECT_EQ(call.at("arguments"), R"({"city":"Rome"})");
  EXPECT_EQ(call.at("status"), "completed");
}

TEST(GenerationWritersTest, ResponsesAnswerPutsConsecutiveTextInOneMessage) {
  Generation generation;
  generation.blocks = {text("One. "), text("Two.")};
  const auto output = parsed(write_responses_answer(generation, kIdentity)).at("output");
  ASSERT_EQ(output.as_array().size(), 1U);
  ASSERT_EQ(output.at(0).at("content").as_array().size(), 2U);
  EXPECT_EQ(output.at(0).at("content").at(1).at("text"), "Two.");
}

TEST(GenerationWritersTest, ResponsesAnswerCutByMaxTokensIsIncomplete) {
  Generation generation;
  generation.blocks = {text("Once upon")};
  generation.stop_reason = StopReason::kMaxTokens;
  const auto answer = parsed(write_responses_answer(generation, kIdentity));
  EXPECT_EQ(answer.at("status"), "incomplete");
  EXPECT_EQ(answer.at("incomplete_details").at("reason"), "max_output_tokens");
  EXPECT_EQ(answer.at("output").at(0).at("status"), "incomplete");
}

TEST(GenerationWritersTest, ResponsesAnswerWritesUsageWithCachedAndReasoningTokens) {
  Generation generation;
  generation.usage = usage_with_cache();
  const auto usage = parsed(write_responses_answer(generation, kIdentity)).at("usage");
  EXPECT_EQ(usage.at("input_tokens"), 1220);
  EXPECT_EQ(usage.at("input_tokens_details").at("cached_tokens"), 1000);
  EXPECT_EQ(usage.at("output_tokens"), 35);
  EXPECT_EQ(usage.at("output_tokens_details").at("reasoning_tokens"), 10);
  EXPECT_EQ(usage.at("total_tokens"), 1255);
}

TEST(GenerationWritersTest, ResponsesAnswerWithoutUsageHasNoUsageMember) {
  const auto answer = parsed(write_responses_answer(Generation{}, kIdentity));
  EXPECT_FALSE(answer.as_object().contains("usage"));
}

// --- Anthropic ------------------------------------------------------------------------------------

TEST(GenerationWritersTest, AnthropicAnswerWritesThinkingTextAndToolUseBlocks) {
  Generation generation;
  generation.blocks = {reasoning("Plan.", "sig-9"), text("Checking."),
                       tool_call("call_7", "get_weather", R"({"city":"Rome"})")};
  generation.stop_reason = StopReason::kToolUse;
  const auto answer = parsed(write_anthropic_answer(generation, kIdentity));
  EXPECT_EQ(answer.at("id"), "msg_req-42");
  EXPECT_EQ(answer.at("type"), "message");
  EXPECT_EQ(answer.at("role"), "assistant");
  EXPECT_EQ(answer.at("model"), "team-claude");
  EXPECT_EQ(answer.at("stop_reason"), "tool_use");
  EXPECT_TRUE(answer.at("stop_sequence").is_null());
  const auto& content = answer.at("content");
  EXPECT_EQ(content.at(0), json::parse(R"({"type":"thinking","thinking":"Plan.","signature":"sig-9"})"));
  EXPECT_EQ(content.at(1), json::parse(R"({"type":"text","text":"Checking."})"));
  EXPECT_EQ(content.at(2), json::parse(
      R"({"type":"tool_use","id":"call_7","name":"get_weather","input":{"city":"Rome"}})"));
}

TEST(GenerationWritersTest, AnthropicToolUseWithInvalidArgumentsHasEmptyInput) {
  Generation generation;
  generation.blocks = {tool_call("call_1", "f", R"({"city":"Ro)"), text("after")};
  const auto content = parsed(write_anthropic_answer(generation, kIdentity)).at("content");
  EXPECT_EQ(content.at(0).at("input"), json::object{});
  EXPECT_EQ(content.at(1).at("text"), "after");
}

TEST(GenerationWritersTest, AnthropicAnswerCutByMaxTokensStopsWithMaxTokens) {
  Generation generation;
  generation.stop_reason = StopReason::kMaxTokens;
  const auto answer = parsed(write_anthropic_answer(generation, kIdentity));
  EXPECT_EQ(answer.at("stop_reason"), "max_tokens");
}

TEST(GenerationWritersTest, AnthropicUsageCountsCacheReadsAndWritesApartFromInput) {
  Generation generation;
  generation.usage = usage_with_cache();
  const auto usage = parsed(write_anthropic_answer(generation, kIdentity)).at("usage");
  EXPECT_EQ(usage.at("input_tokens"), 20);
  EXPECT_EQ(usage.at("output_tokens"), 35);
  EXPECT_EQ(usage.at("cache_read_input_tokens"), 1000);
  EXPECT_EQ(usage.at("cache_creation_input_tokens"), 200);
}

TEST(GenerationWritersTest, AnthropicAnswerWithoutUsageWritesZeroUsage) {
  const auto usage = parsed(write_anthropic_answer(Generation{}, kIdentity)).at("usage");
  EXPECT_EQ(usage.at("input_tokens"), 0);
  EXPECT_EQ(usage.at("output_tokens"), 0);
}

// --- Round trips: wire body → Generation → caller body --------------------------------------------

TEST(GenerationWritersTest, ConverseToolUseRoundTripsToChat) {
  const auto generation = read_converse_answer(R"({"output":{"message":{"role":"assistant",
      "content":[{"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"city":"Paris"}}}]}},
      "stopReason":"tool_use","usage":{"inputTokens":10,"outputTokens":5,"totalTokens":15}})");
  ASSERT_TRUE(generation.ok());
  const auto answer = parsed(write_chat_answer(*generation, kIdentity));
  EXPECT_EQ(answer.at("id"), "chatcmpl-req-42");
  EXPECT_TRUE(chat_message(answer).at("content").is_null());
  EXPECT_EQ(chat_message(answer).at("tool_calls").at(0).at("function").at("arguments"),
            R"({"city":"Paris"})");
  EXPECT_EQ(answer.at("choices").at(0).at("finish_reason"), "tool_calls");
  EXPECT_EQ(answer.at("usage").at("total_tokens"), 15);
}

TEST(GenerationWritersTest, ConverseReasoningRoundTripsToResponses) {
  const auto generation = read_converse_answer(R"({"output":{"message":{"role":"assistant",
      "content":[{"reasoningContent":{"reasoningText":{"text":"Hmm.","signature":"s"}}},
                 {"text":"Yes."}]}},"stopReason":"end_turn"})");
  ASSERT_TRUE(generation.ok());
  const auto answer = parsed(write_responses_answer(*generation, kIdentity));
  EXPECT_EQ(answer.at("output").at(0).at("type"), "reasoning");
  EXPECT_EQ(answer.at("output").at(1).at("content").at(0).at("text"), "Yes.");
  EXPECT_EQ(answer.at("status"), "completed");
}

TEST(GenerationWritersTest, ChatToolCallsRoundTripToAnthropic) {
  const auto generation = read_chat_answer(R"({"id":"chatcmpl-9","choices":[{"index":0,
      "message":{"role":"assistant","content":"On it.","tool_calls":[{"id":"call_1","type":"function",
      "function":{"name":"lookup","arguments":"{\"q\":\"x\"}"}}]},"finish_reason":"tool_calls"}],
      "usage":{"prompt_tokens":30,"completion_tokens":8,"total_tokens":38,
               "prompt_tokens_details":{"cached_tokens":10}}})");
  ASSERT_TRUE(generation.ok());
  const auto answer = parsed(write_anthropic_answer(*generation, kIdentity));
  EXPECT_EQ(answer.at("id"), "chatcmpl-9");
  EXPECT_EQ(answer.at("content").at(0).at("text"), "On it.");
  EXPECT_EQ(answer.at("content").at(1).at("input"), json::parse(R"({"q":"x"})"));
  EXPECT_EQ(answer.at("stop_reason"), "tool_use");
  EXPECT_EQ(answer.at("usage").at("input_tokens"), 20);
  EXPECT_EQ(answer.at("usage").at("cache_read_input_tokens"), 10);
}

TEST(GenerationWritersTest, AnthropicThinkingRoundTripsToChat) {
  const auto generation = read_anthropic_answer(R"({"id":"msg_1","type":"message","role":"assistant",
      "content":[{"type":"thinking","thinking":"Consider.","signature":"s"},{"type":"text","text":"Done."}],
      "stop_reason":"max_tokens","usage":{"input_tokens":3,"output_tokens":4}})");
  ASSERT_TRUE(generation.ok());
  const auto answer = parsed(write_chat_answer(*generation, kIdentity));
  EXPECT_EQ(answer.at("id"), "msg_1");
  EXPECT_EQ(chat_message(answer).at("reasoning_content"), "Consider.");
  EXPECT_EQ(chat_message(answer).at("content"), "Done.");
  EXPECT_EQ(answer.at("choices").at(0).at("finish_reason"), "length");
}

TEST(GenerationWritersTest, AnthropicTextRoundTripsToAnthropic) {
  const std::string_view body = R"({"id":"msg_1","type":"message","role":"assistant","model":"team-claude",
      "content":[{"type":"text","text":"Hi."}],"stop_reason":"end_turn","stop_sequence":null,
      "usage":{"input_tokens":3,"output_tokens":4,"cache_read_input_tokens":0,"cache_creation_input_tokens":0}})";
  const auto generation = read_anthropic_answer(body);
  ASSERT_TRUE(generation.ok());
  EXPECT_EQ(parsed(write_anthropic_answer(*generation, kIdentity)), json::parse(body));
}

}  // namespace
}  // namespace sluice::streams
