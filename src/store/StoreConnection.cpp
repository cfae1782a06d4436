#include "store/StoreConnection.h"

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

Expected<StoreTransaction> StoreTransaction::begin(StoreConnection& connection) {
  if (auto started = connection.begin(); !started) return started.error();
  return StoreTransaction(connection);
}

StoreTransaction::StoreTransaction(StoreTransaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)) {}

StoreTransaction::~StoreTransaction() {
  // A failed rollback leaves nothing to do here: the connection reports itself unhealthy, or the
  // next begin() fails loudly.
  if (connection_ != nullptr) (void)connection_->rollback();
}

Status StoreTransaction::commit() {
  StoreConnection* connection = std::exchange(connection_, nullptr);
  auto committed = connection->commit();
  // A failed COMMIT may leave the transaction open (SQLite: SQLITE_BUSY); end it so the
  // connection is usable for the next job.
  if (!committed) (void)connection->rollback();
  return committed;
}

}  // namespace sluice::store
