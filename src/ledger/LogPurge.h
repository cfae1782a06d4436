// LogPurge: deletes request logs older than request_logging.purge.retention, on the cron schedule
// request_logging.purge.schedule (evaluated in UTC), from a thread of its own.
//
// start() runs the loop when purge.enabled; it sleeps until the schedule's next minute, purges
// through the store (purge_request_logs, which takes the attempts and payloads along) and logs how
// many rows went. The sleep is re-checked at least hourly against the wall clock, so a clock
// that jumps (NTP, a suspended VM) delays a purge by at most an hour rather than skipping it. A
// failed purge is logged and waits for the next scheduled time: missing a day only leaves a day's
// more logs for the next run, which deletes by age anyway.
//
// shutdown() stops the loop, waiting for a purge already in flight, and joins the thread; the
// destructor calls it. The store must outlive the LogPurge.
#pragma once

#include "config/GatewayConfig.h"
#include "ledger/CronSchedule.h"
#include "store/Store.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

namespace sluice::ledger {

class LogPurge {
 public:
  // Throws std::invalid_argument when the schedule cannot be evaluated (the config layer has
  // already accepted it, so this means the two disagree).
  LogPurge(store::Store& store, config::RequestLogPurgeConfig config);
  ~LogPurge();
  LogPurge(const LogPurge&) = delete;
  LogPurge& operator=(const LogPurge&) = delete;

  // Starts the loop on its own thread; does nothing unless purge.enabled.
  void start();
  void shutdown();

  // Deletes the logs that occurred before `now - retention`; returns how many. What the loop
  // runs at each scheduled time, and what tests call directly.
  boost::asio::awaitable<Expected<std::int64_t>> purge_once(std::chrono::system_clock::time_point now);

  // Logs older than this are purged at `now`.
  std::chrono::system_clock::time_point cutoff(std::chrono::system_clock::time_point now) const {
    return now - config_.retention;
  }

  const CronSchedule& schedule() const { return schedule_; }

 private:
  boost::asio::awaitable<void> run();
  // Sleeps until `at` on the wall clock, or until shutdown; at most an hour at a time.
  boost::asio::awaitable<void> sleep_until(std::chrono::system_clock::time_point at);

  store::Store& store_;
  const config::RequestLogPurgeConfig config_;
  const CronSchedule schedule_;
  std::atomic<bool> stopping_{false};
  boost::asio::io_context io_;
  boost::asio::steady_timer timer_;
  std::thread thread_;
};

}  // namespace sluice::ledger
