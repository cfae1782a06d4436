#include "streams/ResponsesEventWriter.h"
#include "streams/ResponsesStreamNormalizer.h"
#include "streams/StreamErrors.h"

#include "GenerationTestSupport.h"
#include "StreamTestSupport.h"

#include <gtest/gtest.h>

namespace sluice::streams {
namespace {

using namespace testing;  // NOLINT: the event builders read as a script
namespace json = boost::json;
using Types = std::vector<std::string>;

ResponsesEventWriter responses_writer() {
  return ResponsesEventWriter(StreamIdentity{"gw-model", 1700, "req9"});
}

Types types_of(const std::vector<CallerEvent>& events) {
  Types types;
  for (const auto& event : events) types.push_back(event.event);
  return types;
}

TEST(ResponsesEventWriterTest, WritesAMessageAsTheSdkAccumulatesIt) {
  auto writer = responses_writer();
  const auto events = caller_events(write_all(
      writer, {message_start(), text(0, "Hel"), text(0, "lo"), message_stop(StopReason::kEndTurn),
               usage(10, 2)}));
  EXPECT_EQ(types_of(events),
            (Types{"response.created", "response.in_progress", "response.output_item.added",
                   "response.content_part.added", "response.output_text.delta",
                   "response.output_text.delta", "response.output_text.done",
                   "response.content_part.done", "response.output_item.done",
                   "response.completed"}));
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(json_of(events[i]).at("sequence_number").to_number<std::size_t>(), i);
    EXPECT_EQ(json_of(events[i]).at("type").as_string(), events[i].event);
  }
  const auto delta = json_of(events[4]);
  EXPECT_EQ(delta.at("item_id"), "msg_req9_0");
  EXPECT_EQ(delta.at("output_index"), 0);
  EXPECT_EQ(delta.at("content_index"), 0);
  EXPECT_EQ(delta.at("delta"), "Hel");
  EXPECT_EQ(json_of(events[6]).at("text"), "Hello");

  const auto completed = json_of(events.back()).at("response");
  EXPECT_EQ(completed.at("id"), "resp_req9");
  EXPECT_EQ(completed.at("status"), "completed");
  EXPECT_EQ(completed.at("model"), "gw-model");
  EXPECT_EQ(completed.at("output"), json::parse(R"([{"id":"msg_req9_0","type":"message",
      "status":"completed","role":"assistant",
      "content":[{"type":"output_text","text":"Hello","annotations":[]}]}])"));
  EXPECT_EQ(completed.at("usage").at("input_tokens"), 10);
  EXPECT_EQ(completed.at("usage").at("output_tokens"), 2);
  EXPECT_EQ(completed.at("usage").at("total_tokens"), 12);
  EXPECT_EQ(json_of(events[0]).at("response").at("status"), "in_progress");
}

TEST(ResponsesEventWriterTest, WritesAFunctionCallItemWithItsArguments) {
  auto writer = responses_writer();
  const auto events = caller_events(write_all(
      writer, {message_start(), tool_call_start(1, "toolu_1", "get_weather"),
               arguments(1, "{\"city\":"), arguments(1, "\"Paris\"}"),
               message_stop(StopReason::kToolUse)}));
  EXPECT_EQ(types_of(events),
            (Types{"response.created", "response.in_progress", "response.output_item.added",
                   "response.function_call_arguments.delta",
                   "response.function_call_arguments.delta",
                   "response.function_call_arguments.done", "response.output_item.done",
                   "response.completed"}));
  EXPECT_EQ(json_of(events[2]).at("item"), json::parse(R"({"id":"fc_req9_0",
      "type":"function_call","status":"in_progress","call_id":"toolu_1","name":"get_weather",
      "arguments":""})"));
  EXPECT_EQ(json_of(events[3]).at("delta"), "{\"city\":");
  EXPECT_EQ(json_of(events[5]).at("arguments"), "{\"city\":\"Paris\"}");
  EXPECT_EQ(json_of(events[5]).at("name"), "get_weather");
  const auto output = json_of(events.back()).at("response").at("output");
  EXPECT_EQ(output.at(0).at("arguments"), "{\"city\":\"Paris\"}");
  EXPECT_EQ(output.at(0).at("status"), "completed");
}

TEST(ResponsesEventWriterTest, WritesReasoningAsAReasoningItemWithAReasoningTextPart) {
  auto writer = responses_writer();
  const auto events = caller_events(write_all(
      writer, {message_start(), reasoning(0, "think"), text(1, "Hi"),
               message_stop(StopReason::kEndTurn)}));
  EXPECT_EQ(types_of(events),
            (Types{"response.created", "response.in_progress", "response.output_item.added",
                   "response.content_part.added", "response.reasoning_text.delta",
                   "response.reasoning_text.done", "response.content_part.done",
                   "response.output_item.done", "response.output_item.added",
                   "response.content_part.added", "response.output_text.delta",
                   "response.output_text.done", "response.content_part.done",
                   "response.output_item.done", "response.completed"}));
  EXPECT_EQ(json_of(events[3]).at("part"), json::parse(R"({"type":"reasoning_text","text":""})"));
  EXPECT_EQ(json_of(events[8]).at("output_index"), 1);
  const auto output = json_of(events.back()).at("response").at("output");
  EXPECT_EQ(output.at(0), json::parse(R"({"id":"rs_req9_0","type":"reasoning","summary":[],
      "content":[{"type":"reasoning_text","text":"think"}]})"));
  EXPECT_EQ(output.at(1).at("type"), "message");
}

TEST(ResponsesEventWriterTest, EndsAnAnswerCutByTheTokenLimitAsIncomplete) {
  auto writer = responses_writer();
  const auto events =
      caller_events(write_all(writer, {text(0, "cut"), message_stop(StopReason::kMaxTokens)}));
  EXPECT_EQ(events.back().event, "response.incomplete");
  const auto response = json_of(events.back()).at("response");
  EXPECT_EQ(response.at("status"), "incomplete");
  EXPECT_EQ(response.at("incomplete_details").at("reason"), "max_output_tokens");
  EXPECT_TRUE(response.at("usage").is_null());
}

TEST(ResponsesEventWriterTest, EndsAFailureWithTheNormalizersErrorEventNumberedNext) {
  auto writer = responses_writer();
  std::string out;
  writer.on_event(text(0, "Hi"), out);  // created, in_progress, item added, part added, delta
  out.clear();
  writer.on_failure(upstream_reported_error("throttled", std::nullopt), out);
  std::string expected;
  append_responses_error_event(expected, upstream_reported_error("throttled", std::nullopt), 5);
  EXPECT_EQ(out, expected);
}

TEST(ResponsesEventWriterTest, EndsWithAnErrorEventWhenTheUpstreamEndsWithoutAStop) {
  auto writer = responses_writer();
  const auto events = caller_events(write_all(writer, {message_start(), text(0, "Hi")}));
  EXPECT_EQ(events.back().event, "error");
  EXPECT_EQ(json_of(events.back()).at("code"), "upstream_transport");
  for (const auto& event : events) EXPECT_NE(event.event, "response.completed");
}

}  // namespace
}  // namespace sluice::streams
