// The rules every writer shares (message start, block order, endings), seen through a writer that
// records what the shared logic asks of its format.
#include "streams/GenerationStreamWriter.h"
#include "streams/StreamErrors.h"

#include "GenerationTestSupport.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace sluice::streams {
namespace {

using namespace testing;  // NOLINT: the event builders read as a script
using Calls = std::vector<std::string>;

TEST(GenerationStreamWriterTest, SynthesizesTheMessageStartBeforeTheFirstContent) {
  RecordingWriter writer;
  write_all(writer, {text(0, "Hi"), message_stop(StopReason::kEndTurn)});
  EXPECT_EQ(writer.calls, (Calls{"start ", "block_start text 0", "text 0 Hi", "block_stop 0",
                                 "stop end_turn", "ending success"}));
}

TEST(GenerationStreamWriterTest, LetsUsageBeforeTheStartReachTheStart) {
  RecordingWriter writer;
  std::string out;
  writer.on_event(usage(7, 0), out);
  EXPECT_TRUE(writer.calls.empty());
  writer.on_event(message_start("msg_1"), out);
  EXPECT_EQ(writer.calls, (Calls{"start msg_1"}));
  EXPECT_EQ(writer.usage().input, 7);
}

TEST(GenerationStreamWriterTest, StartingABlockClosesTheOpenOne) {
  RecordingWriter writer;
  write_all(writer, {message_start(), reasoning(1, "think"), text(0, "Hi"),
                     tool_call_start(2, "call_1", "f"), arguments(2, "{}"),
                     message_stop(StopReason::kToolUse)});
  EXPECT_EQ(writer.calls,
            (Calls{"start ", "block_start reasoning 0", "reasoning 0 think", "block_stop 0",
                   "block_start text 1", "text 1 Hi", "block_stop 1",
                   "block_start tool 2 call_1 f", "arguments 2 {}", "block_stop 2",
                   "stop tool_use", "ending success"}));
}

TEST(GenerationStreamWriterTest, AnEmptyDeltaOpensItsBlockWithoutWritingADelta) {
  RecordingWriter writer;
  write_all(writer, {message_start(), text(0, ""), block_stop(0), message_stop(StopReason::kEndTurn)});
  EXPECT_EQ(writer.calls, (Calls{"start ", "block_start text 0", "block_stop 0", "stop end_turn",
                                 "ending success"}));
}

TEST(GenerationStreamWriterTest, IgnoresAStopForABlockThatIsNotOpen) {
  RecordingWriter writer;
  write_all(writer, {message_start(), block_stop(5), text(0, "a"), block_stop(0), block_stop(0),
                     message_stop(StopReason::kEndTurn)});
  EXPECT_EQ(writer.calls, (Calls{"start ", "block_start text 0", "text 0 a", "block_stop 0",
                                 "stop end_turn", "ending success"}));
}

TEST(GenerationStreamWriterTest, FailsArgumentsForAToolCallThatIsNotOpen) {
  RecordingWriter writer;
  write_all(writer, {message_start(), tool_call_start(2, "a", "f"), tool_call_start(3, "b", "g"),
                     arguments(2, "{}")});
  EXPECT_EQ(writer.calls.back(), "ending error 502 upstream_transport");
  EXPECT_TRUE(writer.failed());
}

TEST(GenerationStreamWriterTest, EndsWithAnErrorWhenTheUpstreamEndsBeforeTheStop) {
  RecordingWriter writer;
  write_all(writer, {message_start(), text(0, "Hi")});
  EXPECT_EQ(writer.calls.back(), "ending error 502 upstream_transport");
  ASSERT_TRUE(writer.error().has_value());
  EXPECT_EQ(writer.error()->message, "upstream stream ended before the answer was complete");
  EXPECT_TRUE(writer.finished());
  EXPECT_FALSE(writer.stop_seen());
}

TEST(GenerationStreamWriterTest, EndsInSuccessWhenTheUpstreamBreaksAfterTheStop) {
  RecordingWriter writer;
  std::string out;
  writer.on_event(text(0, "Hi"), out);
  writer.on_event(message_stop(StopReason::kEndTurn), out);
  writer.on_failure(upstream_transport_error("reset"), out);
  EXPECT_EQ(writer.calls.back(), "ending success");
  EXPECT_FALSE(writer.failed());
}

TEST(GenerationStreamWriterTest, WritesOneEndingAndNothingAfterIt) {
  RecordingWriter writer;
  std::string out;
  writer.on_event(text(0, "Hi"), out);
  writer.on_failure(upstream_reported_error("boom", std::nullopt), out);
  const auto calls = writer.calls;
  writer.on_event(text(0, "more"), out);
  writer.on_end(out);
  writer.on_failure(upstream_transport_error("again"), out);
  EXPECT_EQ(writer.calls, calls);
  EXPECT_EQ(writer.error()->code, "upstream_http_error");
}

TEST(GenerationStreamWriterTest, KeepsTheLastUsageIncludingOneAfterTheStop) {
  RecordingWriter writer;
  write_all(writer, {usage(3, 0), text(0, "Hi"), message_stop(StopReason::kEndTurn), usage(3, 9)});
  EXPECT_EQ(writer.usage().output, 9);
  EXPECT_EQ(writer.calls.back(), "ending success");
}

TEST(GenerationStreamWriterTest, IgnoresContentAfterTheStop) {
  RecordingWriter writer;
  write_all(writer, {text(0, "Hi"), message_stop(StopReason::kEndTurn), text(0, "late")});
  EXPECT_EQ(writer.calls.back(), "ending success");
  EXPECT_EQ(std::count(writer.calls.begin(), writer.calls.end(), "text 0 late"), 0);
}

}  // namespace
}  // namespace sluice::streams
