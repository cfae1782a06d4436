#include "streams/AnthropicEventWriter.h"
#include "streams/AnthropicStreamReader.h"

#include "GenerationTestSupport.h"
#include "StreamTestSupport.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace sluice::streams {
namespace {

using testing::anthropic_fixture;
using testing::caller_events;
using testing::FixtureEvent;
using testing::RecordingWriter;
using testing::sse_events;
namespace json = boost::json;
using Calls = std::vector<std::string>;

void feed(GenerationStreamWriter& writer, const std::vector<FixtureEvent>& events,
          std::string& out, bool end = true) {
  AnthropicStreamReader reader;
  for (const auto& event : events) reader.on_event_json(event.event, event.data, writer, out);
  if (end) writer.on_end(out);
}

// Upstream events without pings, each as JSON.
std::vector<json::value> upstream_without_pings(std::string_view fixture) {
  std::vector<json::value> events;
  for (const auto& event : sse_events(anthropic_fixture(fixture))) {
    if (event.event != "ping") events.push_back(json::parse(event.data));
  }
  return events;
}

// Translated through the neutral events and back: the same sequence, the same content, the same
// stop reason and usage (fields the neutral form does not carry, like service_tier, aside).
void expect_equivalent_round_trip(std::string_view fixture) {
  AnthropicEventWriter writer(StreamIdentity{"claude", 1, "req1"});
  std::string out;
  feed(writer, sse_events(anthropic_fixture(fixture)), out);
  const auto upstream = upstream_without_pings(fixture);
  const auto written = caller_events(out);
  ASSERT_EQ(written.size(), upstream.size()) << out;
  for (std::size_t i = 0; i < upstream.size(); ++i) {
    const json::value mine = json::parse(written[i].data);
    const json::object& theirs = upstream[i].as_object();
    const std::string type(theirs.at("type").as_string());
    SCOPED_TRACE(fixture.data() + (": event " + std::to_string(i) + " " + type));
    EXPECT_EQ(written[i].event, type);
    if (type == "message_start") {
      EXPECT_EQ(mine.at("message").at("id"), theirs.at("message").at("id"));
      EXPECT_EQ(mine.at("message").at("usage").at("input_tokens"),
                theirs.at("message").at("usage").at("input_tokens"));
    } else if (type == "content_block_start") {
      EXPECT_EQ(mine.at("index"), theirs.at("index"));
      for (const char* key : {"type", "id", "name"}) {
        const auto* expected = theirs.at("content_block").as_object().if_contains(key);
        if (expected != nullptr) {
          EXPECT_EQ(mine.at("content_block").at(key), *expected) << key;
        }
      }
    } else if (type == "content_block_delta" || type == "content_block_stop") {
      EXPECT_EQ(mine, upstream[i]);
    } else if (type == "message_delta") {
      EXPECT_EQ(mine.at("delta").at("stop_reason"), theirs.at("delta").at("stop_reason"));
      EXPECT_EQ(mine.at("usage").at("output_tokens"), theirs.at("usage").at("output_tokens"));
    }
  }
  EXPECT_FALSE(writer.failed());
}

TEST(AnthropicStreamReaderTest, RoundTripsTheSdkBasicFixture) {
  expect_equivalent_round_trip("basic_response.txt");
}

TEST(AnthropicStreamReaderTest, RoundTripsTheSdkToolUseFixture) {
  expect_equivalent_round_trip("tool_use_response.txt");
}

TEST(AnthropicStreamReaderTest, RoundTripsTheSdkRefusalFixtureWithItsEmptyTextBlock) {
  expect_equivalent_round_trip("refusal_response.txt");
}

TEST(AnthropicStreamReaderTest, MergesInputFromMessageStartWithOutputFromMessageDelta) {
  RecordingWriter writer;
  std::string out;
  feed(writer, sse_events(anthropic_fixture("tool_use_response.txt")), out);
  EXPECT_EQ(writer.usage().input, 377);
  EXPECT_EQ(writer.usage().output, 65);
  EXPECT_EQ(writer.usage().total, 442);
  EXPECT_EQ(writer.calls.back(), "ending success");
}

TEST(AnthropicStreamReaderTest, SkipsBlockTypesWithoutANeutralForm) {
  RecordingWriter writer;
  std::string out;
  feed(writer, sse_events(anthropic_fixture("compaction_response.txt")), out);
  EXPECT_EQ(writer.calls,
            (Calls{"start msg_01CompactionEncryptedContent01", "block_start text 0",
                   "text 0 Hello there!", "block_stop 0", "stop end_turn", "ending success"}));
}

TEST(AnthropicStreamReaderTest, GivesTheStopAtMessageStopNotAtMessageDelta) {
  auto events = sse_events(anthropic_fixture("basic_response.txt"));
  ASSERT_EQ(events.back().event, "message_stop");
  events.pop_back();
  RecordingWriter writer;
  std::string out;
  feed(writer, events, out);
  EXPECT_FALSE(writer.stop_seen());
  EXPECT_EQ(writer.calls.back(), "ending error 502 upstream_transport");
}

TEST(AnthropicStreamReaderTest, ReadsThinkingWithItsSignature) {
  RecordingWriter writer;
  std::string out;
  feed(writer,
       {{"message_start", R"({"type":"message_start","message":{"id":"msg_t","usage":{"input_tokens":5,"output_tokens":1}}})"},
        {"content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}})"},
        {"content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}})"},
        {"content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQB"}})"},
        {"content_block_stop", R"({"type":"content_block_stop","index":0})"},
        {"", R"({"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":3}})"},
        {"", R"({"type":"message_stop"})"}},
       out);
  EXPECT_EQ(writer.calls,
            (Calls{"start msg_t", "block_start reasoning 0", "reasoning 0 hmm", "signature 0 EqQB",
                   "block_stop 0", "stop max_tokens", "ending success"}));
}

TEST(AnthropicStreamReaderTest, MapsAnErrorEventsTypeToItsStatus) {
  const std::vector<std::pair<std::string, int>> cases = {{"overloaded_error", 529},
                                                          {"rate_limit_error", 429},
                                                          {"api_error", 500},
                                                          {"invalid_request_error", 400},
                                                          {"mystery_error", 502}};
  for (const auto& [type, status] : cases) {
    RecordingWriter writer;
    std::string out;
    feed(writer,
         {{"error", R"({"type":"error","error":{"type":")" + type + R"(","message":"Overloaded"}})"}},
         out, false);
    ASSERT_TRUE(writer.failed()) << type;
    EXPECT_EQ(writer.error()->status, status) << type;
    EXPECT_EQ(writer.error()->code, "upstream_http_error");
    EXPECT_EQ(writer.error()->message, "upstream provider reported " + type + ": Overloaded");
  }
}

TEST(AnthropicStreamReaderTest, FailsAMalformedEventAsATransportError) {
  RecordingWriter writer;
  std::string out;
  feed(writer, {{"content_block_delta", R"({"type":"content_block_delta",)"}}, out, false);
  ASSERT_TRUE(writer.failed());
  EXPECT_EQ(writer.error()->code, "upstream_transport");
}

EventStreamMessage chunk(std::string payload) {
  return {{{":event-type", std::string("chunk")},
           {":content-type", std::string("application/json")},
           {":message-type", std::string("event")}},
          std::move(payload)};
}

TEST(AnthropicStreamReaderTest, DecodesAnInvokeStreamChunk) {
  // base64 of {"type":"message_stop"} and "ab" (one '=' of padding each) and of "a" (two).
  const auto decoded = invoke_stream_chunk_json(
      chunk(R"({"bytes":"eyJ0eXBlIjoibWVzc2FnZV9zdG9wIn0=","p":"abcd"})"));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, R"({"type":"message_stop"})");
  const auto one_pad = invoke_stream_chunk_json(chunk(R"({"bytes":"YWI="})"));
  ASSERT_TRUE(one_pad.ok());
  EXPECT_EQ(*one_pad, "ab");
  const auto two_pads = invoke_stream_chunk_json(chunk(R"({"bytes":"YQ=="})"));
  ASSERT_TRUE(two_pads.ok());
  EXPECT_EQ(*two_pads, "a");
}

TEST(AnthropicStreamReaderTest, RefusesAnInvokeStreamMessageThatIsNotAChunk) {
  for (const std::string payload : {R"({"bytes":"not base64!"})", R"({"bytes":42})", "nope"}) {
    const auto decoded = invoke_stream_chunk_json(chunk(payload));
    ASSERT_FALSE(decoded.ok()) << payload;
    EXPECT_EQ(decoded.error().status, 502);
    EXPECT_EQ(decoded.error().code, "upstream_transport");
  }
}

TEST(AnthropicStreamReaderTest, ReportsAnInvokeStreamExceptionAsTheUpstreamsError) {
  EventStreamMessage exception{{{":exception-type", std::string("modelStreamErrorException")},
                                {":message-type", std::string("exception")}},
                               R"({"message":"model failed"})"};
  const auto decoded = invoke_stream_chunk_json(exception);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().status, 424);
  EXPECT_EQ(decoded.error().code, "upstream_http_error");
}

}  // namespace
}  // namespace sluice::streams
