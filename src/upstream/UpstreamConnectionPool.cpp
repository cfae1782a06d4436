#include "upstream/UpstreamConnectionPool.h"

namespace sluice::upstream {

std::unique_ptr<UpstreamConnection> UpstreamConnectionPool::take(const std::string& origin) {
  const auto found = idle_.find(origin);
  if (found == idle_.end()) return nullptr;
  auto& idle = found->second;
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
  auto& idle = idle_[connection->origin()];
  if (idle.size() >= max_idle_per_origin_) return;  // destroyed here: closed
  connection->park();
  idle.push_back(std::move(connection));
}

std::size_t UpstreamConnectionPool::idle_connections(const std::string& origin) const {
  const auto found = idle_.find(origin);
  return found == idle_.end() ? 0 : found->second.size();
}

}  // namespace sluice::upstream
