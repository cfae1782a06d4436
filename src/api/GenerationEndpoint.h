// GenerationEndpoint: POST /v1/chat/completions, /v1/responses and /v1/embeddings after the caller
// is authenticated and the model resolved: choose the route, refuse what it cannot do, build and
// authorize the upstream request, send it, and answer — whole, or streamed event by event.
#pragma once

#include "access/CallerKeyRegistry.h"
#include "api/GatewayState.h"
#include "core/ApiFamily.h"
#include "ledger/RequestRecord.h"
#include "observability/Telemetry.h"
#include "server/Exchange.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>

namespace sluice::api {

// Builds this I/O thread's upstream client (connection pools, TLS trust store) ahead of the first
// request, so no request pays for reading the trust store from disk.
void prepare_upstream_client(boost::asio::io_context& io);

// `request_span` is the request's trace span (a not-sampled one when tracing is off); each upstream
// attempt becomes a child span of it. `ledger_record`, when given, is filled with what the ledger
// needs from the attempts: the route that answered (or the last one tried), whether the answer
// streamed, and — when `capture_response` — the answer's body or stream events (at most
// `max_stream_events`, the rest counted).
struct GenerationLedger {
  ledger::RequestRecord* record = nullptr;
  bool capture_response = false;
  std::size_t max_stream_events = 0;
};

boost::asio::awaitable<void> serve_generation(server::Exchange& exchange, const GatewayState& state,
                                              ApiFamily family, const config::ModelConfig& model,
                                              const boost::json::object& body,
                                              const observability::Telemetry& telemetry,
                                              observability::ActiveSpan& request_span,
                                              GenerationLedger ledger = {});

}  // namespace sluice::api
