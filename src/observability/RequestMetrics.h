// RequestMetrics: what one answered request adds to the gateway's metrics.
//
// The server writes one AccessLogRecord per request, whatever endpoint answered it and however it
// failed; the same record feeds the metrics, so the access log and /metrics always count the same
// requests. Token counts and upstream attempts come from the record too.
#pragma once

#include "observability/AccessLog.h"
#include "observability/GatewayMetrics.h"

#include <string_view>

namespace sluice::observability {

// The `endpoint` label of a request path (/v1/messages and /messages are both kMessages).
EndpointLabel endpoint_label_for_path(std::string_view path);

void record_answered_request(GatewayMetrics& metrics, const AccessLogRecord& record);

}  // namespace sluice::observability
