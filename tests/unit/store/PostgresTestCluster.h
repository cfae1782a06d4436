// PostgresTestCluster: a Postgres database for the store tests, and the GoogleTest environment that
// tears it down.
//
// With SLUICE_TEST_POSTGRES_URL set, tests use that server. Otherwise the first test that asks
// starts a throwaway cluster: initdb into a temporary directory (trust auth, superuser `sluice`),
// pg_ctl start on a free 127.0.0.1 port with its socket in that directory, CREATE DATABASE
// sluice_test; at the end of the run it is stopped and deleted. Lazily, so a run filtered to other
// tests starts nothing. Missing server binaries are an error, never a skip: CI must test Postgres.
// As root (CI is), initdb and pg_ctl run as the `postgres` (or `nobody`) user, since Postgres
// refuses to run as root.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

namespace sluice::store::testing {

class PostgresTestCluster : public ::testing::Environment {
 public:
  // The one instance, registered with GoogleTest at static initialisation.
  static PostgresTestCluster& instance();

  // A libpq connection string for a database the tests own, or the reason there is none.
  struct Connection {
    std::string conninfo;
    std::string error;  // empty when conninfo is usable
  };
  Connection connection();

  void TearDown() override;

 private:
  Connection start();
  void stop();

  std::mutex mutex_;
  std::optional<Connection> connection_;
  std::filesystem::path directory_;  // the throwaway cluster's; empty when none was started
  std::filesystem::path bin_;
};

}  // namespace sluice::store::testing
