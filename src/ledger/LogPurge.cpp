#include "ledger/LogPurge.h"

#include "core/ThreadName.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/chrono.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

namespace sluice::ledger {
namespace {

namespace asio = boost::asio;
namespace chr = std::chrono;
using Clock = chr::system_clock;

// The longest single sleep: how late a purge can be when the wall clock jumps under the timer.
constexpr chr::hours kLongestSleep{1};

CronSchedule schedule_from(const config::RequestLogPurgeConfig& config) {
  std::string why;
  auto schedule = CronSchedule::parse(config.schedule, &why);
  if (!schedule) throw std::invalid_argument("request_logging.purge.schedule: " + why);
  return *schedule;
}

store::UnixMillis to_millis(Clock::time_point at) {
  return chr::duration_cast<chr::milliseconds>(at.time_since_epoch()).count();
}

}  // namespace

LogPurge::LogPurge(store::Store& store, config::RequestLogPurgeConfig config)
    : store_(store), config_(std::move(config)), schedule_(schedule_from(config_)), timer_(io_) {}

LogPurge::~LogPurge() { shutdown(); }

void LogPurge::start() {
  if (!config_.enabled || thread_.joinable()) return;
  asio::co_spawn(io_, run(), asio::detached);
  thread_ = std::thread([this] {
    core::name_this_thread("log-purge");
    io_.run();
  });
}

void LogPurge::shutdown() {
  if (!thread_.joinable()) return;
  stopping_.store(true);
  // Only the loop's own thread touches the timer; the cancel wakes a sleep at once.
  asio::post(io_, [this] { timer_.cancel(); });
  thread_.join();
}

asio::awaitable<Expected<std::int64_t>> LogPurge::purge_once(Clock::time_point now) {
  const store::UnixMillis before = to_millis(cutoff(now));
  auto purged = co_await store_.purge_request_logs(before);
  co_return purged;
}

asio::awaitable<void> LogPurge::run() {
  spdlog::info("request log purge: schedule `{}` (UTC), retention {} days", config_.schedule,
               config_.retention.count());
  while (!stopping_.load()) {
    const auto now = Clock::now();
    const auto next = schedule_.next_after(chr::floor<chr::seconds>(now));
    if (!next) {
      spdlog::error("request log purge: schedule `{}` never fires; purge stopped",
                    config_.schedule);
      co_return;
    }
    co_await sleep_until(*next);
    if (stopping_.load()) break;
    const auto fired_at = Clock::now();
    auto purged = co_await purge_once(fired_at);
    if (purged) {
      spdlog::info("request log purge: deleted {} request logs older than {:%Y-%m-%d %H:%M} UTC",
                   *purged, chr::floor<chr::minutes>(cutoff(fired_at)));
    } else {
      spdlog::error("request log purge failed: {}; next try at the next scheduled time",
                    purged.error().message);
    }
  }
}

asio::awaitable<void> LogPurge::sleep_until(Clock::time_point at) {
  while (!stopping_.load()) {
    const auto now = Clock::now();
    if (now >= at) co_return;
    const auto wait = std::min<Clock::duration>(at - now, kLongestSleep);
    timer_.expires_after(chr::duration_cast<chr::steady_clock::duration>(wait));
    auto wait_operation = timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    co_await std::move(wait_operation);
  }
}

}  // namespace sluice::ledger
