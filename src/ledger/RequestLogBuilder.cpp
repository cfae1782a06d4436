#include "ledger/RequestLogBuilder.h"

#include "ledger/BudgetEnforcer.h"

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

namespace sluice::ledger {

namespace json = boost::json;

namespace {

// A body that is JSON is logged as JSON, so the redaction rules reach inside it; anything else
// (an SSE event of plain text, a non-JSON error page) is logged as a string.
json::value as_json(std::string_view text, const json::storage_ptr& storage) {
  boost::system::error_code error;
  json::value parsed = json::parse(text, error, storage);
  if (error) return json::value(json::string(text, storage));
  return parsed;
}

json::value stream_body(const RequestRecord& record, const json::storage_ptr& storage) {
  json::array events(storage);
  events.reserve(record.response_events.size());
  for (const auto& event : record.response_events) events.push_back(as_json(event, storage));
  json::object body(storage);
  body.emplace("events", std::move(events));
  body.emplace("omitted_events", record.response_events_omitted);
  return body;
}

std::vector<store::RequestLogAttempt> attempts_of(const RequestRecord& record) {
  std::vector<store::RequestLogAttempt> attempts;
  int index = 0;
  for (const auto& facts : record.attempts) {
    store::RequestLogAttempt attempt;
    attempt.attempt_index = index++;
    attempt.route = facts.route;
    attempt.outcome = attempt_outcome(facts.outcome);
    if (facts.upstream_status != 0)
      attempt.upstream_status = static_cast<int>(facts.upstream_status);
    attempt.duration_ms = static_cast<std::int64_t>(facts.duration_us / 1000);
    attempts.push_back(std::move(attempt));
  }
  return attempts;
}

std::optional<std::string> non_empty(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

}  // namespace

std::string attempt_outcome(std::string_view outcome) {
  if (outcome == "ok") return "success";
  if (outcome.starts_with("http_")) return "upstream_error";
  if (outcome == "upstream_timeout") return "timeout";
  if (outcome == "upstream_transport") return "transport_error";
  return std::string(outcome);
}

RequestLogBuilder::RequestLogBuilder(const config::RequestLoggingConfig& config)
    : capture_(config.payloads) {}

std::optional<store::RequestLogRecord> RequestLogBuilder::build(
    const RequestRecord& record, bool user_request_logging_enabled) const {
  if (!capture_.writes_summary()) return std::nullopt;
  store::RequestLogRecord log;
  log.request_id = record.request_id;
  log.occurred_at = record.occurred_at_unix_ms;
  log.method = record.method;
  log.path = record.path;
  log.operation = record.operation;
  log.requested_model = non_empty(record.requested_model);
  log.resolved_model = non_empty(record.resolved_model);
  if (record.provider != nullptr) log.provider = record.provider->id;
  log.route = non_empty(record.route_name);
  log.status = static_cast<int>(record.status);
  log.latency_ms = static_cast<std::int64_t>(record.latency_ms);
  if (!record.principal.id.empty()) log.principal = to_store_principal(record.principal);
  if (record.usage.present) {
    log.input_tokens = record.usage.input;
    log.output_tokens = record.usage.output;
    log.cached_tokens = record.usage.cached_input;
    log.reasoning_tokens = record.usage.reasoning;
  }
  log.error_code = non_empty(record.error_code);
  log.caller_service = record.caller_tags.service;
  log.caller_component = record.caller_tags.component;
  log.caller_env = record.caller_tags.env;
  log.caller_tags = record.caller_tags.tags;
  log.attempts = attempts_of(record);
  if (capture_.writes_payload(user_request_logging_enabled)) log.payload = payload_of(record);
  log.has_payload = log.payload.has_value();
  return log;
}

store::RequestLogPayload RequestLogBuilder::payload_of(const RequestRecord& record) const {
  store::RequestLogPayload payload;
  if (record.request_body) {
    CapturedPayload request =
        capture_.capture_request(*record.request_body, record.request_headers);
    payload.request_json = std::move(request.json);
    payload.request_truncated = request.truncated;
  }
  // The response's headers are not part of the record: the logged response carries none.
  const std::vector<HeaderField> no_headers;
  // The parsed response is only read by the capture: it lives in an arena, not node by node on
  // the heap.
  json::monotonic_resource arena;
  std::optional<json::value> response_body;
  if (record.streamed && (!record.response_events.empty() || record.response_events_omitted > 0)) {
    response_body = stream_body(record, &arena);
  } else if (record.response_body) {
    response_body = as_json(*record.response_body, &arena);
  }
  if (response_body) {
    CapturedPayload response = capture_.capture_response(*response_body, no_headers);
    payload.response_json = std::move(response.json);
    payload.response_truncated = response.truncated;
  }
  return payload;
}

}  // namespace sluice::ledger
