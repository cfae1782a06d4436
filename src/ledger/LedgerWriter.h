// LedgerWriter: the bounded queue between the request path and the database, and the one writer
// that drains it (design.md "Accounting is behind the response").
//
// A request's coroutine submits its ledger row, request log and budget alerts after the caller
// already has the answer. submit() completes at once while the queue has room; when it is full it
// suspends that coroutine until the writer makes room — back-pressure on work that no caller is
// waiting for, never a blocked thread and never a dropped row. Each such wait is counted
// (full_waits()), and the depth is a gauge (GatewayMetrics queue `ledger`).
//
// The writer is a coroutine on its own io_context thread. It takes up to `batch_size` items at a
// time (so at most capacity + batch_size items are accepted and unwritten) and writes them in one
// store job, run on the StoreExecutor and waited for on the writer's own thread: the ledger rows in
// one insert_usage transaction, then the request logs and alerts. Every part of that job is
// idempotent (the ledger skips request ids it has, a request log already stored is a conflict taken
// as done, alerts are unique per budget, window and threshold), so a batch that failed half-way is
// simply written again. A failing store is retried with exponential backoff up to `max_attempts`
// times; after that the batch is logged at error with its counts (never its contents) and counted
// in lost_items() and sluice_queue_dropped_total{queue="ledger"}. That is the only way an item is
// lost.
#pragma once

#include "store/StoreRecords.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/io_context.hpp>

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <thread>
#include <variant>
#include <vector>

namespace sluice::observability {
class GatewayMetrics;
}
namespace sluice::store {
class Store;
}

namespace sluice::ledger {

class LedgerWriter {
 public:
  using Item = std::variant<store::UsageRecord, store::RequestLogRecord, store::BudgetAlertRecord>;

  struct Options {
    std::size_t capacity = 10'000;
    std::size_t batch_size = 256;
    unsigned max_attempts = 5;
    std::chrono::milliseconds first_backoff{100};  // doubled after each failed attempt
    // After the first item of a batch arrives, the writer waits this long for more before writing:
    // under load that turns one wake-up and one store job per request into one per batch, and the
    // delay is invisible (the caller already has its answer). Short, because a batch is one burst
    // of store work, and an I/O thread sharing the store's core waits for a burst to end: 1 ms
    // halves the c=1 p99 of 5 ms at no measured cost in throughput (bench/README.md). A slower
    // store batches more by itself: items gather while the previous batch is written.
    std::chrono::milliseconds gather{1};
    // While fewer than `background_below` items wait when a batch is taken, the writer thread and
    // its store jobs run at background priority (core/ThreadPriority.h): a lightly loaded
    // gateway's accounting then never delays a request on a core it shares with an I/O thread.
    // Checked on every submit, both return to normal priority once `foreground_at` items wait (a
    // busy gateway's accounting keeps its share of the CPU; well above what a store checkpoint lets
    // pile up at light load), or when items wait and the writer took and wrote nothing for 0.5 s
    // (other processes keep the core busy). 0 keeps normal priority throughout, as does a process that
    // cannot return a thread from background (no CAP_SYS_NICE).
    std::size_t background_below = 32;
    std::size_t foreground_at = 2048;
  };

  // Starts the writer thread. `metrics` may be null; when given, the queue's depth is registered
  // as `ledger` until the writer is destroyed.
  LedgerWriter(std::shared_ptr<store::Store> store, Options options,
               observability::GatewayMetrics* metrics = nullptr);
  explicit LedgerWriter(std::shared_ptr<store::Store> store)
      : LedgerWriter(std::move(store), Options{}) {}
  // Shuts down with a short deadline if shutdown() was not called.
  ~LedgerWriter();
  LedgerWriter(const LedgerWriter&) = delete;
  LedgerWriter& operator=(const LedgerWriter&) = delete;

  // Queues `item`; suspends the calling coroutine while the queue is full. After shutdown() the
  // item cannot be written any more: it is counted lost and logged.
  boost::asio::awaitable<void> submit(Item item);

  // Stops taking items, writes what is queued and stops the writer. Blocks the calling thread
  // (never call it from an I/O thread) until the queue is written or `deadline` passes; whatever is
  // left then is counted lost. A store job already running when the deadline passes is waited for
  // (it ends within the store's own timeouts). Returns true when everything queued was written.
  bool shutdown(std::chrono::steady_clock::time_point deadline);

  // Items accepted and not yet written: queued, or in the batch being written.
  std::uint64_t depth() const { return depth_.load(std::memory_order_relaxed); }
  std::uint64_t full_waits() const { return full_waits_.load(std::memory_order_relaxed); }
  std::uint64_t lost_items() const { return lost_.load(std::memory_order_relaxed); }
  std::uint64_t written_items() const { return written_.load(std::memory_order_relaxed); }
  // Whether the writer is at background priority now (see Options::background_below).
  bool in_background() const { return background_.load(std::memory_order_relaxed); }
  pid_t writer_thread_id() const { return writer_thread_.load(); }

 private:
  // A stop marker travels through the queue behind everything submitted before it.
  struct Stop {};
  using Message = std::variant<Item, Stop>;
  using Channel =
      boost::asio::experimental::concurrent_channel<void(boost::system::error_code, Message)>;

  boost::asio::awaitable<void> drain();
  // Takes what is ready without waiting, up to a batch; true when the stop marker was among it.
  bool take_ready(std::vector<Item>& batch);
  boost::asio::awaitable<void> write_with_retries(std::vector<Item> batch);
  // Priority: the writer thread enters background itself (after taking a batch); any thread may
  // return it, and the store thread, to normal. While the writer is in background its store jobs
  // are background jobs (StoreExecutor::JobPriority), and each notes the store thread running it.
  bool starved() const;
  void enter_background();
  void return_to_foreground();
  void note_store_thread();
  void count_lost(std::uint64_t items, std::string_view why);

  std::shared_ptr<store::Store> store_;
  Options options_;
  observability::GatewayMetrics* metrics_;
  boost::asio::io_context io_;
  Channel channel_;
  std::atomic<std::uint64_t> depth_{0};
  std::atomic<std::uint64_t> full_waits_{0};
  std::atomic<std::uint64_t> lost_{0};
  std::atomic<std::uint64_t> written_{0};
  std::atomic<bool> stopping_{false};
  bool background_allowed_ = false;
  std::atomic<bool> background_{false};
  std::atomic<pid_t> writer_thread_{0};
  std::atomic<pid_t> store_thread_{0};  // the store thread that ran the last job, until returned
  // Steady clock: when the writer last took or wrote a batch, or an item arrived to an empty queue.
  std::atomic<std::int64_t> last_progress_ns_;
  std::promise<void> drained_;
  std::thread thread_;
};

}  // namespace sluice::ledger
