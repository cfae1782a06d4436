// StoreTestSupport: the two backends the store suites run against, and a way to await a store
// operation from a plain test.
//
// A backend gives each test an empty database of its own: SQLite a temporary file, Postgres a
// fresh schema in the shared test database (PostgresTestCluster), selected through search_path.
#pragma once

#include "PostgresTestCluster.h"
#include "store/PostgresConnection.h"
#include "store/SqliteConnection.h"
#include "store/StoreExecutor.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include <atomic>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace sluice::store::testing {

// Unwraps a result, or fails the test with the store's message.
template <typename T>
T must(Expected<T> result) {
  if (!result) throw std::runtime_error("store error: " + result.error().message);
  return std::move(*result);
}

inline int next_database_number() {
  static std::atomic<int> counter{0};
  return ++counter;
}

class SqliteBackend {
 public:
  static constexpr const char* kName = "Sqlite";
  static constexpr std::size_t kThreads = 1;

  // An error message, or empty when the backend is ready.
  std::string start() {
    path_ = (std::filesystem::temp_directory_path() /
             fmt::format("sluice-store-{}-{}.db", ::getpid(), next_database_number()))
                .string();
    return {};
  }

  StoreExecutor::ConnectionFactory factory() const {
    return [path = path_]() -> Expected<std::unique_ptr<StoreConnection>> {
      auto connection = SqliteConnection::open(path);
      if (!connection) return connection.error();
      return std::unique_ptr<StoreConnection>(std::move(*connection));
    };
  }

  ~SqliteBackend() {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_ + suffix, ignored);
    }
  }

 private:
  std::string path_;
};

class PostgresBackend {
 public:
  static constexpr const char* kName = "Postgres";
  static constexpr std::size_t kThreads = 4;

  std::string start() {
    const auto cluster = PostgresTestCluster::instance().connection();
    if (!cluster.error.empty()) return cluster.error;
    conninfo_ = cluster.conninfo;
    schema_ = fmt::format("sluice_test_{}_{}", ::getpid(), next_database_number());
    return admin(fmt::format("CREATE SCHEMA {}", schema_));
  }

  StoreExecutor::ConnectionFactory factory() const {
    return [conninfo = conninfo_,
            schema = schema_]() -> Expected<std::unique_ptr<StoreConnection>> {
      auto connection = PostgresConnection::open(conninfo);
      if (!connection) return connection.error();
      auto selected = (*connection)->execute_script(fmt::format("SET search_path TO {}", schema));
      if (!selected) return selected.error();
      return std::unique_ptr<StoreConnection>(std::move(*connection));
    };
  }

  ~PostgresBackend() {
    if (!schema_.empty()) (void)admin(fmt::format("DROP SCHEMA {} CASCADE", schema_));
  }

 private:
  std::string admin(const std::string& sql) const {
    auto connection = PostgresConnection::open(conninfo_);
    if (!connection) return connection.error().message;
    auto done = (*connection)->execute_script(sql);
    return done ? std::string() : done.error().message;
  }

  std::string conninfo_;
  std::string schema_;
};

// Runs `operation` to completion on `io` (on this thread) and returns its result.
template <typename T>
Expected<T> await_on(boost::asio::io_context& io, boost::asio::awaitable<Expected<T>> operation) {
  std::optional<Expected<T>> result;
  auto body = [&result, &operation]() -> boost::asio::awaitable<void> {
    Expected<T> value = co_await std::move(operation);
    result.emplace(std::move(value));
  };
  boost::asio::co_spawn(io, body, boost::asio::detached);
  io.restart();
  io.run();
  return std::move(*result);
}

}  // namespace sluice::store::testing
