// UpstreamConnectionPool: idle keep-alive connections, per origin, for one I/O thread.
//
// A connection enters the pool only after its response was read completely on a keep-alive
// connection; it leaves it for the next request to the same origin (scheme, host, port). The most
// recently returned connection is handed out first: it is the one least likely to have been closed
// by the peer's idle timeout. Each origin keeps at most `max_idle_per_origin` connections (one more
// closes the one idle longest), and none idle longer than `idle_timeout`: checked whenever the
// origin's pool is used, and by one sweep timer per pool (not one per connection) that closes
// what has idled too long in origins no request uses any more. Nothing else is cached (no DNS
// answers, no TLS sessions).
//
// Not thread-safe by design: the pool belongs to one UpstreamClient, which belongs to one
// io_context run by one thread, so the hot path takes no lock.
#pragma once

#include "upstream/UpstreamConnection.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>

namespace sluice::upstream {

class UpstreamConnectionPool : public std::enable_shared_from_this<UpstreamConnectionPool> {
 public:
  // `executor` runs the sweep timer: the I/O thread's own. Create it with std::make_shared (the
  // timer's handler holds the pool weakly).
  UpstreamConnectionPool(const boost::asio::any_io_executor& executor, std::size_t max_idle_per_origin,
                         std::chrono::steady_clock::duration idle_timeout)
      : max_idle_per_origin_(max_idle_per_origin), idle_timeout_(idle_timeout), sweep_timer_(executor) {}

  // A live idle connection to `origin`, or null. Connections found closed by the peer are dropped
  // on the way.
  std::unique_ptr<UpstreamConnection> take(const std::string& origin);
  // Keeps `connection` for reuse, or closes it when its origin already has enough idle ones.
  void give_back(std::unique_ptr<UpstreamConnection> connection);

  std::size_t idle_connections(const std::string& origin) const;

  // Counters for tests and metrics: connections this client opened, and requests that were sent
  // on a pooled connection instead.
  void count_opened() { ++opened_; }
  std::uint64_t opened() const { return opened_; }
  std::uint64_t reused() const { return reused_; }

 private:
  // Oldest first: a connection is returned at the back and taken from the back.
  using IdleConnections = std::deque<std::unique_ptr<UpstreamConnection>>;

  bool idle_too_long(const UpstreamConnection& connection, std::chrono::steady_clock::time_point now) const {
    return now - connection.parked_at() > idle_timeout_;
  }
  // Arms the sweep for when the connection idle longest passes the idle timeout, unless armed.
  void schedule_sweep();
  // Closes every connection idle too long, in every origin; schedules the next sweep if any remain.
  void sweep();

  std::size_t max_idle_per_origin_;
  std::chrono::steady_clock::duration idle_timeout_;
  std::unordered_map<std::string, IdleConnections> idle_;
  boost::asio::steady_timer sweep_timer_;
  bool sweep_scheduled_ = false;
  std::uint64_t opened_ = 0;
  std::uint64_t reused_ = 0;
};

}  // namespace sluice::upstream
