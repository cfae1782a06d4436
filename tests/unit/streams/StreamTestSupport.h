// Helpers for the stream normalizer tests: run an upstream SSE body through SseParser and a
// normalizer the way the gateway's stream handler does, and read back what the caller received.
#pragma once

#include "streams/SseParser.h"
#include "streams/StreamNormalizer.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sluice::streams::testing {

enum class Ending { kClean, kNone };

// Feeds `upstream` whole; then reports a clean end unless told not to.
inline std::string run(StreamNormalizer& normalizer, std::string_view upstream,
                       Ending ending = Ending::kClean) {
  std::string out;
  SseParser parser;
  const SseParser::EventCallback forward = [&](const SseEvent& e) { normalizer.on_event(e, out); };
  parser.feed(upstream, forward);
  if (ending == Ending::kClean) {
    parser.finish(forward);
    normalizer.on_upstream_end(out);
  }
  return out;
}

struct CallerEvent {
  std::string event;
  std::string data;
};

// The caller's view of `out`: the events its own SSE parser would see.
inline std::vector<CallerEvent> caller_events(std::string_view out) {
  std::vector<CallerEvent> events;
  SseParser parser;
  const SseParser::EventCallback collect = [&events](const SseEvent& e) {
    events.push_back({std::string(e.event), std::string(e.data)});
  };
  parser.feed(out, collect);
  parser.finish(collect);
  return events;
}

inline boost::json::value json_of(const CallerEvent& event) { return boost::json::parse(event.data); }

}  // namespace sluice::streams::testing
