// PayloadCapture and StreamCapture: what the request log keeps, redacted and bounded (api.md §9).
#include "ledger/PayloadCapture.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace sluice::ledger {
namespace {

namespace json = boost::json;
using config::PayloadCaptureMode;

PayloadCapture capture_with(std::vector<std::string> paths = {}, std::uint64_t max_bytes = 65'536) {
  config::PayloadLoggingConfig config;
  config.redaction_paths = std::move(paths);
  config.request_max_bytes = max_bytes;
  config.response_max_bytes = max_bytes;
  return PayloadCapture(config);
}

json::value sanitized(const char* body, std::vector<HeaderField> headers = {},
                      std::vector<std::string> paths = {}) {
  return capture_with(std::move(paths)).sanitize(json::parse(body), headers);
}

std::string at(const json::value& doc, const char* pointer) {
  return json::serialize(doc.at_pointer(pointer));
}

TEST(PayloadCapture, CaptureModeDecidesSummaryAndPayloadRows) {
  config::PayloadLoggingConfig config;
  config.capture_mode = PayloadCaptureMode::kDisabled;
  EXPECT_FALSE(PayloadCapture(config).writes_summary());
  EXPECT_FALSE(PayloadCapture(config).writes_payload(true));
  config.capture_mode = PayloadCaptureMode::kSummaryOnly;
  EXPECT_TRUE(PayloadCapture(config).writes_summary());
  EXPECT_FALSE(PayloadCapture(config).writes_payload(true));
  config.capture_mode = PayloadCaptureMode::kRedactedPayloads;
  EXPECT_TRUE(PayloadCapture(config).writes_payload(true));
  EXPECT_FALSE(PayloadCapture(config).writes_payload(false));  // user opted out
}

TEST(PayloadCapture, RedactsCredentialHeadersInAnyCase) {
  const auto doc = sanitized("{}", {{"Authorization", "Bearer gwk_x.y"},
                                    {"X-Goog-Api-Key", "k"},
                                    {"Cookie", "s=1"},
                                    {"anthropic-api-key", "k"},
                                    {"Content-Type", "application/json"}});
  EXPECT_EQ(at(doc, "/headers/authorization"), R"("[REDACTED]")");
  EXPECT_EQ(at(doc, "/headers/x-goog-api-key"), R"("[REDACTED]")");
  EXPECT_EQ(at(doc, "/headers/cookie"), R"("[REDACTED]")");
  EXPECT_EQ(at(doc, "/headers/anthropic-api-key"), R"("[REDACTED]")");
  EXPECT_EQ(at(doc, "/headers/content-type"), R"("application/json")");
}

TEST(PayloadCapture, RedactsCredentialKeysAtAnyDepth) {
  const auto doc = sanitized(R"({"model":"m","Api_Key":"k","tools":[{"config":{"Password":"p",
      "credentials":{"user":"u"},"max_tokens":5,"access_token":"t"}}]})");
  EXPECT_EQ(at(doc, "/body/Api_Key"), R"("[REDACTED]")");
  EXPECT_EQ(at(doc, "/body/tools/0/config/Password"), R"("[REDACTED]")");
  EXPECT_EQ(at(doc, "/body/tools/0/config/credentials"), R"("[REDACTED]")");
  EXPECT_EQ(at(doc, "/body/tools/0/config/access_token"), R"("[REDACTED]")");
  EXPECT_EQ(at(doc, "/body/tools/0/config/max_tokens"), "5");
  EXPECT_EQ(at(doc, "/body/model"), R"("m")");
}

TEST(PayloadCapture, RedactsChatInlineImagesButKeepsImageLinks) {
  const auto doc = sanitized(R"({"messages":[{"role":"user","content":[
      {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"low"}},
      {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]})");
  EXPECT_EQ(at(doc, "/body/messages/0/content/0/image_url/url"), R"("[REDACTED_IMAGE]")");
  EXPECT_EQ(at(doc, "/body/messages/0/content/0/image_url/detail"), R"("low")");
  EXPECT_EQ(at(doc, "/body/messages/0/content/1/image_url/url"),
            R"("https://example.com/cat.png")");
}

TEST(PayloadCapture, RedactsResponsesAnthropicAndConverseInlineImages) {
  const auto responses = sanitized(R"({"input":[{"role":"user","content":[
      {"type":"input_image","image_url":"data:image/jpeg;base64,BBBB"}]}]})");
  EXPECT_EQ(at(responses, "/body/input/0/content/0/image_url"), R"("[REDACTED_IMAGE]")");

  const auto anthropic = sanitized(R"({"messages":[{"role":"user","content":[{"type":"image",
      "source":{"type":"base64","media_type":"image/png","data":"CCCC"}}]}]})");
  EXPECT_EQ(at(anthropic, "/body/messages/0/content/0/source/data"), R"("[REDACTED_IMAGE]")");
  EXPECT_EQ(at(anthropic, "/body/messages/0/content/0/source/media_type"), R"("image/png")");

  const auto converse = sanitized(R"({"messages":[{"role":"user","content":[
      {"image":{"format":"png","source":{"bytes":"DDDD"}}}]}]})");
  EXPECT_EQ(at(converse, "/body/messages/0/content/0/image/source/bytes"), R"("[REDACTED_IMAGE]")");
}

TEST(PayloadCapture, RedactionPathsWildcardOverKeysAndArrayElements) {
  const auto doc = sanitized(R"({"metadata":{"a":"1","b":{"c":2}},"messages":[
      {"role":"user","content":"secret plan"},{"role":"assistant","content":"ok"}]})",
                             {}, {"body.metadata.*", "body.messages.*.content"});
  EXPECT_EQ(at(doc, "/body/metadata/a"), R"("[REDACTED]")");
  EXPECT_EQ(at(doc, "/body/metadata/b"), R"("[REDACTED]")");
  EXPECT_EQ(at(doc, "/body/messages/0/content"), R"("[REDACTED]")");
  EXPECT_EQ(at(doc, "/body/messages/1/content"), R"("[REDACTED]")");
  EXPECT_EQ(at(doc, "/body/messages/1/role"), R"("assistant")");
}

TEST(PayloadCapture, RedactionPathsAreAnchoredAtTheWrappedRoot) {
  const auto doc = sanitized(R"({"user":"ada","nested":{"user":"bob"}})", {{"X-Trace", "t"}},
                             {"body.user", "headers.x-trace", "user"});
  EXPECT_EQ(at(doc, "/body/user"), R"("[REDACTED]")");
  EXPECT_EQ(at(doc, "/body/nested/user"), R"("bob")");  // not anchored there
  EXPECT_EQ(at(doc, "/headers/x-trace"), R"("[REDACTED]")");
}

TEST(PayloadCapture, KeepsPayloadsWithinTheLimitWhole) {
  const auto payload = capture_with().capture_request(json::parse(R"({"a":1})"), {});
  EXPECT_FALSE(payload.truncated);
  EXPECT_EQ(payload.json, R"({"body":{"a":1},"headers":{}})");
  EXPECT_EQ(payload.original_bytes, payload.json.size());
}

TEST(PayloadCapture, TruncatesToTheLimitOnACharacterBoundary) {
  // {"body":"ééé…  — the 12-byte limit falls in the middle of the second é (2 bytes each).
  const auto payload = capture_with({}, 12).capture_request(json::value("éééééé"), {});
  EXPECT_TRUE(payload.truncated);
  EXPECT_EQ(payload.json, "{\"body\":\"é");
  EXPECT_GT(payload.original_bytes, 12U);
}

TEST(PayloadCapture, TruncationNeverSplitsMultiByteCharacters) {
  for (std::uint64_t limit = 0; limit < 20; ++limit) {
    std::string text = "a€b😀c";
    truncate_utf8(text, limit);
    EXPECT_LE(text.size(), limit);
    boost::system::error_code ec;
    json::parse(json::serialize(json::value(text)), ec);  // Boost.JSON rejects invalid UTF-8
    EXPECT_FALSE(ec) << limit;
  }
}

TEST(PayloadCaptureStream, KeepsTheFirstEventsAndCountsTheRest) {
  StreamCapture stream(2);
  for (const char* event : {"one", "two", "three", "four"}) stream.add(event);
  EXPECT_EQ(stream.kept(), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(stream.omitted(), 2U);
  EXPECT_EQ(stream.seen(), 4U);
}

TEST(PayloadCaptureStream, StreamPayloadListsEventsAndRedactsInsideThem) {
  StreamCapture stream(2);
  stream.add(R"({"choices":[],"token":"t"})");
  stream.add("[DONE]");
  stream.add(R"({"late":true})");
  const auto payload = capture_with().capture_stream(stream, {});
  const auto doc = json::parse(payload.json);
  EXPECT_EQ(at(doc, "/body/events/0/token"), R"("[REDACTED]")");
  EXPECT_EQ(at(doc, "/body/events/1"), R"("[DONE]")");
  EXPECT_EQ(at(doc, "/body/omitted_events"), "1");
}

}  // namespace
}  // namespace sluice::ledger
