// StreamCapture: the events of a streamed response kept for the request log, at most
// `stream_max_events` of them (config.md §8).
//
// The stream itself is never held back or trimmed: usage and error parsing see every frame
// (api.md §7). This only decides which frames the log keeps — the first ones, because they carry
// the response's shape — and counts the rest so the log can say how many were left out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::ledger {

class StreamCapture {
 public:
  explicit StreamCapture(std::uint64_t max_events) : max_events_(max_events) {}

  // One event's data (an SSE `data:` payload, a decoded EventStream message …).
  void add(std::string_view event);

  const std::vector<std::string>& kept() const { return kept_; }
  std::uint64_t omitted() const { return omitted_; }
  std::uint64_t seen() const { return kept_.size() + omitted_; }

 private:
  std::uint64_t max_events_;
  std::vector<std::string> kept_;
  std::uint64_t omitted_ = 0;
};

}  // namespace sluice::ledger
