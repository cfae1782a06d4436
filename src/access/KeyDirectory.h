// KeyDirectory: the request path's view of the store's API keys, refreshed in the background.
//
// Authenticating a caller must not wait for the database, so the directory holds every key (with
// its grants and owner) in memory as an immutable CallerKeyRegistry, and a refresh builds a whole
// new registry from the store and swaps it in. Lookups take no lock: like api::ActiveState, each
// thread keeps its own copy of the current snapshot pointer and only takes the mutex once per
// thread after a swap. A request keeps the snapshot it started with (a shared_ptr), so a swap
// never pulls a key out from under it.
//
// Revoked keys stay in the snapshot, marked, so a caller presenting one hears 401 api_key_revoked
// rather than api_key_not_found. The periodic refresh is what brings in keys created, and
// revocations made, by another gateway instance or the admin UI: its interval is the longest a
// revoked key keeps working (and a new key waits) on an instance that did not make the change,
// traded against one full read of api_keys per interval. An instance that revokes a key itself
// should call refresh() at once.
#pragma once

#include "access/CallerKeyRegistry.h"
#include "core/SharedSnapshot.h"
#include "store/Store.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>

namespace sluice::access {

class KeyDirectory : public std::enable_shared_from_this<KeyDirectory> {
 public:
  // An empty directory over `store`; call refresh() before serving.
  explicit KeyDirectory(store::Store& store);
  ~KeyDirectory();
  KeyDirectory(const KeyDirectory&) = delete;
  KeyDirectory& operator=(const KeyDirectory&) = delete;

  // The snapshot to authenticate against; the caller keeps it for the whole request.
  std::shared_ptr<const CallerKeyRegistry> current() const;

  // Reloads every key from the store and swaps the snapshot. Blocks on the store: call it at
  // startup or from a non-I/O thread. On a store error the old snapshot stays and the error returns.
  Expected<std::size_t> refresh();
  // The same from a coroutine: the read runs on a store thread, the I/O thread only awaits. For the
  // admin console, so a key it creates or revokes takes effect on this instance at once.
  boost::asio::awaitable<Expected<std::size_t>> refresh_now();
  // Replaces the snapshot (the periodic refresh's last step; tests).
  void replace(std::shared_ptr<const CallerKeyRegistry> next);

  // Every `interval`, reloads through the store executor (the I/O thread only awaits) and swaps.
  // A failed refresh is logged and the previous snapshot kept. Runs until stop() or destruction
  // of the io_context's work; the directory must be owned by a shared_ptr.
  void start_periodic_refresh(boost::asio::io_context& io, std::chrono::seconds interval);
  void stop();

  // Completed swaps, from refresh() or the periodic refresh.
  std::uint64_t refreshes() const { return registry_.replacements(); }

 private:
  boost::asio::awaitable<void> refresh_periodically(std::chrono::seconds interval);

  store::Store& store_;
  SharedSnapshot<const CallerKeyRegistry> registry_;
  std::unique_ptr<boost::asio::steady_timer> timer_;
  std::atomic<bool> stopped_{false};
};

}  // namespace sluice::access
