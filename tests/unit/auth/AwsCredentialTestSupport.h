// Shared fixtures for the AWS credential tests: a map standing in for the process environment, a
// temporary directory for profile files, scripts and token files, a settable clock, and a helper
// that runs one coroutine to completion on a test io_context.
#pragma once

#include "auth/AwsCredentialSource.h"
#include "core/Expected.h"

#include "../upstream/TestUpstreamServer.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace sluice::auth::test {

// A fixed environment; copies of the lookup share the map, so a test may change it later.
class FakeEnvironment {
 public:
  FakeEnvironment() : values_(std::make_shared<std::map<std::string, std::string, std::less<>>>()) {}
  void set(const std::string& name, std::string value) { (*values_)[name] = std::move(value); }
  void unset(const std::string& name) { values_->erase(name); }
  AwsEnvironmentLookup lookup() const {
    return [values = values_](std::string_view name) -> std::optional<std::string> {
      const auto it = values->find(name);
      if (it == values->end()) return std::nullopt;
      return it->second;
    };
  }

 private:
  std::shared_ptr<std::map<std::string, std::string, std::less<>>> values_;
};

// A clock the test moves by hand; copies share the time.
class FakeClock {
 public:
  explicit FakeClock(std::chrono::system_clock::time_point start)
      : now_(std::make_shared<std::atomic<std::chrono::system_clock::rep>>(start.time_since_epoch().count())) {}
  AwsClock clock() const {
    return [now = now_] {
      return std::chrono::system_clock::time_point(std::chrono::system_clock::duration(now->load()));
    };
  }
  std::chrono::system_clock::time_point now() const { return clock()(); }
  void advance(std::chrono::system_clock::duration by) { now_->fetch_add(by.count()); }

 private:
  std::shared_ptr<std::atomic<std::chrono::system_clock::rep>> now_;
};

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    auto pattern = (std::filesystem::temp_directory_path() / "sluice-aws-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `text` to `name` (creating parent directories) and returns its full path.
  std::string write(const std::string& name, const std::string& text) const {
    const auto file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
  }

  // Writes an executable shell script (run directly: its #! line picks the interpreter).
  std::string script(const std::string& name, const std::string& body) const {
    auto file = write(name, "#!/bin/sh\n" + body);
    std::filesystem::permissions(file, std::filesystem::perms::owner_all);
    return file;
  }

 private:
  std::filesystem::path path_;
};

// Runs `body` on `io` to completion and returns its result. May be called again on the same io.
template <typename T>
T run_on(boost::asio::io_context& io, boost::asio::awaitable<T> body,
         std::chrono::seconds limit = std::chrono::seconds(20)) {
  std::optional<T> result;
  io.restart();  // run_test_body stops `io` when done; a test may run several bodies on it
  upstream::test::run_test_body(
      io,
      [](boost::asio::awaitable<T> inner, std::optional<T>& out) -> boost::asio::awaitable<void> {
        out.emplace(co_await std::move(inner));
      }(std::move(body), result),
      limit);
  if (!result) throw std::runtime_error("the test coroutine did not finish");
  return std::move(*result);
}

// A context seeing `env`; the real clock unless `now` is given.
inline AwsCredentialContext make_context(AwsEnvironmentLookup env, upstream::UpstreamClient* http = nullptr,
                                         std::string region = "", AwsClock now = {}) {
  AwsCredentialContext context;
  context.env = std::move(env);
  context.http = http;
  context.region = std::move(region);
  if (now) context.now = std::move(now);
  return context;
}

inline std::chrono::system_clock::time_point utc(int year, unsigned month, unsigned day, int hour = 0,
                                                  int minute = 0, int second = 0) {
  using namespace std::chrono;
  return sys_days{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}} +
         hours(hour) + minutes(minute) + seconds(second);
}

}  // namespace sluice::auth::test
