// RequestLogBuilder: the summary row, attempts and payload for each capture mode, and the payload
// sanitized as api.md §9 asks.
#include "ledger/RequestLogBuilder.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace sluice::ledger {
namespace {

namespace json = boost::json;

config::RequestLoggingConfig logging(config::PayloadCaptureMode mode) {
  config::RequestLoggingConfig config;
  config.payloads.capture_mode = mode;
  return config;
}

RequestRecord chat_record() {
  RequestRecord record;
  record.request_id = "req-1";
  record.occurred_at_unix_ms = 1'700'000'000'000;
  record.method = "POST";
  record.path = "/v1/chat/completions";
  record.operation = "chat_completions";
  record.requested_model = "fast";
  record.resolved_model = "gpt-4o";
  record.route_name = "openai/gpt-4o";
  record.status = 200;
  record.latency_ms = 420;
  record.principal = {access::PrincipalKind::kUser, "ada@example.com", ""};
  record.usage.present = true;
  record.usage.input = 100;
  record.usage.output = 20;
  record.usage.cached_input = 40;
  record.usage.reasoning = 5;
  record.attempts = {{"openai/gpt-4o", "http_503", 503, 30'000},
                     {"openai/gpt-4o", "ok", 200, 390'000}};
  record.caller_tags.service = "billing";
  record.caller_tags.env = "prod";
  record.caller_tags.tags = {"nightly"};
  record.request_headers = {{"Authorization", "Bearer gwk_secret"}, {"X-Trace", "t1"}};
  record.request_body = json::parse(
      R"({"model":"fast","api_key":"sk-inner","messages":[{"role":"user","content":"hi"}]})");
  record.response_body = R"({"id":"c1","choices":[{"message":{"content":"hello"}}]})";
  return record;
}

TEST(RequestLogBuilderTest, DisabledCaptureModeWritesNoRequestLog) {
  const RequestLogBuilder builder(logging(config::PayloadCaptureMode::kDisabled));
  EXPECT_FALSE(builder.build(chat_record(), true));
}

TEST(RequestLogBuilderTest, SummaryOnlyWritesTheSummaryWithoutPayload) {
  const RequestLogBuilder builder(logging(config::PayloadCaptureMode::kSummaryOnly));
  const auto log = builder.build(chat_record(), true);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->request_id, "req-1");
  EXPECT_EQ(log->operation, "chat_completions");
  EXPECT_EQ(log->requested_model, "fast");
  EXPECT_EQ(log->resolved_model, "gpt-4o");
  EXPECT_EQ(log->route, "openai/gpt-4o");
  EXPECT_EQ(log->status, 200);
  EXPECT_EQ(log->latency_ms, 420);
  ASSERT_TRUE(log->principal);
  EXPECT_EQ(log->principal->kind, store::PrincipalKind::kUser);
  EXPECT_EQ(log->principal->id, "ada@example.com");
  EXPECT_EQ(log->input_tokens, 100);
  EXPECT_EQ(log->output_tokens, 20);
  EXPECT_EQ(log->cached_tokens, 40);
  EXPECT_EQ(log->reasoning_tokens, 5);
  EXPECT_EQ(log->caller_service, "billing");
  EXPECT_EQ(log->caller_env, "prod");
  EXPECT_FALSE(log->caller_component);
  EXPECT_EQ(log->caller_tags, std::vector<std::string>{"nightly"});
  EXPECT_FALSE(log->has_payload);
  EXPECT_FALSE(log->payload);
}

TEST(RequestLogBuilderTest, AttemptsAreNumberedWithStoreOutcomes) {
  const RequestLogBuilder builder(logging(config::PayloadCaptureMode::kSummaryOnly));
  const auto log = builder.build(chat_record(), true);
  ASSERT_TRUE(log);
  ASSERT_EQ(log->attempts.size(), 2U);
  EXPECT_EQ(log->attempts[0].attempt_index, 0);
  EXPECT_EQ(log->attempts[0].outcome, "upstream_error");
  EXPECT_EQ(log->attempts[0].upstream_status, 503);
  EXPECT_EQ(log->attempts[0].duration_ms, 30);
  EXPECT_EQ(log->attempts[1].attempt_index, 1);
  EXPECT_EQ(log->attempts[1].outcome, "success");
  EXPECT_EQ(attempt_outcome("upstream_timeout"), "timeout");
  EXPECT_EQ(attempt_outcome("upstream_transport"), "transport_error");
}

TEST(RequestLogBuilderTest, MissingUsageLeavesTokenCountsEmpty) {
  const RequestLogBuilder builder(logging(config::PayloadCaptureMode::kSummaryOnly));
  RequestRecord record = chat_record();
  record.usage = {};
  const auto log = builder.build(record, true);
  ASSERT_TRUE(log);
  EXPECT_FALSE(log->input_tokens);
  EXPECT_FALSE(log->output_tokens);
}

TEST(RequestLogBuilderTest, RedactedPayloadsKeepASanitizedRequestAndResponse) {
  const RequestLogBuilder builder(logging(config::PayloadCaptureMode::kRedactedPayloads));
  const auto log = builder.build(chat_record(), true);
  ASSERT_TRUE(log);
  EXPECT_TRUE(log->has_payload);
  ASSERT_TRUE(log->payload && log->payload->request_json && log->payload->response_json);
  const json::value request = json::parse(*log->payload->request_json);
  EXPECT_EQ(request.at("headers").at("authorization"), "[REDACTED]");
  EXPECT_EQ(request.at("headers").at("x-trace"), "t1");
  EXPECT_EQ(request.at("body").at("api_key"), "[REDACTED]");
  EXPECT_EQ(request.at("body").at("messages").at(0).at("content"), "hi");
  EXPECT_EQ(log->payload->request_json->find("gwk_secret"), std::string::npos);
  const json::value response = json::parse(*log->payload->response_json);
  EXPECT_EQ(response.at("body").at("id"), "c1");
  EXPECT_FALSE(log->payload->request_truncated);
}

TEST(RequestLogBuilderTest, ConfiguredRedactionPathsAndLimitsApply) {
  auto config = logging(config::PayloadCaptureMode::kRedactedPayloads);
  config.payloads.redaction_paths = {"body.model"};
  config.payloads.response_max_bytes = 16;
  const RequestLogBuilder builder(config);
  const auto log = builder.build(chat_record(), true);
  ASSERT_TRUE(log && log->payload);
  EXPECT_EQ(json::parse(*log->payload->request_json).at("body").at("model"), "[REDACTED]");
  EXPECT_TRUE(log->payload->response_truncated);
  EXPECT_LE(log->payload->response_json->size(), 16U);
}

TEST(RequestLogBuilderTest, StreamedResponsesAreLoggedAsTheirKeptEvents) {
  const RequestLogBuilder builder(logging(config::PayloadCaptureMode::kRedactedPayloads));
  RequestRecord record = chat_record();
  record.streamed = true;
  record.response_body.reset();
  record.response_events = {R"({"choices":[{"delta":{"content":"he"}}]})", "[DONE]"};
  record.response_events_omitted = 7;
  const auto log = builder.build(record, true);
  ASSERT_TRUE(log && log->payload && log->payload->response_json);
  const json::value response = json::parse(*log->payload->response_json);
  const auto& events = response.at("body").at("events").as_array();
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].at("choices").at(0).at("delta").at("content"), "he");
  EXPECT_EQ(events[1], "[DONE]");
  EXPECT_EQ(response.at("body").at("omitted_events"), 7);
}

TEST(RequestLogBuilderTest, UsersWhoTurnedLoggingOffGetASummaryWithoutPayload) {
  const RequestLogBuilder builder(logging(config::PayloadCaptureMode::kRedactedPayloads));
  const auto log = builder.build(chat_record(), false);
  ASSERT_TRUE(log);
  EXPECT_FALSE(log->has_payload);
  EXPECT_FALSE(log->payload);
}

}  // namespace
}  // namespace sluice::ledger
