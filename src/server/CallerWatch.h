// CallerWatch: notices, while a handler waits on something else, that the caller has closed its
// connection — so an upstream stream or a retry wait stops at once instead of running on for a
// caller who is gone (and being billed for).
//
// One socket wait for the whole lifetime of the watch, with a plain completion handler: the
// stream loop's reads do not each race a second coroutine (`read || caller_gone`), whose frames,
// parallel group and cancellation cost more than the read itself on a busy stream
// (bench/README.md, "Streams: one caller watch per stream").
//
// `on_gone` runs once, on the exchange's thread, when the caller's socket reports an orderly close
// or a reset. Bytes from the caller (a pipelined request) mean it is still there: the watch then
// stops looking. Destroying the watch stops it; `on_gone` is never called after that, so it may
// refer to the handler's locals.
#pragma once

#include <functional>
#include <memory>

namespace sluice::server {

class Exchange;

class CallerWatch {
 public:
  CallerWatch(Exchange& exchange, std::function<void()> on_gone);
  ~CallerWatch();
  CallerWatch(const CallerWatch&) = delete;
  CallerWatch& operator=(const CallerWatch&) = delete;

  // The caller's connection closed while the watch was on.
  bool caller_left() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace sluice::server
