#include "store/SqliteConnection.h"

#include <fmt/format.h>
#include <sqlite3.h>

namespace sluice::store {
namespace {

// SQLITE_CONSTRAINT covers unique, primary key and foreign key violations: all are conflicts with
// rows already stored, which the caller can act on (409), unlike an unavailable database (503).
GatewayError error_from(sqlite3* db, int code, std::string_view what) {
  std::string message = fmt::format("sqlite {}: {}", what, sqlite3_errmsg(db));
  if ((code & 0xff) == SQLITE_CONSTRAINT) return store_conflict(std::move(message));
  return store_unavailable(std::move(message));
}

class SqliteStatement final : public StoreStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
  ~SqliteStatement() override { sqlite3_finalize(statement_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void bind_null(int index) override { sqlite3_bind_null(statement_, index); }
  void bind_int64(int index, std::int64_t value) override {
    sqlite3_bind_int64(statement_, index, value);
  }
  void bind_double(int index, double value) override {
    sqlite3_bind_double(statement_, index, value);
  }
  void bind_text(int index, std::string_view value) override {
    // A default-constructed view has a null data(), which SQLite would bind as NULL: an empty
    // string must stay '' (delete_user_sessions compares `id_hash <> ''`).
    sqlite3_bind_text64(statement_, index, value.data() ? value.data() : "", value.size(),
                        SQLITE_TRANSIENT, SQLITE_UTF8);
  }
  void bind_text_in_place(int index, std::string_view value) override {
    // SQLITE_STATIC: SQLite reads the caller's bytes until the statement is reset or rebound;
    // prepare() resets a cached statement before it is bound again.
    sqlite3_bind_text64(statement_, index, value.data() ? value.data() : "", value.size(),
                        SQLITE_STATIC, SQLITE_UTF8);
  }

  Expected<bool> step() override {
    const int code = sqlite3_step(statement_);
    if (code == SQLITE_ROW) return true;
    if (code == SQLITE_DONE) {
      rows_affected_ = sqlite3_changes64(db_);
      return false;
    }
    auto error = error_from(db_, code, "step");
    sqlite3_reset(statement_);
    return error;
  }

  void reset() override {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }

  bool is_null(int column) const override {
    return sqlite3_column_type(statement_, column) == SQLITE_NULL;
  }
  std::int64_t column_int64(int column) const override {
    return sqlite3_column_int64(statement_, column);
  }
  double column_double(int column) const override {
    return sqlite3_column_double(statement_, column);
  }
  std::string column_text(int column) const override {
    const auto* text = sqlite3_column_text(statement_, column);
    if (text == nullptr) return {};
    return {reinterpret_cast<const char*>(text),
            static_cast<std::size_t>(sqlite3_column_bytes(statement_, column))};
  }
  std::int64_t rows_affected() const override { return rows_affected_; }

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_;
  std::int64_t rows_affected_ = 0;
};

// SQLite counts its memory use by default, under a process-wide mutex taken on every one of its
// allocations (~1% of the store thread's time). Nothing reads those counters. The setting must
// precede SQLite's initialisation, which the first open performs.
void configure_sqlite_once() {
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);  // SQLITE_MISUSE if already initialised: harmless
    return true;
  }();
  (void)configured;
}

}  // namespace

Expected<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::string& path) {
  configure_sqlite_once();
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int code = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (code != SQLITE_OK) {
    auto error = store_unavailable(fmt::format("cannot open SQLite database `{}`: {}", path,
                                               db ? sqlite3_errmsg(db) : sqlite3_errstr(code)));
    sqlite3_close(db);
    return error;
  }
  std::unique_ptr<SqliteConnection> connection(new SqliteConnection(db));
  sqlite3_busy_timeout(db, static_cast<int>(kBusyTimeout.count()));
  sqlite3_extended_result_codes(db, 1);
  // synchronous=NORMAL is the WAL recommendation: a power cut may lose the last commits, never
  // corrupt the file.
  auto configured = connection->execute_script(
      "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
  if (!configured) return configured.error();
  return connection;
}

SqliteConnection::~SqliteConnection() {
  statements_.clear();  // finalize before close, or close fails with SQLITE_BUSY
  sqlite3_close(db_);
}

Expected<StoreStatement*> SqliteConnection::prepare(std::string_view sql) {
  if (auto cached = statements_.find(sql); cached != statements_.end()) {
    cached->second->reset();
    return cached->second.get();
  }
  sqlite3_stmt* raw = nullptr;
  const int code = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  if (code != SQLITE_OK) return error_from(db_, code, "prepare");
  auto statement = std::make_unique<SqliteStatement>(db_, raw);
  StoreStatement* pointer = statement.get();
  statements_.emplace(std::string(sql), std::move(statement));
  return pointer;
}

Status SqliteConnection::execute_script(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int code = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (code == SQLITE_OK) return Done{};
  std::string detail = message ? message : sqlite3_errstr(code);
  sqlite3_free(message);
  if ((code & 0xff) == SQLITE_CONSTRAINT) return store_conflict("sqlite: " + detail);
  return store_unavailable("sqlite: " + detail);
}

// IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes can
// fail with SQLITE_BUSY halfway through instead of waiting out busy_timeout.
Status SqliteConnection::begin() { return execute_script("BEGIN IMMEDIATE"); }
Status SqliteConnection::commit() { return execute_script("COMMIT"); }
Status SqliteConnection::rollback() { return execute_script("ROLLBACK"); }

}  // namespace sluice::store
