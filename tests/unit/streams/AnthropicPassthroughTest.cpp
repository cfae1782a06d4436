#include "streams/AnthropicPassthrough.h"
#include "streams/StreamErrors.h"

#include "GenerationTestSupport.h"
#include "StreamTestSupport.h"

#include <gtest/gtest.h>

namespace sluice::streams {
namespace {

using testing::anthropic_fixture;
using testing::caller_events;
using testing::json_of;
using testing::sse_events;

std::string run_fixture(AnthropicPassthrough& passthrough, std::string_view name) {
  std::string out;
  for (const auto& event : sse_events(anthropic_fixture(name))) {
    passthrough.on_event_json(event.event, event.data, out);
  }
  passthrough.on_end(out);
  return out;
}

// The fixture as the caller receives it: the same events, each closed by a blank line.
std::string as_forwarded(std::string body) {
  while (!body.empty() && body.back() == '\n') body.pop_back();
  return body + "\n\n";
}

TEST(AnthropicPassthroughTest, ForwardsEveryEventByteForByte) {
  for (const char* name : {"basic_response.txt", "tool_use_response.txt", "compaction_response.txt"}) {
    AnthropicPassthrough passthrough;
    EXPECT_EQ(run_fixture(passthrough, name), as_forwarded(anthropic_fixture(name))) << name;
    EXPECT_TRUE(passthrough.stop_seen()) << name;
    EXPECT_TRUE(passthrough.finished()) << name;
    EXPECT_FALSE(passthrough.failed()) << name;
  }
}

TEST(AnthropicPassthroughTest, ReadsUsageFromMessageStartAndMessageDelta) {
  AnthropicPassthrough passthrough;
  run_fixture(passthrough, "tool_use_response.txt");
  EXPECT_TRUE(passthrough.usage().present);
  EXPECT_EQ(passthrough.usage().input, 377);
  EXPECT_EQ(passthrough.usage().output, 65);
  EXPECT_EQ(passthrough.events_forwarded(), 15u);  // pings are forwarded too
}

TEST(AnthropicPassthroughTest, NamesAnUnnamedEventByItsType) {
  AnthropicPassthrough passthrough;
  std::string out;
  passthrough.on_event_json("", R"({"type":"message_stop"})", out);
  EXPECT_EQ(out, "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
  EXPECT_TRUE(passthrough.stop_seen());
}

TEST(AnthropicPassthroughTest, ForwardsTheUpstreamsErrorEventAsTheEnding) {
  AnthropicPassthrough passthrough;
  std::string out;
  const std::string error = R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})";
  passthrough.on_event_json("error", error, out);
  EXPECT_EQ(out, "event: error\ndata: " + error + "\n\n");
  ASSERT_TRUE(passthrough.failed());
  EXPECT_EQ(passthrough.error()->status, 529);
  out.clear();
  passthrough.on_end(out);
  EXPECT_TRUE(out.empty());
}

TEST(AnthropicPassthroughTest, EndsWithAnErrorEventWhenTheBodyEndsBeforeMessageStop) {
  auto events = sse_events(anthropic_fixture("basic_response.txt"));
  events.pop_back();  // message_stop
  AnthropicPassthrough passthrough;
  std::string out;
  for (const auto& event : events) passthrough.on_event_json(event.event, event.data, out);
  passthrough.on_end(out);
  const auto written = caller_events(out);
  EXPECT_EQ(written.back().event, "error");
  EXPECT_EQ(json_of(written.back()).at("error").at("code"), "upstream_transport");
  EXPECT_EQ(passthrough.usage().output, 6);
  EXPECT_FALSE(passthrough.stop_seen());
}

TEST(AnthropicPassthroughTest, EndsAMalformedEventWithAnErrorEventInsteadOfForwardingIt) {
  AnthropicPassthrough passthrough;
  std::string out;
  passthrough.on_event_json("content_block_delta", R"({"type":"content_block_delta",)", out);
  EXPECT_EQ(out.find("content_block_delta"), std::string::npos);
  ASSERT_TRUE(passthrough.failed());
  EXPECT_EQ(passthrough.error()->code, "upstream_transport");
}

TEST(AnthropicPassthroughTest, EndsATransportBreakWithTheGivenError) {
  AnthropicPassthrough passthrough;
  std::string out;
  passthrough.on_failure(GatewayError{504, "upstream_error", "upstream_timeout", std::nullopt, "slow"},
                         out);
  EXPECT_EQ(json_of(caller_events(out).back()).at("error").at("code"), "upstream_timeout");
  EXPECT_EQ(passthrough.error()->status, 504);
}

}  // namespace
}  // namespace sluice::streams
