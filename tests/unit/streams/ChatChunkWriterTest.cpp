#include "streams/ChatChunkWriter.h"
#include "streams/ChatStreamNormalizer.h"
#include "streams/StreamErrors.h"

#include "GenerationTestSupport.h"
#include "StreamTestSupport.h"

#include <gtest/gtest.h>

namespace sluice::streams {
namespace {

using namespace testing;  // NOLINT: the event builders read as a script
namespace json = boost::json;

ChatChunkWriter chat_writer() { return ChatChunkWriter(StreamIdentity{"gw-model", 1700, "req9"}); }

std::vector<json::value> chunks(std::string_view out) {
  std::vector<json::value> parsed;
  for (const auto& event : caller_events(out)) {
    if (event.data != "[DONE]") parsed.push_back(json::parse(event.data));
  }
  return parsed;
}

const json::value& delta_of(const json::value& chunk) { return chunk.at("choices").at(0).at("delta"); }

TEST(ChatChunkWriterTest, WritesTextAsContentChunksEndingInFinishReasonAndDone) {
  auto writer = chat_writer();
  const std::string out = write_all(writer, {message_start(), text(0, "Hel"), text(0, "lo"),
                                             block_stop(0), message_stop(StopReason::kEndTurn)});
  const auto parsed = chunks(out);
  ASSERT_EQ(parsed.size(), 4u);
  EXPECT_EQ(delta_of(parsed[0]), json::parse(R"({"role":"assistant","content":""})"));
  EXPECT_EQ(delta_of(parsed[1]), json::parse(R"({"content":"Hel"})"));
  EXPECT_EQ(delta_of(parsed[2]), json::parse(R"({"content":"lo"})"));
  EXPECT_EQ(parsed[3].at("choices").at(0).at("finish_reason"), "stop");
  for (const auto& chunk : parsed) {
    EXPECT_EQ(chunk.at("id"), "chatcmpl-req9");
    EXPECT_EQ(chunk.at("object"), "chat.completion.chunk");
    EXPECT_EQ(chunk.at("model"), "gw-model");
    EXPECT_EQ(chunk.at("created"), 1700);
  }
  EXPECT_TRUE(out.ends_with("data: [DONE]\n\n"));
}

TEST(ChatChunkWriterTest, UsesTheUpstreamIdWhenItGaveOne) {
  auto writer = chat_writer();
  const auto parsed = chunks(write_all(writer, {message_start("msg_abc"), text(0, "x"),
                                                message_stop(StopReason::kEndTurn)}));
  EXPECT_EQ(parsed[0].at("id"), "msg_abc");
}

TEST(ChatChunkWriterTest, NumbersToolCallsFromZeroInStartOrder) {
  auto writer = chat_writer();
  const auto parsed = chunks(write_all(
      writer, {message_start(), text(0, "Checking."), tool_call_start(7, "call_a", "get_weather"),
               arguments(7, "{\"city\":"), arguments(7, "\"Paris\"}"),
               tool_call_start(9, "call_b", "get_time"), arguments(9, "{}"),
               message_stop(StopReason::kToolUse)}));
  ASSERT_EQ(parsed.size(), 8u);
  EXPECT_EQ(delta_of(parsed[2]), json::parse(R"({"tool_calls":[{"id":"call_a","type":"function",
      "function":{"name":"get_weather","arguments":""},"index":0}]})"));
  EXPECT_EQ(delta_of(parsed[3]),
            json::parse(R"({"tool_calls":[{"function":{"arguments":"{\"city\":"},"index":0}]})"));
  EXPECT_EQ(delta_of(parsed[5]).at("tool_calls").at(0).at("index"), 1);
  EXPECT_EQ(delta_of(parsed[5]).at("tool_calls").at(0).at("id"), "call_b");
  EXPECT_EQ(delta_of(parsed[6]).at("tool_calls").at(0).at("index"), 1);
  EXPECT_EQ(parsed[7].at("choices").at(0).at("finish_reason"), "tool_calls");
}

TEST(ChatChunkWriterTest, WritesReasoningAsReasoningContentAndReasoning) {
  auto writer = chat_writer();
  const auto parsed = chunks(write_all(
      writer, {message_start(), reasoning(0, "hmm"),
               delta(GenerationEvent::Kind::kReasoningSignature, 0, "sig"), text(1, "Hi"),
               message_stop(StopReason::kEndTurn)}));
  ASSERT_EQ(parsed.size(), 4u);  // the signature has no chunk
  EXPECT_EQ(delta_of(parsed[1]), json::parse(R"({"reasoning_content":"hmm","reasoning":"hmm"})"));
  EXPECT_EQ(delta_of(parsed[2]), json::parse(R"({"content":"Hi"})"));
}

TEST(ChatChunkWriterTest, ReportsMaxTokensAsLength) {
  auto writer = chat_writer();
  const auto parsed =
      chunks(write_all(writer, {text(0, "cut"), message_stop(StopReason::kMaxTokens)}));
  EXPECT_EQ(parsed.back().at("choices").at(0).at("finish_reason"), "length");
}

TEST(ChatChunkWriterTest, WritesUsageArrivingAfterTheStopAsAUsageOnlyChunk) {
  auto writer = chat_writer();
  std::string out;
  writer.on_event(text(0, "Hi"), out);
  writer.on_event(message_stop(StopReason::kEndTurn), out);
  out.clear();
  writer.on_event(usage(10, 5, 4), out);
  const auto parsed = chunks(out);
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0].at("choices"), json::array{});
  EXPECT_EQ(parsed[0].at("usage"), json::parse(R"({"prompt_tokens":10,"completion_tokens":5,
      "total_tokens":15,"prompt_tokens_details":{"cached_tokens":4}})"));
  out.clear();
  writer.on_end(out);
  EXPECT_EQ(out, "data: [DONE]\n\n");
}

TEST(ChatChunkWriterTest, WritesUsageThatCameBeforeTheStopAtTheEnd) {
  auto writer = chat_writer();
  const std::string out =
      write_all(writer, {text(0, "Hi"), usage(3, 2), message_stop(StopReason::kEndTurn)});
  const auto parsed = chunks(out);
  ASSERT_EQ(parsed.size(), 4u);
  EXPECT_EQ(parsed[2].at("choices").at(0).at("finish_reason"), "stop");
  EXPECT_EQ(parsed[3].at("usage").at("total_tokens"), 5);
  EXPECT_TRUE(out.ends_with("data: [DONE]\n\n"));
}

TEST(ChatChunkWriterTest, EndsAFailureWithTheNormalizersErrorChunkAndNoDone) {
  auto writer = chat_writer();
  std::string out;
  writer.on_event(text(0, "Hi"), out);
  out.clear();
  writer.on_failure(upstream_reported_error("throttled", std::nullopt), out);
  std::string expected;
  append_chat_error_chunk(expected, upstream_reported_error("throttled", std::nullopt));
  EXPECT_EQ(out, expected);
  EXPECT_TRUE(writer.failed());
}

TEST(ChatChunkWriterTest, EndsWithAnErrorChunkWhenTheUpstreamEndsWithoutAStop) {
  auto writer = chat_writer();
  const std::string out = write_all(writer, {message_start(), text(0, "Hi")});
  const auto events = caller_events(out);
  EXPECT_EQ(json_of(events.back()).at("error").at("code"), "upstream_transport");
  EXPECT_EQ(out.find("[DONE]"), std::string::npos);
}

}  // namespace
}  // namespace sluice::streams
