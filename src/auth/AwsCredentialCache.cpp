#include "auth/AwsCredentialCache.h"

#include "core/ThreadName.h"
#include "upstream/UpstreamClient.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <exception>

namespace sluice::auth {

namespace asio = boost::asio;
using std::chrono::system_clock;

// One refresh in progress; callers that find it wait on `done` until `result` is set.
struct AwsCredentialCache::Flight {
  explicit Flight(asio::io_context& io) : done(io, asio::steady_timer::time_point::max()) {}
  asio::steady_timer done;  // cancelled when the refresh ends: wakes every waiter
  std::optional<Expected<AwsCredentials>> result;
};

std::shared_ptr<AwsCredentialCache> AwsCredentialCache::create(const SourceFactory& make_source,
                                                               Options options) {
  std::shared_ptr<AwsCredentialCache> cache(new AwsCredentialCache(std::move(options)));
  cache->source_ = make_source(*cache->http_);
  cache->thread_ = std::thread([io = &cache->io_] {
    core::name_this_thread("aws-credentials");
    for (;;) {
      try {
        io->run();
        return;
      } catch (const std::exception& error) {
        // A source bug must not take the credentials thread down with it.
        spdlog::error("AWS credentials thread: unexpected exception: {}", error.what());
      }
    }
  });
  return cache;
}

AwsCredentialCache::AwsCredentialCache(Options options)
    : options_(std::move(options)),
      work_(asio::make_work_guard(io_)),
      http_(std::make_unique<upstream::UpstreamClient>(io_)) {}

AwsCredentialCache::~AwsCredentialCache() {
  work_.reset();
  io_.stop();
  if (thread_.joinable()) {
    // Only if a source itself held the last reference; joining ourselves would throw.
    if (thread_.get_id() == std::this_thread::get_id()) thread_.detach();
    else thread_.join();
  }
}

std::shared_ptr<const AwsCredentialCache::Cached> AwsCredentialCache::snapshot() const {
  std::lock_guard lock(mutex_);
  return cached_;
}

bool AwsCredentialCache::serves_as_is(const Cached& cached, system_clock::time_point now) const {
  return now < cached.refresh_at && !cached.credentials.expires_before(now);
}

asio::awaitable<Expected<AwsCredentials>> AwsCredentialCache::get() {
  const auto self = shared_from_this();  // the cache outlives the hop below
  if (const auto cached = snapshot(); cached && serves_as_is(*cached, options_.now())) {
    co_return cached->credentials;
  }
  // co_spawn's result type must be default-constructible, hence the optional (always set).
  auto result = co_await asio::co_spawn(io_, refresh_or_join(), asio::use_awaitable);
  if (!result) co_return credentials_unavailable("AWS credentials refresh ended without a result");
  co_return std::move(*result);
}

asio::awaitable<std::optional<Expected<AwsCredentials>>> AwsCredentialCache::refresh_or_join() {
  // A refresh may have finished while this caller was hopping threads.
  if (const auto cached = snapshot(); cached && serves_as_is(*cached, options_.now())) {
    co_return cached->credentials;
  }
  std::shared_ptr<Flight> flight = flight_;
  if (!flight) {
    // co_spawn may run the refresh inline up to its first suspension — for a source that never
    // suspends, to the end, resetting flight_ — so this caller keeps its own reference.
    flight = flight_ = std::make_shared<Flight>(io_);
    asio::co_spawn(io_, refresh(flight), asio::detached);
  }
  while (!flight->result) {
    boost::system::error_code woken;  // operation_aborted: the refresh ended
    co_await flight->done.async_wait(asio::redirect_error(asio::use_awaitable, woken));
  }
  co_return *flight->result;
}

asio::awaitable<void> AwsCredentialCache::refresh(std::shared_ptr<Flight> flight) {
  ++loads_;
  std::optional<Expected<AwsCredentials>> loaded;
  try {
    loaded.emplace(co_await source_->load());
  } catch (const std::exception& error) {
    spdlog::error("AWS credentials source `{}` threw: {}", source_->name(), error.what());
    loaded.emplace(credentials_unavailable(
        fmt::format("AWS credentials source `{}` failed unexpectedly", source_->name())));
  }
  flight->result = settle(std::move(*loaded));
  flight_.reset();
  flight->done.cancel();
}

void AwsCredentialCache::set_refresh_observer(std::function<void(bool loaded)> observer) {
  std::lock_guard lock(mutex_);
  refresh_observer_ = std::move(observer);
}

Expected<AwsCredentials> AwsCredentialCache::settle(Expected<AwsCredentials> loaded) {
  const auto now = options_.now();
  const auto previous = snapshot();
  std::function<void(bool)> observer;
  {
    std::lock_guard lock(mutex_);
    observer = refresh_observer_;
  }
  if (observer) observer(loaded.ok());
  if (loaded) {
    auto cached = std::make_shared<Cached>();
    cached->credentials = std::move(*loaded);
    const auto& expiration = cached->credentials.expiration;
    if (!expiration) {
      cached->refresh_at = system_clock::time_point::max();
    } else {
      cached->refresh_at = *expiration - options_.refresh_ahead;
      // Short-lived credentials: serve them, but do not reload on every request either.
      if (cached->refresh_at <= now) cached->refresh_at = std::min(*expiration, now + options_.retry_after_failure);
    }
    std::lock_guard lock(mutex_);
    cached_ = cached;
    return cached->credentials;
  }
  if (previous && !previous->credentials.expires_before(now)) {
    spdlog::warn("refreshing AWS credentials failed; the current ones ({}) stay in use until they expire: {}",
                 previous->credentials.source, loaded.error().message);
    auto kept = std::make_shared<Cached>(*previous);
    kept->refresh_at = now + options_.retry_after_failure;
    if (kept->credentials.expiration) kept->refresh_at = std::min(kept->refresh_at, *kept->credentials.expiration);
    std::lock_guard lock(mutex_);
    cached_ = kept;
    return kept->credentials;
  }
  return loaded.error();
}

}  // namespace sluice::auth
