#include "console/PasswordWork.h"

#include "access/PasswordHasher.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sluice::console {

namespace asio = boost::asio;

namespace {
// Hashed once, lazily, on a password thread.
const std::string& throwaway_hash() {
  static const std::string hash = access::hash_password("sluice-throwaway-password");
  return hash;
}
}  // namespace

asio::awaitable<std::string> PasswordWork::hash(std::string password) {
  auto work = [password = std::move(password)]() -> asio::awaitable<std::string> {
    co_return access::hash_password(password);
  };
  co_return co_await asio::co_spawn(pool_.get_executor(), std::move(work), asio::use_awaitable);
}

asio::awaitable<bool> PasswordWork::verify(std::string encoded, std::string password) {
  auto work = [encoded = std::move(encoded),
               password = std::move(password)]() -> asio::awaitable<bool> {
    if (encoded.empty()) {
      access::verify_password(throwaway_hash(), password);
      co_return false;
    }
    co_return access::verify_password(encoded, password);
  };
  co_return co_await asio::co_spawn(pool_.get_executor(), std::move(work), asio::use_awaitable);
}

}  // namespace sluice::console
