#include "ledger/LedgerWriter.h"

#include "core/ThreadName.h"
#include "core/ThreadPriority.h"
#include "observability/GatewayMetrics.h"
#include "store/Store.h"
#include "store/StoreQueries.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <spdlog/spdlog.h>

#include <tuple>

namespace sluice::ledger {

namespace asio = boost::asio;

namespace {

constexpr int kConflict = 409;

// In background, a writer that took and wrote nothing for this long while items wait returns to
// normal priority.
constexpr std::int64_t kStarvedAfterNs = 500'000'000;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct BatchCounts {
  std::size_t usage = 0;
  std::size_t logs = 0;
  std::size_t alerts = 0;
};

BatchCounts count(const std::vector<LedgerWriter::Item>& batch) {
  BatchCounts counts;
  for (const auto& item : batch) {
    if (std::holds_alternative<store::UsageRecord>(item)) ++counts.usage;
    if (std::holds_alternative<store::RequestLogRecord>(item)) ++counts.logs;
    if (std::holds_alternative<store::BudgetAlertRecord>(item)) ++counts.alerts;
  }
  return counts;
}

// One store job for a whole batch. Each write is idempotent, so running it again after a failure
// part-way through writes only what is missing.
store::Status write_batch_rows(store::StoreConnection& connection,
                               const std::vector<LedgerWriter::Item>& batch) {
  std::vector<store::UsageRecord> usage;
  for (const auto& item : batch) {
    if (const auto* row = std::get_if<store::UsageRecord>(&item)) usage.push_back(*row);
  }
  if (!usage.empty()) {
    if (auto inserted = store::queries::insert_usage(connection, usage); !inserted) {
      return inserted.error();
    }
  }
  for (const auto& item : batch) {
    if (const auto* log = std::get_if<store::RequestLogRecord>(&item)) {
      auto inserted = store::queries::insert_request_log(connection, *log);
      // A conflict is the same request id already logged: by an earlier try of this batch.
      if (!inserted && inserted.error().status != kConflict) return inserted.error();
    } else if (const auto* alert = std::get_if<store::BudgetAlertRecord>(&item)) {
      if (auto inserted = store::queries::insert_budget_alert(connection, *alert); !inserted) {
        return inserted.error();
      }
    }
  }
  return store::Done{};
}

// The whole batch in one transaction (the inserts nest as savepoints): one commit, so one WAL sync
// point, per batch rather than per request log — what makes the writer keep up under load.
store::Status write_batch(store::StoreConnection& connection,
                          const std::vector<LedgerWriter::Item>& batch) {
  auto transaction = store::StoreTransaction::begin(connection);
  if (!transaction) return transaction.error();
  if (auto written = write_batch_rows(connection, batch); !written) return written.error();
  if (auto committed = transaction->commit(); !committed) return committed.error();
  return store::Done{};
}

}  // namespace

LedgerWriter::LedgerWriter(std::shared_ptr<store::Store> store, Options options,
                           observability::GatewayMetrics* metrics)
    : store_(std::move(store)),
      options_(options),
      metrics_(metrics),
      channel_(io_, options.capacity),
      last_progress_ns_(steady_ns()) {
  if (options_.batch_size == 0) options_.batch_size = 1;
  if (options_.max_attempts == 0) options_.max_attempts = 1;
  if (options_.background_below > 0) {
    background_allowed_ = core::can_return_from_background();
    if (!background_allowed_) {
      spdlog::info("ledger writer: accounting stays at normal priority (returning a thread from background "
                   "priority needs CAP_SYS_NICE or RLIMIT_NICE 20)");
    }
  }
  if (metrics_ != nullptr) {
    metrics_->set_queue_depth_source("ledger", [this] { return depth(); });
  }
  asio::co_spawn(io_, drain(), asio::detached);
  thread_ = std::thread([this] {
    core::name_this_thread("ledger-writer");
    writer_thread_ = core::current_thread_id();
    io_.run();
  });
}

LedgerWriter::~LedgerWriter() {
  shutdown(std::chrono::steady_clock::now() + std::chrono::seconds(5));
  if (metrics_ != nullptr) metrics_->set_queue_depth_source("ledger", {});
}

asio::awaitable<void> LedgerWriter::submit(Item item) {
  if (stopping_.load()) {
    count_lost(1, "submitted after shutdown");
    co_return;
  }
  const std::uint64_t waiting = depth_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (waiting == 1) {
    last_progress_ns_.store(steady_ns(), std::memory_order_relaxed);  // nothing was waiting before
  } else if (background_.load(std::memory_order_relaxed) && (waiting >= options_.foreground_at || starved())) {
    return_to_foreground();
  }
  Message message{std::move(item)};
  if (channel_.try_send(boost::system::error_code{}, std::move(message))) co_return;

  // Full: wait for room. try_send leaves the message alone when it does not take it.
  full_waits_.fetch_add(1, std::memory_order_relaxed);
  auto send = channel_.async_send(boost::system::error_code{}, std::move(message),
                                  asio::as_tuple(asio::use_awaitable));
  std::tuple<boost::system::error_code> sent = co_await std::move(send);
  if (std::get<0>(sent)) {
    depth_.fetch_sub(1, std::memory_order_relaxed);
    count_lost(1, "the writer stopped before there was room");
  }
}

bool LedgerWriter::shutdown(std::chrono::steady_clock::time_point deadline) {
  const bool already_stopping = stopping_.exchange(true);
  return_to_foreground();  // what is left is written at normal priority, whatever else runs
  if (already_stopping) {
    if (thread_.joinable()) thread_.join();
    return depth() == 0;
  }
  auto drained = drained_.get_future();
  // The marker queues behind everything already submitted; waiting for room here is fine, this is
  // not an I/O thread.
  auto marker_sent =
      channel_.async_send(boost::system::error_code{}, Message{Stop{}}, asio::use_future);
  const bool in_time = marker_sent.wait_until(deadline) == std::future_status::ready &&
                       drained.wait_until(deadline) == std::future_status::ready;
  if (!in_time) io_.stop();
  thread_.join();
  if (!in_time) {
    const std::uint64_t left = depth_.exchange(0);
    count_lost(left, "shutdown deadline passed before they were written");
  }
  return in_time;
}

asio::awaitable<void> LedgerWriter::drain() {
  bool stop = false;
  while (!stop) {
    auto receive = channel_.async_receive(asio::as_tuple(asio::use_awaitable));
    std::tuple<boost::system::error_code, Message> received = co_await std::move(receive);
    if (std::get<0>(received)) break;
    std::vector<Item> batch;
    if (auto* item = std::get_if<Item>(&std::get<1>(received))) {
      batch.push_back(std::move(*item));
    } else {
      stop = true;
    }
    if (!stop && options_.gather.count() > 0) {
      asio::steady_timer gather(io_, options_.gather);
      auto waited = gather.async_wait(asio::as_tuple(asio::use_awaitable));
      co_await std::move(waited);
    }
    // After the marker, keep taking: producers that passed the stopping check just before it may
    // still be handing items over.
    stop = take_ready(batch) || stop;
    last_progress_ns_.store(steady_ns(), std::memory_order_relaxed);
    const std::uint64_t waiting = depth();  // this batch included
    if (waiting < options_.background_below && !stop) {
      enter_background();
    } else if (waiting >= options_.foreground_at) {
      return_to_foreground();
    }
    while (!batch.empty()) {
      co_await write_with_retries(std::move(batch));
      batch = {};
      if (stop) take_ready(batch);
    }
  }
  channel_.close();  // producers still waiting for room learn the writer is gone
  drained_.set_value();
}

bool LedgerWriter::take_ready(std::vector<Item>& batch) {
  bool stop = false;
  while (batch.size() < options_.batch_size) {
    const bool took = channel_.try_receive([&](boost::system::error_code, Message message) {
      if (auto* item = std::get_if<Item>(&message)) {
        batch.push_back(std::move(*item));
      } else {
        stop = true;
      }
    });
    if (!took) break;
  }
  return stop;
}

asio::awaitable<void> LedgerWriter::write_with_retries(std::vector<Item> batch) {
  auto shared = std::make_shared<const std::vector<Item>>(std::move(batch));
  const std::uint64_t items = shared->size();
  std::chrono::milliseconds backoff = options_.first_backoff;
  std::string last_error;
  for (unsigned attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    store::StoreExecutor::Job<store::Done> job = [this, shared](store::StoreConnection& connection) {
      note_store_thread();
      return write_batch(connection, *shared);
    };
    // Blocking is right here: this thread serves only the writer, and a store job that never
    // outlives this call cannot call back into an io_context that shutdown() has given up on.
    const auto priority = background_.load() ? store::StoreExecutor::JobPriority::kBackground
                                             : store::StoreExecutor::JobPriority::kNormal;
    store::Status written = store_->executor().run_sync<store::Done>(std::move(job), priority);
    if (written) {
      last_progress_ns_.store(steady_ns(), std::memory_order_relaxed);
      written_.fetch_add(items, std::memory_order_relaxed);
      depth_.fetch_sub(items, std::memory_order_relaxed);
      co_return;
    }
    last_error = written.error().message;
    spdlog::warn("ledger writer: batch of {} items failed (attempt {} of {}): {}", items, attempt,
                 options_.max_attempts, last_error);
    if (attempt == options_.max_attempts) break;
    asio::steady_timer timer(io_, backoff);
    auto wait = timer.async_wait(asio::as_tuple(asio::use_awaitable));
    co_await std::move(wait);
    backoff *= 2;
  }
  depth_.fetch_sub(items, std::memory_order_relaxed);
  const BatchCounts counts = count(*shared);
  spdlog::error(
      "ledger writer: gave up on a batch after {} attempts: {} ledger rows, {} request logs, {} "
      "budget alerts lost ({})",
      options_.max_attempts, counts.usage, counts.logs, counts.alerts, last_error);
  count_lost(items, "the store kept failing");
}

bool LedgerWriter::starved() const {
  // Items wait and the writer neither took nor wrote a batch for a while: other processes keep the
  // core busy, which background priority yields to as well.
  return steady_ns() - last_progress_ns_.load(std::memory_order_relaxed) > kStarvedAfterNs;
}

void LedgerWriter::enter_background() {
  if (!background_allowed_ || stopping_.load() || background_.exchange(true)) return;
  core::set_background_priority(0, true);
  // Returned to foreground, or shutdown began, between the checks and the call: undo, as the
  // other thread may have looked before this one lowered itself.
  if (!background_.load() || stopping_.load()) {
    background_ = false;
    core::set_background_priority(0, false);
  }
}

void LedgerWriter::return_to_foreground() {
  if (!background_.exchange(false)) return;
  if (const pid_t writer = writer_thread_.load(); writer != 0) core::set_background_priority(writer, false);
  if (const pid_t store = store_thread_.load(); store != 0) core::set_background_priority(store, false);
}

void LedgerWriter::note_store_thread() {
  store_thread_ = core::current_thread_id();
  // Returned to foreground after this job was queued as a background one, perhaps before the
  // thread was noted: the returner may have missed it, so return it here.
  if (!background_.load()) core::set_background_priority(0, false);
}

void LedgerWriter::count_lost(std::uint64_t items, std::string_view why) {
  if (items == 0) return;
  lost_.fetch_add(items, std::memory_order_relaxed);
  if (metrics_ != nullptr) metrics_->record_queue_drop("ledger", items);
  spdlog::error("ledger writer: {} items lost: {}", items, why);
}

}  // namespace sluice::ledger
