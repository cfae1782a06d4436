// RequestRecord: everything the request path knows about one finished generation request, handed
// to the ledger after the caller has its answer.
//
// The API layer fills it from the exchange (access-log record, caller key, route, usage) and the
// payloads it captured; ledger/Accounting turns it into a usage-ledger row, budget spend and a
// request log, all written behind the response.
#pragma once

#include "access/CallerKeyRegistry.h"
#include "config/GatewayConfig.h"
#include "ledger/CallerTags.h"
#include "streams/TokenUsage.h"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sluice::ledger {

struct AttemptFacts {
  std::string route;    // "<provider>/<upstream model>"
  std::string outcome;  // "ok", "http_<status>", or an error code
  unsigned upstream_status = 0;
  std::uint64_t duration_us = 0;
};

struct RequestRecord {
  std::string request_id;
  std::int64_t occurred_at_unix_ms = 0;  // when the request arrived
  std::string method;
  std::string path;
  std::string operation;        // chat_completions | responses | embeddings | messages
  std::string requested_model;  // as the caller named it (an alias, a tag selector)
  std::string resolved_model;   // the canonical gateway model id
  // The route that answered (the last one tried when none did); null when no route was tried. The
  // pointers belong to the configuration the request ran on, alive for the duration of record().
  const config::ProviderConfig* provider = nullptr;
  const config::RouteConfig* route = nullptr;
  std::string route_name;  // "<provider>/<upstream model>", "" when none
  unsigned status = 0;     // HTTP status sent to the caller
  std::uint64_t latency_ms = 0;
  bool streamed = false;
  access::Principal principal;
  std::string api_key_public_id;
  streams::TokenUsage usage;  // usage.present == false: usage_missing
  std::vector<AttemptFacts> attempts;
  std::string error_code;  // GatewayError::code when the request failed
  CallerTags caller_tags;

  // Payloads, present only when the capture mode asks for them (PayloadCapture decides): the
  // caller's request headers and body, and the answer — a whole body, or the stream's events.
  std::vector<std::pair<std::string, std::string>> request_headers;
  std::optional<boost::json::value> request_body;
  std::optional<std::string> response_body;
  std::vector<std::string> response_events;  // SSE event data, at most stream_max_events kept
  std::uint64_t response_events_omitted = 0;
};

}  // namespace sluice::ledger
