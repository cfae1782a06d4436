#include "streams/ConverseStreamReader.h"

#include "GenerationTestSupport.h"

#include <gtest/gtest.h>

namespace sluice::streams {
namespace {

using testing::RecordingWriter;
using Calls = std::vector<std::string>;

EventStreamMessage event(std::string type, std::string payload) {
  return {{{":event-type", std::move(type)},
           {":content-type", std::string("application/json")},
           {":message-type", std::string("event")}},
          std::move(payload)};
}

EventStreamMessage exception(std::string type, std::string payload) {
  return {{{":exception-type", std::move(type)},
           {":content-type", std::string("application/json")},
           {":message-type", std::string("exception")}},
          std::move(payload)};
}

void feed(ConverseStreamReader& reader, RecordingWriter& writer,
          const std::vector<EventStreamMessage>& messages, bool end = true) {
  std::string out;
  for (const auto& message : messages) reader.on_message(message, writer, out);
  if (end) writer.on_end(out);
}

TEST(ConverseStreamReaderTest, ReadsATextAnswerWithItsUsage) {
  ConverseStreamReader reader;
  RecordingWriter writer;
  feed(reader, writer,
       {event("messageStart", R"({"p":"abcdefgh","role":"assistant"})"),
        event("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"Hel"},"p":"ab"})"),
        event("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"lo"},"p":"abcd"})"),
        event("contentBlockStop", R"({"contentBlockIndex":0,"p":"abcdefghijk"})"),
        event("messageStop", R"({"p":"abc","stopReason":"end_turn"})"),
        event("metadata", R"({"metrics":{"latencyMs":412},"p":"ab","usage":{"inputTokens":12,
              "outputTokens":3,"totalTokens":15,"cacheReadInputTokens":4}})")});
  EXPECT_EQ(writer.calls, (Calls{"start ", "block_start text 0", "text 0 Hel", "text 0 lo",
                                 "block_stop 0", "stop end_turn", "ending success"}));
  EXPECT_EQ(writer.usage().input, 16);
  EXPECT_EQ(writer.usage().cached_input, 4);
  EXPECT_EQ(writer.usage().output, 3);
}

TEST(ConverseStreamReaderTest, ReadsAToolCallAfterText) {
  ConverseStreamReader reader;
  RecordingWriter writer;
  feed(reader, writer,
       {event("messageStart", R"({"role":"assistant"})"),
        event("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"Checking."}})"),
        event("contentBlockStop", R"({"contentBlockIndex":0})"),
        event("contentBlockStart", R"({"contentBlockIndex":1,"start":{"toolUse":{
              "toolUseId":"tooluse_abc","name":"get_weather"}}})"),
        event("contentBlockDelta", R"({"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"city\""}}})"),
        event("contentBlockDelta", R"({"contentBlockIndex":1,"delta":{"toolUse":{"input":":\"Paris\"}"}}})"),
        event("contentBlockStop", R"({"contentBlockIndex":1})"),
        event("messageStop", R"({"stopReason":"tool_use"})")});
  EXPECT_EQ(writer.calls,
            (Calls{"start ", "block_start text 0", "text 0 Checking.", "block_stop 0",
                   "block_start tool 1 tooluse_abc get_weather", "arguments 1 {\"city\"",
                   "arguments 1 :\"Paris\"}", "block_stop 1", "stop tool_use", "ending success"}));
}

TEST(ConverseStreamReaderTest, ReadsReasoningTextAndSignature) {
  ConverseStreamReader reader;
  RecordingWriter writer;
  feed(reader, writer,
       {event("messageStart", R"({"role":"assistant"})"),
        event("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"think"}}})"),
        event("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"reasoningContent":{"signature":"EqQB"}}})"),
        event("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"reasoningContent":{"redactedContent":"AAAA"}}})"),
        event("contentBlockStop", R"({"contentBlockIndex":0})"),
        event("contentBlockDelta", R"({"contentBlockIndex":1,"delta":{"text":"Hi"}})"),
        event("messageStop", R"({"stopReason":"max_tokens"})")});
  EXPECT_EQ(writer.calls,
            (Calls{"start ", "block_start reasoning 0", "reasoning 0 think", "signature 0 EqQB",
                   "block_stop 0", "block_start text 1", "text 1 Hi", "block_stop 1",
                   "stop max_tokens", "ending success"}));
}

TEST(ConverseStreamReaderTest, IgnoresUnknownEventTypes) {
  ConverseStreamReader reader;
  RecordingWriter writer;
  feed(reader, writer,
       {event("messageStart", R"({"role":"assistant"})"), event("futureThing", R"({"x":1})"),
        event("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"citation":{}}})"),
        event("messageStop", R"({"stopReason":"end_turn"})")});
  EXPECT_EQ(writer.calls, (Calls{"start ", "stop end_turn", "ending success"}));
}

TEST(ConverseStreamReaderTest, MapsAThrottlingExceptionTo429) {
  ConverseStreamReader reader;
  RecordingWriter writer;
  feed(reader, writer,
       {event("messageStart", R"({"role":"assistant"})"),
        exception("throttlingException", R"({"message":"Too many requests"})")},
       false);
  ASSERT_TRUE(writer.failed());
  EXPECT_EQ(writer.error()->status, 429);
  EXPECT_EQ(writer.error()->type, "upstream_error");
  EXPECT_EQ(writer.error()->code, "upstream_http_error");
  EXPECT_EQ(writer.error()->message,
            "upstream provider reported throttlingException: Too many requests");
}

TEST(ConverseStreamReaderTest, GivesEachBedrockExceptionItsStatus) {
  const std::vector<std::pair<std::string, int>> cases = {
      {"validationException", 400},         {"serviceUnavailableException", 503},
      {"internalServerException", 500},     {"modelStreamErrorException", 424},
      {"somethingNewException", 502}};
  for (const auto& [name, status] : cases) {
    ConverseStreamReader reader;
    RecordingWriter writer;
    feed(reader, writer, {exception(name, R"({"message":"m"})")}, false);
    ASSERT_TRUE(writer.failed()) << name;
    EXPECT_EQ(writer.error()->status, status) << name;
  }
}

TEST(ConverseStreamReaderTest, ReadsAnErrorMessageFromItsHeaders) {
  ConverseStreamReader reader;
  RecordingWriter writer;
  EventStreamMessage error{{{":message-type", std::string("error")},
                            {":error-code", std::string("InternalFailure")},
                            {":error-message", std::string("oops")}},
                           ""};
  feed(reader, writer, {error}, false);
  ASSERT_TRUE(writer.failed());
  EXPECT_EQ(writer.error()->status, 502);
  EXPECT_EQ(writer.error()->message, "upstream provider reported InternalFailure: oops");
}

TEST(ConverseStreamReaderTest, FailsAMalformedPayloadAsATransportError) {
  ConverseStreamReader reader;
  RecordingWriter writer;
  feed(reader, writer, {event("contentBlockDelta", R"({"contentBlockIndex":0,"delta":)")}, false);
  ASSERT_TRUE(writer.failed());
  EXPECT_EQ(writer.error()->code, "upstream_transport");
  EXPECT_EQ(writer.error()->status, 502);
}

}  // namespace
}  // namespace sluice::streams
