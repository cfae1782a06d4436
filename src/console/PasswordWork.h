// PasswordWork: Argon2id hashing and verification off the I/O threads.
//
// A hash costs tens of milliseconds and 19 MiB (access/PasswordHasher); run on an I/O thread it
// would stall every request sharing that thread. Two threads of their own bound both the CPU and
// the memory that a burst of sign-ins can take; the awaiting coroutine resumes on its own thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <string>

namespace sluice::console {

class PasswordWork {
 public:
  PasswordWork() : pool_(2) {}
  ~PasswordWork() { pool_.join(); }
  PasswordWork(const PasswordWork&) = delete;
  PasswordWork& operator=(const PasswordWork&) = delete;

  boost::asio::awaitable<std::string> hash(std::string password);
  // `encoded` may be empty (no password set): it then verifies against a throwaway hash, so an
  // unknown account costs the same time as a wrong password.
  boost::asio::awaitable<bool> verify(std::string encoded, std::string password);

 private:
  boost::asio::thread_pool pool_;
};

}  // namespace sluice::console
