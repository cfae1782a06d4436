#include "observability/RequestMetrics.h"

namespace sluice::observability {

EndpointLabel endpoint_label_for_path(std::string_view path) {
  if (path == "/v1/chat/completions") return EndpointLabel::kChatCompletions;
  if (path == "/v1/responses") return EndpointLabel::kResponses;
  if (path == "/v1/embeddings") return EndpointLabel::kEmbeddings;
  if (path == "/v1/messages" || path == "/messages") return EndpointLabel::kMessages;
  if (path == "/v1/models" || path.starts_with("/v1/models/")) return EndpointLabel::kModels;
  return EndpointLabel::kOther;
}

void record_answered_request(GatewayMetrics& metrics, const AccessLogRecord& record) {
  std::chrono::microseconds upstream{0};
  for (const AttemptRecord& attempt : record.attempts) {
    upstream += std::chrono::microseconds(attempt.duration_us);
    metrics.record_upstream_attempt(attempt.route, attempt.outcome);
    if (attempt.first_byte_us != 0) {
      metrics.record_upstream_first_byte(attempt.route,
                                         std::chrono::microseconds(attempt.first_byte_us));
    }
  }
  metrics.record_request(RequestObservation{
      .endpoint = endpoint_label_for_path(record.path),
      .model = record.resolved_model,
      .route = record.route,
      .status = record.status,
      .duration = std::chrono::microseconds(record.duration_us),
      .upstream_duration = upstream,
  });
  if (record.usage_present) {
    const auto count = [](std::int64_t tokens) {
      return tokens > 0 ? static_cast<std::uint64_t>(tokens) : 0u;
    };
    metrics.record_tokens(record.resolved_model, TokenDirection::kInput, count(record.input_tokens));
    metrics.record_tokens(record.resolved_model, TokenDirection::kOutput,
                          count(record.output_tokens));
    metrics.record_tokens(record.resolved_model, TokenDirection::kCachedInput,
                          count(record.cached_input_tokens));
    metrics.record_tokens(record.resolved_model, TokenDirection::kReasoning,
                          count(record.reasoning_tokens));
  }
}

}  // namespace sluice::observability
