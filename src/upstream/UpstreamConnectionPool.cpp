#include "upstream/UpstreamConnectionPool.h"

namespace sluice::upstream {

std::unique_ptr<UpstreamConnection> UpstreamConnectionPool::take(const std::string& origin) {
  const auto found = idle_.find(origin);
  if (found == idle_.end()) return nullptr;
  auto& idle = found->second;
  // Taken from the back, so the back is the most recent: once it has idled too long, all have.
  if (!idle.empty() && idle_too_long(*idle.back(), std::chrono::steady_clock::now())) idle.clear();
  while (!idle.empty()) {
    std::unique_ptr<UpstreamConnection> connection = std::move(idle.back());
    idle.pop_back();
    if (connection->unusable_while_idle()) continue;  // destroyed here: closed
    ++reused_;
    return connection;
  }
  return nullptr;
}

void UpstreamConnectionPool::give_back(std::unique_ptr<UpstreamConnection> connection) {
  if (max_idle_per_origin_ == 0) return;  // destroyed here: closed
  auto& idle = idle_[connection->origin()];
  connection->park();
  const auto now = connection->parked_at();
  // Closed (destroyed) from the front: those idle too long, then the oldest beyond the limit.
  while (!idle.empty() && (idle.size() >= max_idle_per_origin_ || idle_too_long(*idle.front(), now))) {
    idle.pop_front();
  }
  idle.push_back(std::move(connection));
}

std::size_t UpstreamConnectionPool::idle_connections(const std::string& origin) const {
  const auto found = idle_.find(origin);
  return found == idle_.end() ? 0 : found->second.size();
}

}  // namespace sluice::upstream
