// StreamNormalizer: turns an upstream's server-sent events into the bytes the caller receives, in the
// caller's API family, one event at a time (api.md §7).
//
// The handler that owns an upstream stream feeds every event its SseParser yields to on_event(),
// then reports how the body ended: on_upstream_end() for a clean end of body, on_upstream_failure()
// for a break (reset, timeout, an SseParser that failed). Each call appends whatever should go to
// the caller to `out`, which may stay empty; the handler writes `out` and reuses it. A normalizer
// never does I/O and never throws for anything an upstream sends.
//
// Exactly one ending reaches the caller: the family's success terminal, or one structured error
// frame. After either, finished() is true and further upstream events are ignored. Usage is read
// from the frames on the way through (never estimated) and is available at any point.
#pragma once

#include "core/GatewayError.h"
#include "streams/SseParser.h"
#include "streams/TokenUsage.h"

#include <cstddef>
#include <optional>
#include <string>

namespace sluice::streams {

class StreamNormalizer {
 public:
  virtual ~StreamNormalizer() = default;

  virtual void on_event(const SseEvent& event, std::string& out) = 0;
  // The upstream body ended cleanly (EOF after the last event).
  virtual void on_upstream_end(std::string& out) = 0;
  // The upstream body broke mid-stream; `error` is what the gateway would have answered.
  virtual void on_upstream_failure(const GatewayError& error, std::string& out) = 0;

  // The upstream signalled a successful end (a finish_reason or [DONE]; response.completed or
  // response.incomplete).
  bool terminal_seen() const { return terminal_seen_; }
  // The caller's stream ended with an error frame (or the upstream's own failure event).
  bool failed() const { return error_.has_value(); }
  // Why, when failed(): for the request log and the attempt record.
  const std::optional<GatewayError>& error() const { return error_; }
  // Nothing more will be written to the caller; the handler can stop reading the upstream.
  bool finished() const { return finished_; }
  // The most recent usage the upstream reported; present == false until it reports one.
  const TokenUsage& usage() const { return usage_; }
  // Upstream events written to the caller (verbatim or normalized); synthesized frames — [DONE],
  // error frames — are not counted.
  std::size_t events_forwarded() const { return events_forwarded_; }

 protected:
  StreamNormalizer() = default;
  StreamNormalizer(const StreamNormalizer&) = default;
  StreamNormalizer& operator=(const StreamNormalizer&) = default;

  bool terminal_seen_ = false;
  bool finished_ = false;
  std::optional<GatewayError> error_;
  TokenUsage usage_;
  std::size_t events_forwarded_ = 0;
};

}  // namespace sluice::streams
