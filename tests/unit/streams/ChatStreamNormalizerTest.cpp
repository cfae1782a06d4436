#include "streams/ChatStreamNormalizer.h"
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

std::string frame(std::string_view json) { return "data: " + std::string(json) + "\n\n"; }

constexpr std::string_view kContent =
    R"({"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}],"usage":null})";
constexpr std::string_view kFinish =
    R"({"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})";
constexpr std::string_view kUsageOnly =
    R"({"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":2}}})";
const std::string kDone = "data: [DONE]\n\n";

void expect_error_chunk_without_done(const std::string& out, std::string_view code) {
  const auto events = caller_events(out);
  ASSERT_FALSE(events.empty());
  for (const auto& event : events) EXPECT_NE(event.data, "[DONE]");
  const auto error = json_of(events.back());
  const auto& details = error.at("error").as_object();
  EXPECT_EQ(error.as_object().size(), 1u);
  EXPECT_EQ(details.at("type"), "upstream_error");
  EXPECT_EQ(details.at("code").as_string(), code);
  EXPECT_TRUE(details.at("message").is_string());
  EXPECT_TRUE(details.contains("param"));
}

TEST(ChatStream, ForwardsUnchangedChunksByteForByte) {
  // Odd spacing survives: an unchanged chunk is never re-serialized.
  const std::string spaced = R"({ "id" : "c1", "choices" : [ { "index":0, "delta":{"content":"x"}, "finish_reason" : null } ] })";
  const std::string upstream = frame(kContent) + frame(spaced) + frame(kFinish) + kDone;
  ChatStreamNormalizer normalizer;
  EXPECT_EQ(run(normalizer, upstream), upstream);
  EXPECT_EQ(normalizer.events_forwarded(), 3u);
  EXPECT_TRUE(normalizer.terminal_seen());
  EXPECT_FALSE(normalizer.failed());
}

TEST(ChatStream, PromotesChoiceUsageToTheTopLevelWhenAbsent) {
  const std::string chunk =
      R"({"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"stop","usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}]})";
  ChatStreamNormalizer normalizer;
  const auto events = caller_events(run(normalizer, frame(chunk) + kDone));
  ASSERT_EQ(events.size(), 2u);
  const auto promoted = json_of(events[0]);
  EXPECT_EQ(promoted.at("usage").at("total_tokens"), 5);
  EXPECT_EQ(promoted.at("choices").at(0).at("finish_reason"), "stop");
  EXPECT_EQ(normalizer.usage().input, 3);
  EXPECT_EQ(normalizer.usage().output, 2);
}

TEST(ChatStream, PromotesChoiceUsageOverANullTopLevelUsage) {
  const std::string chunk =
      R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop","usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}],"usage":null})";
  ChatStreamNormalizer normalizer;
  const auto events = caller_events(run(normalizer, frame(chunk) + kDone));
  EXPECT_EQ(json_of(events[0]).at("usage").at("prompt_tokens"), 3);
}

TEST(ChatStream, LeavesAPresentTopLevelUsageAlone) {
  const std::string chunk =
      R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop","usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}})";
  ChatStreamNormalizer normalizer;
  const std::string upstream = frame(chunk) + kDone;
  EXPECT_EQ(run(normalizer, upstream), upstream);
  EXPECT_EQ(normalizer.usage().total, 5);
}

TEST(ChatStream, KeepsTheUsageOnlyFinalChunk) {
  const std::string upstream = frame(kContent) + frame(kFinish) + frame(kUsageOnly) + kDone;
  ChatStreamNormalizer normalizer;
  EXPECT_EQ(run(normalizer, upstream), upstream);
  EXPECT_EQ(normalizer.usage().total, 15);
}

TEST(ChatStream, MapsReasoningContentToReasoning) {
  const std::string chunk =
      R"({"choices":[{"index":0,"delta":{"reasoning_content":"think"},"finish_reason":null}]})";
  ChatStreamNormalizer normalizer;
  const auto events = caller_events(run(normalizer, frame(chunk) + kDone));
  const auto chunk_json = json_of(events[0]);
  const auto& delta = chunk_json.at("choices").at(0).at("delta");
  EXPECT_EQ(delta.at("reasoning"), "think");
  EXPECT_EQ(delta.at("reasoning_content"), "think");
}

TEST(ChatStream, MapsReasoningTextToReasoning) {
  const std::string chunk =
      R"({"choices":[{"index":0,"delta":{"reasoning_text":"hmm"},"finish_reason":null}]})";
  ChatStreamNormalizer normalizer;
  const auto events = caller_events(run(normalizer, frame(chunk) + kDone));
  EXPECT_EQ(json_of(events[0]).at("choices").at(0).at("delta").at("reasoning"), "hmm");
}

TEST(ChatStream, KeepsAnExistingReasoningField) {
  const std::string chunk =
      R"({"choices":[{"index":0,"delta":{"reasoning":"mine","reasoning_content":"theirs"},"finish_reason":null}]})";
  const std::string upstream = frame(chunk) + kDone;
  ChatStreamNormalizer normalizer;
  EXPECT_EQ(run(normalizer, upstream), upstream);
}

TEST(ChatStream, WritesDoneOnlyWhenTheUpstreamDoes) {
  ChatStreamNormalizer normalizer;
  const std::string before = run(normalizer, frame(kContent) + frame(kFinish), Ending::kNone);
  EXPECT_EQ(before.find("[DONE]"), std::string::npos);  // a usage-only chunk may still come
  EXPECT_TRUE(normalizer.terminal_seen());
  EXPECT_FALSE(normalizer.finished());

  std::string out;
  normalizer.on_event(SseEvent{{}, "[DONE]", {}}, out);
  EXPECT_EQ(out, kDone);
  EXPECT_TRUE(normalizer.finished());
  normalizer.on_upstream_end(out);
  EXPECT_EQ(out, kDone);  // written once
}

TEST(ChatStream, UpstreamDoneWithoutFinishReasonStillEndsWithDone) {
  ChatStreamNormalizer normalizer;
  const std::string out = run(normalizer, frame(kContent) + kDone);
  EXPECT_EQ(out, frame(kContent) + kDone);
  EXPECT_FALSE(normalizer.failed());
}

TEST(ChatStream, SynthesizesDoneWhenTheUpstreamEndsCleanlyAfterAFinishReason) {
  ChatStreamNormalizer normalizer;
  const std::string out = run(normalizer, frame(kContent) + frame(kFinish));
  EXPECT_EQ(out, frame(kContent) + frame(kFinish) + kDone);
  EXPECT_FALSE(normalizer.failed());
}

TEST(ChatStream, EndOfBodyBeforeATerminalEndsWithAnErrorChunkAndNoDone) {
  ChatStreamNormalizer normalizer;
  const std::string out = run(normalizer, frame(kContent));
  expect_error_chunk_without_done(out, "upstream_transport");
  EXPECT_EQ(caller_events(out).size(), 2u);
  EXPECT_TRUE(normalizer.failed());
  EXPECT_EQ(normalizer.error()->code, "upstream_transport");
}

TEST(ChatStream, NullFinishReasonsAreNotATerminal) {
  ChatStreamNormalizer normalizer;
  run(normalizer, frame(kContent) + frame(kContent));
  EXPECT_FALSE(normalizer.terminal_seen());
  EXPECT_TRUE(normalizer.failed());
}

TEST(ChatStream, MalformedJsonEndsWithATransportErrorAndNothingAfterIt) {
  ChatStreamNormalizer normalizer;
  const std::string out =
      run(normalizer, frame(kContent) + "data: {\"choices\":[\n\n" + frame(kFinish) + kDone);
  expect_error_chunk_without_done(out, "upstream_transport");
  EXPECT_EQ(caller_events(out).size(), 2u);
  EXPECT_EQ(normalizer.events_forwarded(), 1u);
}

TEST(ChatStream, MalformedChunkThatWouldBeParsedIsAlsoAnError) {
  ChatStreamNormalizer normalizer;
  const std::string out = run(normalizer, "data: {\"usage\":{\"prompt_tokens\":1}\n\n");
  expect_error_chunk_without_done(out, "upstream_transport");
}

TEST(ChatStream, ChunkThatIsNotAnObjectIsMalformed) {
  ChatStreamNormalizer normalizer;
  expect_error_chunk_without_done(run(normalizer, "data: [1,2]\n\n"), "upstream_transport");
}

TEST(ChatStream, TopLevelErrorBecomesAnUpstreamErrorChunkKeepingItsMessage) {
  ChatStreamNormalizer normalizer;
  const std::string out = run(
      normalizer,
      frame(kContent) +
          frame(R"({"error":{"message":"overloaded","type":"server_error","param":"model","code":null}})") +
          kDone);
  expect_error_chunk_without_done(out, "upstream_http_error");
  const auto error = json_of(caller_events(out).back()).at("error");
  EXPECT_EQ(error.at("message"), "overloaded");
  EXPECT_EQ(error.at("param"), "model");
}

TEST(ChatStream, ErrorNamedEventIsAnUpstreamError) {
  ChatStreamNormalizer normalizer;
  const std::string out = run(normalizer, "event: error\ndata: {\"message\":\"rate limited\"}\n\n");
  expect_error_chunk_without_done(out, "upstream_http_error");
  EXPECT_EQ(json_of(caller_events(out).back()).at("error").at("message"), "rate limited");
}

TEST(ChatStream, NullOrEmptyErrorMemberIsNotAnError) {
  const std::string upstream = frame(R"({"choices":[],"error":null})") + frame(kFinish) + kDone;
  ChatStreamNormalizer normalizer;
  EXPECT_EQ(run(normalizer, upstream), upstream);
}

TEST(ChatStream, TransportFailureBeforeATerminalEndsWithTheGivenError) {
  ChatStreamNormalizer normalizer;
  std::string out = run(normalizer, frame(kContent), Ending::kNone);
  const GatewayError timeout{504, "upstream_error", "upstream_timeout", std::nullopt, "too slow"};
  normalizer.on_upstream_failure(timeout, out);
  expect_error_chunk_without_done(out, "upstream_timeout");
  EXPECT_EQ(normalizer.error()->status, 504);
}

TEST(ChatStream, TransportFailureAfterAFinishReasonCompletesWithDone) {
  ChatStreamNormalizer normalizer;
  std::string out = run(normalizer, frame(kContent) + frame(kFinish), Ending::kNone);
  normalizer.on_upstream_failure(upstream_transport_error("connection reset"), out);
  EXPECT_EQ(out, frame(kContent) + frame(kFinish) + kDone);
  EXPECT_FALSE(normalizer.failed());
}

TEST(ChatStream, CapturesUsageIncludingCachedAndReasoningTokens) {
  ChatStreamNormalizer normalizer;
  run(normalizer, frame(kContent) + frame(kFinish) + frame(kUsageOnly) + kDone);
  const TokenUsage& usage = normalizer.usage();
  EXPECT_TRUE(usage.present);
  EXPECT_EQ(usage.input, 10);
  EXPECT_EQ(usage.output, 5);
  EXPECT_EQ(usage.total, 15);
  EXPECT_EQ(usage.cached_input, 4);
  EXPECT_EQ(usage.reasoning, 2);
}

TEST(ChatStream, NoUsageReportedLeavesUsageAbsent) {
  ChatStreamNormalizer normalizer;
  run(normalizer, frame(kContent) + frame(kFinish) + kDone);
  EXPECT_FALSE(normalizer.usage().present);
}

TEST(ChatStream, IgnoresFramesAfterDone) {
  ChatStreamNormalizer normalizer;
  const std::string out = run(normalizer, frame(kFinish) + kDone + frame(kContent) + kDone);
  EXPECT_EQ(out, frame(kFinish) + kDone);
}

TEST(ChatStream, MultiLineDataReachesTheCallerUnchanged) {
  const std::string upstream =
      "data: {\"choices\":[{\"index\":0,\ndata: \"delta\":{\"content\":\"x\"}}]}\n\n" + kDone;
  ChatStreamNormalizer normalizer;
  const auto events = caller_events(run(normalizer, upstream));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].data, "{\"choices\":[{\"index\":0,\n\"delta\":{\"content\":\"x\"}}]}");
}

TEST(ChatStream, EmptyKeepAliveFramesAreDropped) {
  ChatStreamNormalizer normalizer;
  EXPECT_EQ(run(normalizer, "data:\n\n" + frame(kFinish) + kDone), frame(kFinish) + kDone);
}

}  // namespace
}  // namespace sluice::streams
