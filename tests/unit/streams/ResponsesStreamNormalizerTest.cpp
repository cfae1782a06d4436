#include "streams/ResponsesStreamNormalizer.h"
#include "streams/StreamErrors.h"

#include "StreamTestSupport.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::streams {
namespace {

using testing::caller_events;
using testing::Ending;
using testing::json_of;
using testing::run;

std::string named(std::string_view name, std::string_view json) {
  return "event: " + std::string(name) + "\ndata: " + std::string(json) + "\n\n";
}

const std::string kCreated = named(
    "response.created",
    R"({"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","output":[],"usage":null}})");
const std::string kDelta = named(
    "response.output_text.delta",
    R"({"type":"response.output_text.delta","sequence_number":1,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi"})");
const std::string kCompleted = named(
    "response.completed",
    R"({"type":"response.completed","sequence_number":2,"response":{"id":"resp_1","object":"response","status":"completed","error":null,"output":[],"usage":{"input_tokens":12,"input_tokens_details":{"cached_tokens":3,"cache_write_tokens":1},"output_tokens":7,"output_tokens_details":{"reasoning_tokens":5},"total_tokens":19}}})");
const std::string kIncomplete = named(
    "response.incomplete",
    R"({"type":"response.incomplete","sequence_number":2,"response":{"id":"resp_1","object":"response","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"output":[],"usage":{"input_tokens":4,"output_tokens":6,"total_tokens":10}}})");
const std::string kFailed = named(
    "response.failed",
    R"({"type":"response.failed","sequence_number":2,"response":{"id":"resp_1","object":"response","status":"failed","error":{"code":"server_error","message":"The model failed to generate a response."},"output":[],"usage":null}})");

// Checks the synthesized error event and returns its data.
boost::json::value expect_synthesized_error(const std::string& out, std::string_view code,
                                            std::int64_t sequence_number) {
  const auto events = caller_events(out);
  EXPECT_FALSE(events.empty());
  if (events.empty()) return {};
  EXPECT_EQ(events.back().event, "error");
  const auto data = json_of(events.back());
  EXPECT_EQ(data.at("type"), "error");
  EXPECT_EQ(data.at("code").as_string(), code);
  EXPECT_TRUE(data.at("message").is_string());
  EXPECT_TRUE(data.at("param").is_null());
  EXPECT_EQ(data.at("sequence_number"), sequence_number);
  const auto& error = data.at("error");
  EXPECT_EQ(error.at("type"), "upstream_error");
  EXPECT_EQ(error.at("code").as_string(), code);
  EXPECT_EQ(error.at("message"), data.at("message"));
  EXPECT_TRUE(error.at("param").is_null());
  for (const auto& event : events) EXPECT_NE(event.data, "[DONE]");
  return data;
}

TEST(ResponsesStream, PreservesEventNamesAndPayloadsByteForByte) {
  const std::string upstream = kCreated + kDelta + kCompleted;
  ResponsesStreamNormalizer normalizer;
  EXPECT_EQ(run(normalizer, upstream), upstream);
  EXPECT_EQ(normalizer.events_forwarded(), 3u);
}

TEST(ResponsesStream, CompletedIsTheSuccessTerminalAndCarriesUsage) {
  ResponsesStreamNormalizer normalizer;
  run(normalizer, kCreated + kDelta + kCompleted);
  EXPECT_TRUE(normalizer.terminal_seen());
  EXPECT_TRUE(normalizer.finished());
  EXPECT_FALSE(normalizer.failed());
  const TokenUsage& usage = normalizer.usage();
  EXPECT_TRUE(usage.present);
  EXPECT_EQ(usage.input, 12);
  EXPECT_EQ(usage.output, 7);
  EXPECT_EQ(usage.total, 19);
  EXPECT_EQ(usage.cached_input, 3);
  EXPECT_EQ(usage.cache_write_input, 1);
  EXPECT_EQ(usage.reasoning, 5);
}

TEST(ResponsesStream, IncompleteIsASuccessTerminalToo) {
  ResponsesStreamNormalizer normalizer;
  const std::string upstream = kCreated + kIncomplete;
  EXPECT_EQ(run(normalizer, upstream), upstream);
  EXPECT_TRUE(normalizer.terminal_seen());
  EXPECT_FALSE(normalizer.failed());
  EXPECT_EQ(normalizer.usage().total, 10);
}

TEST(ResponsesStream, FailedIsForwardedAsItCameAndFailsTheStream) {
  ResponsesStreamNormalizer normalizer;
  const std::string upstream = kCreated + kDelta + kFailed;
  EXPECT_EQ(run(normalizer, upstream), upstream);  // nothing added after it, even at EOF
  EXPECT_TRUE(normalizer.failed());
  EXPECT_FALSE(normalizer.terminal_seen());
  EXPECT_EQ(normalizer.error()->code, "upstream_http_error");
  EXPECT_EQ(normalizer.error()->message, "The model failed to generate a response.");
}

TEST(ResponsesStream, UpstreamErrorEventIsForwardedAsItCameAndFailsTheStream) {
  const std::string error = named(
      "error",
      R"({"type":"error","code":"ERR_SOMETHING","message":"Something went wrong","param":null,"sequence_number":1})");
  ResponsesStreamNormalizer normalizer;
  EXPECT_EQ(run(normalizer, kCreated + error + kCompleted), kCreated + error);
  EXPECT_TRUE(normalizer.failed());
  EXPECT_EQ(normalizer.error()->message, "Something went wrong");
}

TEST(ResponsesStream, PrematureEndOfBodyEndsWithAnErrorEvent) {
  ResponsesStreamNormalizer normalizer;
  const std::string out = run(normalizer, kCreated + kDelta);
  EXPECT_EQ(out.substr(0, kCreated.size() + kDelta.size()), kCreated + kDelta);
  expect_synthesized_error(out, "upstream_transport", 2);
  EXPECT_EQ(caller_events(out).size(), 3u);
  EXPECT_TRUE(normalizer.failed());
  EXPECT_FALSE(normalizer.terminal_seen());
}

TEST(ResponsesStream, EmptyBodyEndsWithAnErrorEventNumberedZero) {
  ResponsesStreamNormalizer normalizer;
  expect_synthesized_error(run(normalizer, ""), "upstream_transport", 0);
}

TEST(ResponsesStream, ChatShapedFrameIsNotForwardedAndEndsWithAnErrorEvent) {
  const std::string chat =
      R"(data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]})"
      "\n\n";
  ResponsesStreamNormalizer normalizer;
  const std::string out = run(normalizer, kCreated + chat);
  EXPECT_EQ(out.find("chat.completion.chunk"), std::string::npos);
  expect_synthesized_error(out, "upstream_transport", 1);
  EXPECT_EQ(normalizer.events_forwarded(), 1u);
}

TEST(ResponsesStream, ObjectChatCompletionChunkWithoutChoicesIsChatShaped) {
  ResponsesStreamNormalizer normalizer;
  const std::string out =
      run(normalizer, "data: {\"object\":\"chat.completion.chunk\",\"usage\":{\"prompt_tokens\":1}}\n\n");
  expect_synthesized_error(out, "upstream_transport", 0);
}

TEST(ResponsesStream, ToolSchemaPropertyNamedChoicesIsNotChatShaped) {
  const std::string created = named(
      "response.created",
      R"({"type":"response.created","sequence_number":0,"response":{"id":"r","tools":[{"type":"function","name":"pick","parameters":{"type":"object","properties":{"choices":{"type":"array"}}}}]}})");
  ResponsesStreamNormalizer normalizer;
  const std::string upstream = created + kCompleted;
  EXPECT_EQ(run(normalizer, upstream), upstream);
  EXPECT_FALSE(normalizer.failed());
}

TEST(ResponsesStream, NeverWritesDone) {
  ResponsesStreamNormalizer normalizer;
  const std::string out = run(normalizer, kCreated + kCompleted + "data: [DONE]\n\n");
  EXPECT_EQ(out, kCreated + kCompleted);
  EXPECT_FALSE(normalizer.failed());
}

TEST(ResponsesStream, UpstreamDoneBeforeATerminalIsAnError) {
  ResponsesStreamNormalizer normalizer;
  const std::string out = run(normalizer, kCreated + "data: [DONE]\n\n");
  expect_synthesized_error(out, "upstream_transport", 1);
  EXPECT_EQ(caller_events(out).size(), 2u);
}

TEST(ResponsesStream, UnnamedFrameGetsTheEventNameOfItsType) {
  ResponsesStreamNormalizer normalizer;
  const std::string out = run(
      normalizer,
      R"(data: {"type":"response.completed","sequence_number":0,"response":{"usage":{"input_tokens":1,"output_tokens":2,"total_tokens":3}}})"
      "\n\n");
  const auto events = caller_events(out);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event, "response.completed");
  EXPECT_TRUE(normalizer.terminal_seen());
  EXPECT_EQ(normalizer.usage().total, 3);
}

TEST(ResponsesStream, UnnamedFrameWithATopLevelErrorIsForwardedAsAnErrorEvent) {
  ResponsesStreamNormalizer normalizer;
  const std::string out =
      run(normalizer, kCreated + "data: {\"error\":{\"message\":\"quota\",\"type\":\"x\"}}\n\n");
  const auto events = caller_events(out);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].event, "error");
  EXPECT_EQ(json_of(events[1]).at("error").at("message"), "quota");
  EXPECT_EQ(normalizer.error()->message, "quota");
}

TEST(ResponsesStream, MalformedEventIsNotForwardedAndEndsWithAnErrorEvent) {
  ResponsesStreamNormalizer normalizer;
  const std::string out =
      run(normalizer, kCreated + "event: response.output_text.delta\ndata: {\"delta\":\n\n" + kCompleted);
  expect_synthesized_error(out, "upstream_transport", 1);
  EXPECT_EQ(caller_events(out).size(), 2u);
}

TEST(ResponsesStream, TransportFailureEndsWithAnErrorEventCarryingTheGivenCode) {
  ResponsesStreamNormalizer normalizer;
  std::string out = run(normalizer, kCreated + kDelta, Ending::kNone);
  normalizer.on_upstream_failure(
      GatewayError{504, "upstream_error", "upstream_timeout", std::nullopt, "too slow"}, out);
  const auto data = expect_synthesized_error(out, "upstream_timeout", 2);
  EXPECT_EQ(data.at("message"), "too slow");
  EXPECT_EQ(normalizer.error()->status, 504);
}

TEST(ResponsesStream, TransportFailureAfterTheTerminalWritesNothing) {
  ResponsesStreamNormalizer normalizer;
  std::string out = run(normalizer, kCreated + kCompleted, Ending::kNone);
  normalizer.on_upstream_failure(upstream_transport_error("reset"), out);
  EXPECT_EQ(out, kCreated + kCompleted);
  EXPECT_FALSE(normalizer.failed());
}

TEST(ResponsesStream, ErrorEventWithoutUpstreamSequenceNumbersCountsForwardedEvents) {
  ResponsesStreamNormalizer normalizer;
  const std::string out = run(normalizer, named("response.created", R"({"type":"response.created"})") +
                                              named("response.in_progress", R"({"type":"x"})"));
  expect_synthesized_error(out, "upstream_transport", 2);
}

}  // namespace
}  // namespace sluice::streams
