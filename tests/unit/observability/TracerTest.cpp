// Tracer: sampling at the root (by ratio, or by the caller's traceparent), children following it,
// what a finished span carries, and the traceparent header both ways.
#include "observability/Tracer.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace sluice::observability {
namespace {

class CollectingSink : public SpanSink {
 public:
  void enqueue(SpanRecord span) override { spans.push_back(std::move(span)); }
  std::vector<SpanRecord> spans;
};

constexpr std::string_view kInboundSampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
constexpr std::string_view kInboundNotSampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

class TracerTest : public ::testing::Test {
 protected:
  void SetUp() override { Tracer::seed_this_thread(20240607); }

  // The share of `traces` new root spans that the tracer samples at `ratio`.
  double sampled_share(double ratio, int traces = 10'000) {
    Tracer tracer(ratio, sink_);
    int sampled = 0;
    for (int i = 0; i < traces; ++i) {
      if (tracer.start_root("GET /").sampled()) ++sampled;
    }
    return static_cast<double>(sampled) / traces;
  }

  std::shared_ptr<CollectingSink> sink_ = std::make_shared<CollectingSink>();
};

TEST_F(TracerTest, RatioOneSamplesEveryTrace) { EXPECT_EQ(sampled_share(1.0), 1.0); }

TEST_F(TracerTest, RatioZeroSamplesNoTrace) {
  EXPECT_EQ(sampled_share(0.0), 0.0);
  EXPECT_TRUE(sink_->spans.empty());
}

TEST_F(TracerTest, RatioHalfSamplesAboutHalfOfTheTraces) {
  const double share = sampled_share(0.5);
  EXPECT_GE(share, 0.45);
  EXPECT_LE(share, 0.55);
}

TEST_F(TracerTest, RatioDecisionDependsOnTheLowEightBytesOfTheTraceId) {
  TraceId low_half{};
  low_half[8] = 0x3f;  // low 8 bytes = 0x3f00... : below half of the range
  TraceId high_half{};
  high_half[8] = 0xc0;  // above half
  EXPECT_TRUE(Tracer::ratio_samples(low_half, 0.5));
  EXPECT_FALSE(Tracer::ratio_samples(high_half, 0.5));

  TraceId only_high_bytes{};
  only_high_bytes[0] = 0xff;  // the high bytes play no part
  EXPECT_TRUE(Tracer::ratio_samples(only_high_bytes, 0.01));
}

TEST_F(TracerTest, ChildrenFollowTheRootsDecision) {
  Tracer tracer(0.5, sink_);
  for (int i = 0; i < 100; ++i) {
    auto root = tracer.start_root("POST /v1/chat/completions");
    auto child = tracer.start_child(root, "chat gpt-4o");
    EXPECT_EQ(child.sampled(), root.sampled());
    EXPECT_EQ(child.trace_id(), root.trace_id());
    EXPECT_NE(child.span_id(), root.span_id());
  }
}

TEST_F(TracerTest, EndedSpanReachesTheSinkWithItsParentKindAndAttributes) {
  Tracer tracer(1.0, sink_);
  auto root = tracer.start_root("POST /v1/chat/completions");
  {
    auto call = tracer.start_child(root, "chat gpt-4o");
    call.set_attribute(span_attributes::kGenAiRequestModel, "gpt-4o");
    call.set_attribute(span_attributes::kHttpResponseStatusCode, 200);
    call.set_attribute(span_attributes::kGenAiUsageInputTokens, std::uint64_t{12});
    call.set_attribute("sampling.share", 0.5);
    call.set_attribute("stream", true);
    call.end();
  }
  ASSERT_EQ(sink_->spans.size(), 1u);
  const SpanRecord& span = sink_->spans.front();
  EXPECT_EQ(span.name, "chat gpt-4o");
  EXPECT_EQ(span.kind, SpanKind::kClient);
  EXPECT_EQ(span.trace_id, root.trace_id());
  EXPECT_EQ(span.parent, root.span_id());
  EXPECT_LE(span.start_unix_nanos, span.end_unix_nanos);
  ASSERT_EQ(span.attributes.size(), 5u);
  EXPECT_EQ(std::get<std::string>(span.attributes[0].value), "gpt-4o");
  EXPECT_EQ(std::get<std::int64_t>(span.attributes[1].value), 200);
  EXPECT_EQ(std::get<std::int64_t>(span.attributes[2].value), 12);
  EXPECT_EQ(std::get<double>(span.attributes[3].value), 0.5);
  EXPECT_EQ(std::get<bool>(span.attributes[4].value), true);
}

TEST_F(TracerTest, RootIsAServerSpanWithoutParent) {
  Tracer tracer(1.0, sink_);
  tracer.start_root("GET /v1/models").end();
  ASSERT_EQ(sink_->spans.size(), 1u);
  EXPECT_EQ(sink_->spans[0].kind, SpanKind::kServer);
  EXPECT_FALSE(sink_->spans[0].parent.has_value());
}

TEST_F(TracerTest, SettingAnAttributeTwiceKeepsTheLastValue) {
  Tracer tracer(1.0, sink_);
  auto span = tracer.start_root("GET /");
  span.set_attribute(span_attributes::kErrorType, "first");
  span.set_attribute(span_attributes::kErrorType, "second");
  span.end();
  ASSERT_EQ(sink_->spans.at(0).attributes.size(), 1u);
  EXPECT_EQ(std::get<std::string>(sink_->spans[0].attributes[0].value), "second");
}

TEST_F(TracerTest, ErrorStatusIsRecorded) {
  Tracer tracer(1.0, sink_);
  auto span = tracer.start_root("GET /");
  span.set_error("upstream_timeout");
  span.end();
  EXPECT_TRUE(sink_->spans.at(0).error);
  EXPECT_EQ(sink_->spans[0].status_message, "upstream_timeout");
}

TEST_F(TracerTest, SpanIsHandedOverOnceWhetherEndedOrDestroyed) {
  Tracer tracer(1.0, sink_);
  {
    auto ended = tracer.start_root("a");
    ended.end();
    ended.end();
    auto forgotten = tracer.start_root("b");
  }
  ASSERT_EQ(sink_->spans.size(), 2u);
  EXPECT_EQ(sink_->spans[0].name, "a");
  EXPECT_EQ(sink_->spans[1].name, "b");
}

TEST_F(TracerTest, MovedSpanIsHandedOverOnce) {
  Tracer tracer(1.0, sink_);
  {
    auto first = tracer.start_root("a");
    ActiveSpan second = std::move(first);
    ActiveSpan third;
    third = std::move(second);
  }
  EXPECT_EQ(sink_->spans.size(), 1u);
}

TEST_F(TracerTest, InboundSampledTraceparentIsContinuedEvenAtRatioZero) {
  Tracer tracer(0.0, sink_);
  auto root = tracer.start_root("POST /v1/chat/completions", kInboundSampled);
  EXPECT_TRUE(root.sampled());
  EXPECT_EQ(to_hex(root.trace_id()), "4bf92f3577b34da6a3ce929d0e0e4736");
  root.end();
  ASSERT_EQ(sink_->spans.size(), 1u);
  ASSERT_TRUE(sink_->spans[0].parent.has_value());
  EXPECT_EQ(to_hex(*sink_->spans[0].parent), "00f067aa0ba902b7");
}

TEST_F(TracerTest, InboundNotSampledTraceparentIsNotRecordedEvenAtRatioOne) {
  Tracer tracer(1.0, sink_);
  auto root = tracer.start_root("GET /", kInboundNotSampled);
  root.set_attribute(span_attributes::kUrlPath, "/");
  root.end();
  EXPECT_FALSE(root.sampled());
  EXPECT_EQ(to_hex(root.trace_id()), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_TRUE(sink_->spans.empty());
}

TEST_F(TracerTest, InvalidInboundTraceparentStartsANewTrace) {
  Tracer tracer(1.0, sink_);
  auto root = tracer.start_root("GET /", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01");
  EXPECT_NE(to_hex(root.trace_id()), "4bf92f3577b34da6a3ce929d0e0e4736");
  root.end();
  EXPECT_FALSE(sink_->spans.at(0).parent.has_value());
}

TEST_F(TracerTest, TraceparentNamesThisSpanAndTheDecision) {
  Tracer tracer(1.0, sink_);
  auto root = tracer.start_root("GET /", kInboundSampled);
  auto call = tracer.start_child(root, "chat");
  EXPECT_EQ(call.traceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-" + to_hex(call.span_id()) + "-01");

  Tracer never(0.0, sink_);
  auto unsampled = never.start_root("GET /");
  const auto header = unsampled.traceparent();
  EXPECT_EQ(header.substr(header.size() - 3), "-00");
  const auto parsed = TraceParent::parse(header);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->trace_id, unsampled.trace_id());
}

TEST(TracerTraceparentTest, ParsesIdsAndSampledFlag) {
  const auto parsed = TraceParent::parse(kInboundSampled);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(to_hex(parsed->trace_id), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(to_hex(parsed->parent_id), "00f067aa0ba902b7");
  EXPECT_TRUE(parsed->sampled);
  EXPECT_FALSE(TraceParent::parse(kInboundNotSampled)->sampled);
}

TEST(TracerTraceparentTest, OtherFlagBitsDoNotChangeTheSampledBit) {
  EXPECT_TRUE(TraceParent::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03")->sampled);
  EXPECT_FALSE(TraceParent::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02")->sampled);
}

TEST(TracerTraceparentTest, RejectsMalformedHeaders) {
  const std::vector<std::string_view> invalid = {
      "",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",   // all-zero trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",   // all-zero parent id
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // forbidden version
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // a version we do not read
      "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",    // trace id too short
      "00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-01",  // trace id too long
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",    // parent id too short
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",    // flags too short
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",  // trailing text
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",   // uppercase trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",   // uppercase parent id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",   // uppercase flags
      "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",   // wrong separators
      "00-4bf92f3577b34da6a3ce929d0e0e47zz-00f067aa0ba902b7-01",   // not hex
  };
  for (const auto header : invalid) {
    EXPECT_FALSE(TraceParent::parse(header).has_value()) << header;
  }
}

TEST(TracerHexTest, WritesLowercaseHexWithLeadingZeros) {
  EXPECT_EQ(to_hex(SpanId{0x00, 0x0a, 0xff, 0x10, 0x01, 0x00, 0x00, 0x09}), "000aff1001000009");
}

}  // namespace
}  // namespace sluice::observability
