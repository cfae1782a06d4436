// SqliteConnection: the StoreConnection for the default backend, one SQLite file on local disk.
//
// The file is created on first open (with its directory left to the operator). Every connection
// runs in WAL mode, so readers never wait for the writer, with foreign keys enforced and a busy
// timeout so a second process (`sluice keys …` while the gateway serves) waits for the write lock
// instead of failing at once. SQLite has a single writer; the executor gives it one store thread.
#pragma once

#include "store/StoreConnection.h"

#include <chrono>
#include <map>
#include <memory>
#include <string>

struct sqlite3;

namespace sluice::store {

class SqliteConnection final : public StoreConnection {
 public:
  static constexpr std::chrono::milliseconds kBusyTimeout{5'000};

  // Opens (creating if absent) the database file at `path`; ":memory:" is a private in-memory one.
  static Expected<std::unique_ptr<SqliteConnection>> open(const std::string& path);

  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Backend backend() const override { return Backend::kSqlite; }
  Expected<StoreStatement*> prepare(std::string_view sql) override;
  Status execute_script(std::string_view sql) override;
  Status begin() override;
  Status commit() override;
  Status rollback() override;
  bool healthy() const override { return db_ != nullptr; }

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::map<std::string, std::unique_ptr<StoreStatement>, std::less<>> statements_;
};

}  // namespace sluice::store
