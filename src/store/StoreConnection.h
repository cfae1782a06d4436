// StoreConnection: one open database session, behind a thin typed SQL interface that SQLite and
// Postgres both implement.
//
// Store code writes SQL once, with `?` placeholders (PostgresConnection numbers them `$1..` in one
// place), binds int64 / double / text / null by 1-based position, steps through rows and reads
// columns by 0-based index. Every failure comes back as a GatewayError: an integrity conflict (a
// unique key taken twice) is 409 conflict, anything else is 503 store_error, so a caller can hand
// it straight to api/. A connection is used by one store thread at a time (see StoreExecutor);
// nothing here is thread-safe, and nothing here may run on an I/O thread.
#pragma once

#include "core/Expected.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::store {

// Expected<void> without a value to carry.
struct Done {};
using Status = Expected<Done>;

// 503 store_error: the database is unreachable, failed, or answered something unexpected.
GatewayError store_unavailable(std::string message);
// 409 conflict_error / conflict: the write would break a unique or foreign key.
GatewayError store_conflict(std::string message);

// One prepared statement. Bind every parameter, then step(); step() returns true while a row is
// ready to read and false once the statement is done. reset() makes it ready to bind and run again.
class StoreStatement {
 public:
  virtual ~StoreStatement() = default;

  virtual void bind_null(int index) = 0;
  virtual void bind_int64(int index, std::int64_t value) = 0;
  virtual void bind_double(int index, double value) = 0;
  virtual void bind_text(int index, std::string_view value) = 0;

  // Conveniences over the four above; an empty optional binds NULL.
  void bind(int index, std::int64_t value) { bind_int64(index, value); }
  void bind(int index, int value) { bind_int64(index, value); }
  void bind(int index, bool value) { bind_int64(index, value ? 1 : 0); }
  void bind(int index, std::string_view value) { bind_text(index, value); }
  void bind(int index, const std::string& value) { bind_text(index, value); }
  void bind(int index, const char* value) { bind_text(index, value); }
  template <typename T>
  void bind(int index, const std::optional<T>& value) {
    if (value) {
      bind(index, *value);
    } else {
      bind_null(index);
    }
  }

  // Text that stays alive and unchanged until the statement has run — a field of the record being
  // written, not a temporary: a backend may read it where it is instead of copying it (SQLite
  // copies every other text bind, which was a malloc and a memcpy per column on the store thread).
  virtual void bind_text_in_place(int index, std::string_view value) { bind_text(index, value); }
  void bind_in_place(int index, const std::string& value) { bind_text_in_place(index, value); }
  void bind_in_place(int index, std::string&& value) = delete;  // would not outlive the statement
  void bind_in_place(int index, const std::optional<std::string>& value) {
    if (value) {
      bind_text_in_place(index, *value);
    } else {
      bind_null(index);
    }
  }
  void bind_in_place(int index, std::optional<std::string>&& value) = delete;

  virtual Expected<bool> step() = 0;
  virtual void reset() = 0;

  // Columns of the current row, 0-based. Reading a NULL gives 0 / 0.0 / "".
  virtual bool is_null(int column) const = 0;
  virtual std::int64_t column_int64(int column) const = 0;
  virtual double column_double(int column) const = 0;
  virtual std::string column_text(int column) const = 0;

  std::optional<std::int64_t> column_optional_int64(int column) const;
  std::optional<std::string> column_optional_text(int column) const;
  bool column_bool(int column) const { return column_int64(column) != 0; }

  // Rows changed by the last INSERT / UPDATE / DELETE this statement ran.
  virtual std::int64_t rows_affected() const = 0;

  // Runs a statement that returns no rows (or whose rows do not matter) to completion.
  Status run();
};

class StoreConnection {
 public:
  enum class Backend { kSqlite, kPostgres };

  virtual ~StoreConnection() = default;

  virtual Backend backend() const = 0;

  // `sql` uses `?` placeholders. Statements are cached per connection, so preparing the same text
  // twice is cheap; the returned statement is only valid until the next prepare() of the same text.
  virtual Expected<StoreStatement*> prepare(std::string_view sql) = 0;

  // Runs one or more statements without parameters (DDL, PRAGMA, SET).
  virtual Status execute_script(std::string_view sql) = 0;

  virtual Status begin() = 0;
  virtual Status commit() = 0;
  virtual Status rollback() = 0;

  // A StoreTransaction is open on this connection: a write made now commits or rolls back with it.
  bool in_transaction() const { return transaction_depth_ > 0; }

  // False once the session is known to be broken (a dropped Postgres connection), so the executor
  // opens a new one instead of failing every later job.
  virtual bool healthy() const = 0;

 private:
  friend class StoreTransaction;
  int transaction_depth_ = 0;  // open StoreTransactions on this connection
};

// A transaction for one scope: rolled back on destruction unless commit() succeeded.
//
// Transactions nest: one begun while another is open on the same connection is a SAVEPOINT, so an
// operation that is atomic on its own (upsert_api_key) is also part of a larger whole when a
// caller (seeding) wraps several operations in one transaction.
class StoreTransaction {
 public:
  static Expected<StoreTransaction> begin(StoreConnection& connection);

  StoreTransaction(StoreTransaction&& other) noexcept;
  StoreTransaction& operator=(StoreTransaction&&) = delete;
  StoreTransaction(const StoreTransaction&) = delete;
  StoreTransaction& operator=(const StoreTransaction&) = delete;
  ~StoreTransaction();

  Status commit();

 private:
  StoreTransaction(StoreConnection& connection, int depth)
      : connection_(&connection), depth_(depth) {}
  // Ends this level: COMMIT / RELEASE when `keep`, ROLLBACK (TO SAVEPOINT) otherwise.
  Status finish(StoreConnection& connection, bool keep);

  StoreConnection* connection_;  // null once committed, rolled back or moved from
  int depth_;                    // 1 for the outermost transaction, more for a savepoint
};

}  // namespace sluice::store
