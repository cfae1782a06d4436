#include "store/StoreConnection.h"

#include <string>
#include <utility>

namespace sluice::store {

GatewayError store_unavailable(std::string message) {
  return {503, "store_error", "store_error", std::nullopt, std::move(message)};
}

GatewayError store_conflict(std::string message) {
  return {409, "conflict_error", "conflict", std::nullopt, std::move(message)};
}

std::optional<std::int64_t> StoreStatement::column_optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_int64(column);
}

std::optional<std::string> StoreStatement::column_optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_text(column);
}

Status StoreStatement::run() {
  while (true) {
    auto row = step();
    if (!row) return row.error();
    if (!*row) return Done{};
  }
}

namespace {

std::string savepoint_name(int depth) { return "sluice_savepoint_" + std::to_string(depth); }

}  // namespace

Expected<StoreTransaction> StoreTransaction::begin(StoreConnection& connection) {
  const int depth = connection.transaction_depth_ + 1;
  auto started = depth == 1 ? connection.begin()
                            : connection.execute_script("SAVEPOINT " + savepoint_name(depth));
  if (!started) return started.error();
  connection.transaction_depth_ = depth;
  return StoreTransaction(connection, depth);
}

StoreTransaction::StoreTransaction(StoreTransaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)), depth_(other.depth_) {}

StoreTransaction::~StoreTransaction() {
  // A failed rollback leaves nothing to do here: the connection reports itself unhealthy, or the
  // next begin() fails loudly.
  if (connection_ != nullptr) (void)finish(*std::exchange(connection_, nullptr), false);
}

Status StoreTransaction::commit() {
  StoreConnection* connection = std::exchange(connection_, nullptr);
  auto committed = finish(*connection, true);
  // A failed COMMIT may leave the transaction open (SQLite: SQLITE_BUSY); end it so the
  // connection is usable for the next job.
  if (!committed) (void)finish(*connection, false);
  return committed;
}

Status StoreTransaction::finish(StoreConnection& connection, bool keep) {
  connection.transaction_depth_ = depth_ - 1;
  if (depth_ == 1) return keep ? connection.commit() : connection.rollback();
  const std::string name = savepoint_name(depth_);
  // Rolling back to a savepoint leaves it open; releasing it ends this level either way.
  if (keep) return connection.execute_script("RELEASE SAVEPOINT " + name);
  return connection.execute_script("ROLLBACK TO SAVEPOINT " + name + "; RELEASE SAVEPOINT " + name);
}

}  // namespace sluice::store
