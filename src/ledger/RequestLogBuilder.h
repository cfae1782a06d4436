// RequestLogBuilder: the request-log rows for one finished request (api.md §9): the summary, its
// attempts and, when the capture mode and the user allow it, the sanitized payload.
//
// capture_mode `disabled` means no request log at all ("no chat request logs"), so build() returns
// nothing; `summary_only` writes the summary and attempts with has_payload false; in
// `redacted_payloads` a payload row is added unless the user turned request logging off. What a
// payload may contain is PayloadCapture's decision: the request as {"body", "headers"}, the
// response as {"body", "headers"} where a streamed body is {"events": [...], "omitted_events": n};
// each sanitized and cut to its byte limit.
#pragma once

#include "config/GatewayConfig.h"
#include "ledger/PayloadCapture.h"
#include "ledger/RequestRecord.h"
#include "store/StoreRecords.h"

#include <optional>

namespace sluice::ledger {

class RequestLogBuilder {
 public:
  explicit RequestLogBuilder(const config::RequestLoggingConfig& config);

  std::optional<store::RequestLogRecord> build(const RequestRecord& record,
                                               bool user_request_logging_enabled) const;

 private:
  store::RequestLogPayload payload_of(const RequestRecord& record) const;

  PayloadCapture capture_;
};

// The store's attempt outcome for an AttemptFacts outcome: "ok" → success, "http_<status>" →
// upstream_error, upstream_timeout → timeout, upstream_transport → transport_error; anything else
// (an error code) is kept as it is.
std::string attempt_outcome(std::string_view outcome);

}  // namespace sluice::ledger
