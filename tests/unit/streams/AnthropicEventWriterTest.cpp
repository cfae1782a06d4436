#include "streams/AnthropicEventWriter.h"
#include "streams/StreamErrors.h"

#include "GenerationTestSupport.h"
#include "StreamTestSupport.h"

#include <gtest/gtest.h>

namespace sluice::streams {
namespace {

using namespace testing;  // NOLINT: the event builders read as a script
namespace json = boost::json;
using Types = std::vector<std::string>;

AnthropicEventWriter anthropic_writer() {
  return AnthropicEventWriter(StreamIdentity{"gw-model", 1700, "req9"});
}

Types types_of(const std::vector<CallerEvent>& events) {
  Types types;
  for (const auto& event : events) types.push_back(event.event);
  return types;
}

TEST(AnthropicEventWriterTest, WritesTextBetweenMessageStartAndMessageStop) {
  auto writer = anthropic_writer();
  const auto events = caller_events(write_all(
      writer, {message_start(), text(0, "Hel"), text(0, "lo"), block_stop(0),
               message_stop(StopReason::kEndTurn), usage(12, 3, 2)}));
  EXPECT_EQ(types_of(events), (Types{"message_start", "content_block_start", "content_block_delta",
                                     "content_block_delta", "content_block_stop", "message_delta",
                                     "message_stop"}));
  EXPECT_EQ(json_of(events[0]), json::parse(R"({"type":"message_start","message":{
      "id":"msg_req9","type":"message","role":"assistant","model":"gw-model","content":[],
      "stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":0}}})"));
  EXPECT_EQ(json_of(events[1]), json::parse(R"({"type":"content_block_start","index":0,
      "content_block":{"type":"text","text":""}})"));
  EXPECT_EQ(json_of(events[2]), json::parse(R"({"type":"content_block_delta","index":0,
      "delta":{"type":"text_delta","text":"Hel"}})"));
  EXPECT_EQ(json_of(events[4]), json::parse(R"({"type":"content_block_stop","index":0})"));
  EXPECT_EQ(json_of(events[5]), json::parse(R"({"type":"message_delta",
      "delta":{"stop_reason":"end_turn","stop_sequence":null},
      "usage":{"input_tokens":10,"output_tokens":3,"cache_read_input_tokens":2,
               "cache_creation_input_tokens":0}})"));
  EXPECT_EQ(json_of(events[6]), json::parse(R"({"type":"message_stop"})"));
}

TEST(AnthropicEventWriterTest, PutsInputTokensKnownBeforeTheStartIntoMessageStart) {
  auto writer = anthropic_writer();
  const auto events = caller_events(write_all(
      writer, {usage(20, 0, 5), message_start("msg_up"), text(0, "x"),
               message_stop(StopReason::kEndTurn)}));
  const auto message = json_of(events[0]).at("message");
  EXPECT_EQ(message.at("id"), "msg_up");
  EXPECT_EQ(message.at("usage").at("input_tokens"), 15);
  EXPECT_EQ(message.at("usage").at("cache_read_input_tokens"), 5);
}

TEST(AnthropicEventWriterTest, NumbersBlocksFromZeroInStartOrderAndClosesThemItself) {
  // A chat upstream: reasoning as block 1, text as block 0, tool calls from 2, and no block stops.
  auto writer = anthropic_writer();
  const auto events = caller_events(write_all(
      writer, {message_start(), reasoning(1, "think"), text(0, "Let me check."),
               tool_call_start(2, "call_1", "get_weather"), arguments(2, "{\"city\":\"Paris\"}"),
               message_stop(StopReason::kToolUse)}));
  EXPECT_EQ(types_of(events),
            (Types{"message_start", "content_block_start", "content_block_delta",
                   "content_block_stop", "content_block_start", "content_block_delta",
                   "content_block_stop", "content_block_start", "content_block_delta",
                   "content_block_stop", "message_delta", "message_stop"}));
  EXPECT_EQ(json_of(events[1]), json::parse(R"({"type":"content_block_start","index":0,
      "content_block":{"type":"thinking","thinking":"","signature":""}})"));
  EXPECT_EQ(json_of(events[2]).at("delta"),
            json::parse(R"({"type":"thinking_delta","thinking":"think"})"));
  EXPECT_EQ(json_of(events[4]).at("index"), 1);
  EXPECT_EQ(json_of(events[7]), json::parse(R"({"type":"content_block_start","index":2,
      "content_block":{"type":"tool_use","id":"call_1","name":"get_weather","input":{}}})"));
  EXPECT_EQ(json_of(events[8]).at("delta"),
            json::parse(R"({"type":"input_json_delta","partial_json":"{\"city\":\"Paris\"}"})"));
  EXPECT_EQ(json_of(events[9]).at("index"), 2);
  EXPECT_EQ(json_of(events[10]).at("delta").at("stop_reason"), "tool_use");
}

TEST(AnthropicEventWriterTest, WritesAReasoningSignatureAsASignatureDelta) {
  auto writer = anthropic_writer();
  const auto events = caller_events(write_all(
      writer, {reasoning(0, "think"), delta(GenerationEvent::Kind::kReasoningSignature, 0, "sig"),
               block_stop(0), message_stop(StopReason::kEndTurn)}));
  EXPECT_EQ(json_of(events[3]).at("delta"),
            json::parse(R"({"type":"signature_delta","signature":"sig"})"));
}

TEST(AnthropicEventWriterTest, ReportsMaxTokensInMessageDelta) {
  auto writer = anthropic_writer();
  const auto events =
      caller_events(write_all(writer, {text(0, "cut"), message_stop(StopReason::kMaxTokens)}));
  EXPECT_EQ(json_of(events[events.size() - 2]).at("delta").at("stop_reason"), "max_tokens");
}

TEST(AnthropicEventWriterTest, EndsAFailureWithAnErrorEvent) {
  auto writer = anthropic_writer();
  std::string out;
  writer.on_event(text(0, "Hi"), out);
  out.clear();
  writer.on_failure(upstream_reported_error("upstream provider reported throttlingException: slow",
                                            std::nullopt),
                    out);
  EXPECT_EQ(out, "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"upstream_error\","
                 "\"code\":\"upstream_http_error\",\"message\":\"upstream provider reported "
                 "throttlingException: slow\"}}\n\n");
}

TEST(AnthropicEventWriterTest, EndsWithAnErrorEventWhenTheUpstreamEndsWithoutAStop) {
  auto writer = anthropic_writer();
  const auto events = caller_events(write_all(writer, {message_start(), text(0, "Hi")}));
  EXPECT_EQ(events.back().event, "error");
  EXPECT_EQ(json_of(events.back()).at("error").at("code"), "upstream_transport");
  EXPECT_NE(types_of(events).back(), "message_stop");
}

}  // namespace
}  // namespace sluice::streams
