// SseParser: turns the bytes of a text/event-stream body into events, as they arrive.
//
// Upstreams stream Chat Completions, Responses and Anthropic Messages answers as server-sent events,
// and the network splits them wherever it likes: mid-line, mid-field, between the CR and LF of one
// line end. The parser keeps only what it must between chunks (the unfinished line and the event
// being assembled) and follows the WHATWG interpretation rules: lines end in LF, CRLF or CR; `event`,
// `data` and `id` fields are read (several `data` lines join with LF), `retry` and unknown fields are
// ignored, lines starting with ':' are comments, one space after the colon is dropped and a blank
// line dispatches the event. Two deliberate departures, both for upstreams rather than browsers:
//   * finish() dispatches an event that has data but was never closed by a blank line, because real
//     upstreams (and the Anthropic SDK's fixtures) end the body right after the last `data:` line;
//   * an event larger than `max_event_bytes` puts the parser in a failed state instead of growing
//     without bound; it then ignores all further input and error() says why.
// The parser does no I/O and never blocks; one parser reads one upstream body.
#pragma once

#include "core/GatewayError.h"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace sluice::streams {

// One dispatched event. The views point into the parser and are valid only during the callback.
struct SseEvent {
  std::string_view event;  // the `event:` field; empty when absent (WHATWG's default "message" is
                           // not filled in, so a caller can tell an unnamed frame from a named one)
  std::string_view data;   // the `data:` lines joined with '\n'
  std::string_view id;     // the last `id:` seen on the stream (it persists across events)
};

class SseParser {
 public:
  using EventCallback = std::function<void(const SseEvent&)>;

  static constexpr std::size_t kDefaultMaxEventBytes = 16u * 1024u * 1024u;

  explicit SseParser(std::size_t max_event_bytes = kDefaultMaxEventBytes);

  // Consumes the next piece of the body, calling `on_event` for every event it completes.
  void feed(std::string_view bytes, const EventCallback& on_event);

  // The body ended cleanly: completes a last unterminated line and dispatches a pending event that
  // has data. The parser is then ready for a new body.
  void finish(const EventCallback& on_event);

  // True once an event outgrew max_event_bytes; feed() and finish() then do nothing.
  bool failed() const { return failed_; }

  // Why the parser failed, as the upstream_transport error the caller's stream should end with.
  GatewayError error() const;

  // Back to the state of a new parser (keeps the buffers' capacity).
  void reset();

 private:
  void process_line(std::string_view line, const EventCallback& on_event);
  void dispatch(const EventCallback& on_event);
  // Whether the event being assembled plus `extra_bytes` more would outgrow max_event_bytes_.
  bool exceeds_limit(std::size_t extra_bytes) const;
  void fail();

  std::size_t max_event_bytes_;
  std::string line_;   // the unfinished line carried from one feed() to the next
  std::string event_;  // the event being assembled
  std::string data_;
  std::string id_;
  bool has_data_ = false;      // a `data` field was seen: "data:" alone makes an event with ""
  bool skip_lf_ = false;       // the last chunk ended in CR; an LF opening the next one ends no line
  std::size_t bom_bytes_ = 0;  // bytes of a leading UTF-8 byte order mark matched so far (3 = done)
  bool failed_ = false;
};

}  // namespace sluice::streams
