// LedgerTestSupport: a throwaway SQLite store, a way to await a coroutine from a plain test, and a
// settable clock — what the accounting suites share.
#pragma once

#include "../store/StoreTestSupport.h"
#include "store/Store.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>

namespace sluice::ledger::testing {

// A SQLite store in a temporary file of its own, removed with the object.
class SqliteStore {
 public:
  SqliteStore() {
    const std::string error = backend_.start();
    EXPECT_TRUE(error.empty()) << error;
    auto opened = store::Store::open(backend_.factory(), 1);
    EXPECT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::shared_ptr<store::Store>(std::move(*opened));
  }

  std::shared_ptr<store::Store> store() const { return store_; }

  // Runs a store query on the store's thread, for setting up and checking from a test.
  template <typename R>
  Expected<R> run(store::StoreExecutor::Job<R> job) {
    return store_->executor().template run_sync<R>(std::move(job));
  }

 private:
  store::testing::SqliteBackend backend_;
  std::shared_ptr<store::Store> store_;
};

// Runs `operation` on a fresh io_context until it finishes; returns its result.
template <typename T>
T await(boost::asio::awaitable<T> operation) {
  boost::asio::io_context io;
  std::optional<T> result;
  auto keep = [&result,
               operation = std::move(operation)]() mutable -> boost::asio::awaitable<void> {
    result.emplace(co_await std::move(operation));
  };
  auto future = boost::asio::co_spawn(io, std::move(keep), boost::asio::use_future);
  io.run();
  future.get();
  return std::move(*result);
}

inline void await(boost::asio::awaitable<void> operation) {
  boost::asio::io_context io;
  auto future = boost::asio::co_spawn(io, std::move(operation), boost::asio::use_future);
  io.run();
  future.get();
}

// A clock the test moves by hand.
struct ManualClock {
  std::shared_ptr<std::chrono::system_clock::time_point> now =
      std::make_shared<std::chrono::system_clock::time_point>();

  void set(std::chrono::sys_seconds instant) { *now = instant; }
  std::function<std::chrono::system_clock::time_point()> function() const {
    return [now = now] { return *now; };
  }
};

inline std::chrono::sys_seconds at(int year, unsigned month, unsigned day, int hour = 0) {
  using namespace std::chrono;
  return sys_days{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}} +
         hours{hour};
}

inline std::int64_t unix_ms(std::chrono::sys_seconds instant) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(instant.time_since_epoch()).count();
}

}  // namespace sluice::ledger::testing
