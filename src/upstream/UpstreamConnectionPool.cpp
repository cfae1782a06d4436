#include "upstream/UpstreamConnectionPool.h"

#include <iterator>
#include <optional>

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
  schedule_sweep();
}

void UpstreamConnectionPool::schedule_sweep() {
  if (sweep_scheduled_) return;
  std::optional<std::chrono::steady_clock::time_point> longest_idle_since;
  for (const auto& [origin, idle] : idle_) {
    if (!idle.empty() && (!longest_idle_since || idle.front()->parked_at() < *longest_idle_since)) {
      longest_idle_since = idle.front()->parked_at();
    }
  }
  if (!longest_idle_since) return;
  sweep_scheduled_ = true;
  // Just past the timeout, so that connection counts as idle too long when the sweep runs.
  sweep_timer_.expires_at(*longest_idle_since + idle_timeout_ + std::chrono::milliseconds(1));
  sweep_timer_.async_wait([pool = weak_from_this()](const boost::system::error_code& error) {
    if (error) return;  // cancelled: the pool is being destroyed
    if (const auto alive = pool.lock()) alive->sweep();
  });
}

void UpstreamConnectionPool::sweep() {
  sweep_scheduled_ = false;
  const auto now = std::chrono::steady_clock::now();
  for (auto origin = idle_.begin(); origin != idle_.end();) {
    auto& idle = origin->second;
    while (!idle.empty() && idle_too_long(*idle.front(), now)) idle.pop_front();  // destroyed: closed
    origin = idle.empty() ? idle_.erase(origin) : std::next(origin);
  }
  schedule_sweep();
}

std::size_t UpstreamConnectionPool::idle_connections(const std::string& origin) const {
  const auto found = idle_.find(origin);
  return found == idle_.end() ? 0 : found->second.size();
}

}  // namespace sluice::upstream
