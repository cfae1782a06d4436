// AwsCredentialCache: hands out a credential source's credentials to every I/O thread, loading
// them on a credentials thread of its own and refreshing them ahead of expiry, one load at a time.
//
// What the gateway calls: `co_await cache->get()` from a request coroutine on any I/O thread.
//   - Fast path: credentials are cached and not yet due for refresh → a copy, under a mutex held
//     for one shared_ptr copy. No thread hop, no suspension worth the name.
//   - Otherwise the call hops to the credentials thread (co_spawn onto its io_context) and resumes
//     on its own thread when done. There, single-flight is trivial — everything on that thread is
//     one thread: the first caller starts a refresh (a detached coroutine, so a caller that gives
//     up cannot strand the others), later callers find it in flight and wait for its outcome. So
//     50 requests that find the credentials due cause exactly one load.
//   - Static credentials (no expiration) are cached forever. Temporary ones are refreshed
//     `refresh_ahead` (5 minutes) before they expire; credentials that come back with less life
//     than that are re-checked every `retry_after_failure` at most, not on every request.
//   - A refresh that fails while the cached credentials are still valid keeps serving them (with a
//     warning in the log) and tries again after `retry_after_failure`; once they have expired,
//     the failure is the answer (502 upstream_credentials, naming why).
// The credentials thread owns its UpstreamClient (STS, container endpoint, instance metadata) and
// is the only place sources run, so their blocking file reads and credential_process never stall
// an I/O thread.
//
// Lifetime: create() returns a shared_ptr and get() holds it while it runs. Whoever destroys the
// cache must do so after every get() has finished (the gateway: when the last authenticator that
// holds it is gone); the destructor stops and joins the credentials thread.
#pragma once

#include "auth/AwsCredentialSource.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace sluice::auth {

struct AwsCredentialCacheOptions {
  // Refresh this long before the credentials expire (the SDKs' "advisory refresh" window).
  std::chrono::seconds refresh_ahead{300};
  // After a failed refresh with still-valid credentials, try again no sooner than this.
  std::chrono::seconds retry_after_failure{10};
  // Tests set a fake clock; it also becomes the sources' clock in make_default_chain.
  AwsClock now = [] { return std::chrono::system_clock::now(); };
};

class AwsCredentialCache : public std::enable_shared_from_this<AwsCredentialCache> {
 public:
  using Options = AwsCredentialCacheOptions;
  // Builds the source once the credentials thread's HTTP client exists; the source may keep a
  // pointer to it (the cache outlives the source).
  using SourceFactory = std::function<std::unique_ptr<AwsCredentialSource>(upstream::UpstreamClient& http)>;

  static std::shared_ptr<AwsCredentialCache> create(const SourceFactory& make_source, Options options = {});
  ~AwsCredentialCache();
  AwsCredentialCache(const AwsCredentialCache&) = delete;
  AwsCredentialCache& operator=(const AwsCredentialCache&) = delete;

  // Current credentials, from any I/O thread (see above). Errors: 502 upstream_credentials.
  boost::asio::awaitable<Expected<AwsCredentials>> get();

  // Told of every load the source finished (true: credentials came back), on the credentials
  // thread; for the sluice_credential_refreshes_total metric. Replaces an earlier observer.
  void set_refresh_observer(std::function<void(bool loaded)> observer);

  // How many times the source has been asked to load (tests, diagnostics).
  std::uint64_t loads() const { return loads_.load(); }
  std::string_view source_name() const { return source_->name(); }

 private:
  struct Cached {
    AwsCredentials credentials;
    std::chrono::system_clock::time_point refresh_at;  // the fast path serves them until then
  };
  struct Flight;

  explicit AwsCredentialCache(Options options);

  std::shared_ptr<const Cached> snapshot() const;
  bool serves_as_is(const Cached& cached, std::chrono::system_clock::time_point now) const;

  // Credentials thread only.
  boost::asio::awaitable<std::optional<Expected<AwsCredentials>>> refresh_or_join();
  boost::asio::awaitable<void> refresh(std::shared_ptr<Flight> flight);
  Expected<AwsCredentials> settle(Expected<AwsCredentials> loaded);

  Options options_;
  // Destroyed in reverse: the source before the client it points to, the client before io_.
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<upstream::UpstreamClient> http_;
  std::unique_ptr<AwsCredentialSource> source_;
  std::thread thread_;

  mutable std::mutex mutex_;
  std::function<void(bool loaded)> refresh_observer_;  // guarded by mutex_
  std::shared_ptr<const Cached> cached_;  // guarded by mutex_; written only on the credentials thread
  std::shared_ptr<Flight> flight_;        // credentials thread only: the refresh in progress
  std::atomic<std::uint64_t> loads_{0};
};

}  // namespace sluice::auth
