#include "access/KeyDirectory.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace sluice::access {
namespace {

// Runs on a store thread: the read and the index build both stay off the I/O threads.
Expected<std::shared_ptr<const CallerKeyRegistry>> load_registry(store::StoreConnection& connection) {
  auto rows = store::queries::list_caller_keys(connection);
  if (!rows) return rows.error();
  return std::make_shared<const CallerKeyRegistry>(CallerKeyRegistry::from_rows(*rows));
}

}  // namespace

KeyDirectory::KeyDirectory(store::Store& store)
    : store_(store),
      registry_(std::make_shared<const CallerKeyRegistry>()) {}

KeyDirectory::~KeyDirectory() = default;

std::shared_ptr<const CallerKeyRegistry> KeyDirectory::current() const {
  return registry_.current();
}

void KeyDirectory::replace(std::shared_ptr<const CallerKeyRegistry> next) {
  registry_.replace(std::move(next));
}

Expected<std::size_t> KeyDirectory::refresh() {
  auto loaded = store_.executor().run_sync<std::shared_ptr<const CallerKeyRegistry>>(load_registry);
  if (!loaded) return loaded.error();
  const std::size_t size = (*loaded)->size();
  replace(std::move(*loaded));
  return size;
}

boost::asio::awaitable<Expected<std::size_t>> KeyDirectory::refresh_now() {
  auto load = store_.executor().run<std::shared_ptr<const CallerKeyRegistry>>(load_registry);
  auto loaded = co_await std::move(load);
  if (!loaded) co_return loaded.error();
  const std::size_t size = (*loaded)->size();
  replace(std::move(*loaded));
  co_return size;
}

void KeyDirectory::start_periodic_refresh(boost::asio::io_context& io,
                                          std::chrono::seconds interval) {
  timer_ = std::make_unique<boost::asio::steady_timer>(io);
  stopped_ = false;
  boost::asio::co_spawn(io,
                        [self = shared_from_this(), interval] {
                          return self->refresh_periodically(interval);
                        },
                        boost::asio::detached);
}

void KeyDirectory::stop() {
  stopped_ = true;
  if (!timer_) return;
  // The timer belongs to its io_context's thread; cancel it there.
  boost::asio::post(timer_->get_executor(), [self = shared_from_this()] { self->timer_->cancel(); });
}

boost::asio::awaitable<void> KeyDirectory::refresh_periodically(std::chrono::seconds interval) {
  while (!stopped_) {
    timer_->expires_after(interval);
    boost::system::error_code ignored;
    auto wait = timer_->async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
    co_await std::move(wait);
    if (stopped_) break;
    auto load = store_.executor().run<std::shared_ptr<const CallerKeyRegistry>>(load_registry);
    auto loaded = co_await std::move(load);
    if (!loaded) {
      spdlog::warn("api key refresh failed, keeping the previous keys: {}", loaded.error().message);
      continue;
    }
    replace(std::move(*loaded));
  }
}

}  // namespace sluice::access
