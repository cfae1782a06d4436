#include "streams/ChatStreamReader.h"

#include "GenerationTestSupport.h"

#include <gtest/gtest.h>

namespace sluice::streams {
namespace {

using testing::RecordingWriter;
using Calls = std::vector<std::string>;

std::string frame(std::string_view json) { return "data: " + std::string(json) + "\n\n"; }

void feed(RecordingWriter& writer, std::string_view body, bool end = true) {
  ChatStreamReader reader;
  std::string out;
  SseParser parser;
  const SseParser::EventCallback forward = [&](const SseEvent& e) { reader.on_event(e, writer, out); };
  parser.feed(body, forward);
  parser.finish(forward);
  if (end) writer.on_end(out);
}

TEST(ChatStreamReaderTest, ReadsTextWithUsageFromTheFinalChunk) {
  RecordingWriter writer;
  feed(writer,
       frame(R"({"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]})") +
           frame(R"({"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]})") +
           frame(R"({"id":"chatcmpl-1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})") +
           frame(R"({"id":"chatcmpl-1","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":1,"total_tokens":10}})") +
           "data: [DONE]\n\n");
  EXPECT_EQ(writer.calls, (Calls{"start chatcmpl-1", "block_start text 0", "text 0 Hi",
                                 "block_stop 0", "stop end_turn", "ending success"}));
  EXPECT_EQ(writer.usage().total, 10);
}

TEST(ChatStreamReaderTest, ReadsReasoningBeforeContent) {
  RecordingWriter writer;
  feed(writer,
       frame(R"({"id":"c","choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"hmm","reasoning":"hmm"}}]})") +
           frame(R"({"id":"c","choices":[{"index":0,"delta":{"content":"Yes"}}]})") +
           frame(R"({"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"length"}]})"));
  EXPECT_EQ(writer.calls,
            (Calls{"start c", "block_start reasoning 0", "reasoning 0 hmm", "block_stop 0",
                   "block_start text 1", "text 1 Yes", "block_stop 1", "stop max_tokens",
                   "ending success"}));
}

TEST(ChatStreamReaderTest, ReadsParallelToolCallsByIndex) {
  RecordingWriter writer;
  feed(writer,
       frame(R"({"id":"c","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"f","arguments":""}}]}}]})") +
           frame(R"({"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]}}]})") +
           frame(R"({"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"g","arguments":"{\"x\":1}"}}]}}]})") +
           frame(R"({"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})"));
  EXPECT_EQ(writer.calls,
            (Calls{"start c", "block_start tool 0 call_a f", "arguments 0 {}", "block_stop 0",
                   "block_start tool 1 call_b g", "arguments 1 {\"x\":1}", "block_stop 1",
                   "stop tool_use", "ending success"}));
}

TEST(ChatStreamReaderTest, ReadsUsageReportedOnTheChoice) {
  RecordingWriter writer;
  feed(writer, frame(R"({"id":"c","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"stop","usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}]})"));
  EXPECT_EQ(writer.usage().input, 3);
  EXPECT_TRUE(writer.stop_seen());
}

TEST(ChatStreamReaderTest, FailsATopLevelErrorWithTheUpstreamsMessage) {
  RecordingWriter writer;
  feed(writer, frame(R"({"id":"c","choices":[{"index":0,"delta":{"content":"x"}}]})") +
                   frame(R"({"error":{"message":"overloaded","type":"server_error"}})"),
       false);
  ASSERT_TRUE(writer.failed());
  EXPECT_EQ(writer.error()->code, "upstream_http_error");
  EXPECT_EQ(writer.error()->message, "overloaded");
}

TEST(ChatStreamReaderTest, FailsAMalformedChunkAsATransportError) {
  RecordingWriter writer;
  feed(writer, frame(R"({"id":"c","choices":[)"), false);
  ASSERT_TRUE(writer.failed());
  EXPECT_EQ(writer.error()->code, "upstream_transport");
}

TEST(ChatStreamReaderTest, EndsWithAnErrorWhenTheBodyEndsBeforeAFinishReason) {
  RecordingWriter writer;
  feed(writer, frame(R"({"id":"c","choices":[{"index":0,"delta":{"content":"x"}}]})"));
  EXPECT_EQ(writer.calls.back(), "ending error 502 upstream_transport");
}

}  // namespace
}  // namespace sluice::streams
