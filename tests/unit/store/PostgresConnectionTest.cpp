#include "StoreTestSupport.h"
#include "store/StoreExecutor.h"

#include <gtest/gtest.h>

namespace sluice::store {
namespace {

Expected<std::int64_t> backend_pid(StoreConnection& connection) {
  auto statement = connection.prepare("SELECT pg_backend_pid()");
  if (!statement) return statement.error();
  auto row = (*statement)->step();
  if (!row) return row.error();
  return (*statement)->column_int64(0);
}

TEST(PostgresConnection, AnUnreachableServerIsAStoreError) {
  auto connection = PostgresConnection::open("host=127.0.0.1 port=1 connect_timeout=2");
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(connection.error().status, 503);
  EXPECT_EQ(connection.error().code, "store_error");
}

TEST(PostgresConnection, ADroppedConnectionFailsOneJobAndIsReplacedForTheNext) {
  testing::PostgresBackend backend;
  ASSERT_EQ(backend.start(), "") << "Postgres is not available for the store tests";
  StoreExecutor executor(backend.factory(), 1);
  const auto pid = executor.run_sync<std::int64_t>(backend_pid);
  ASSERT_TRUE(pid.ok()) << pid.error().message;

  // Another session ends ours, as a server restart or an idle-connection reaper would.
  auto admin = backend.factory()();
  ASSERT_TRUE(admin.ok());
  auto terminate = (*admin)->prepare("SELECT pg_terminate_backend(?)");
  ASSERT_TRUE(terminate.ok());
  (*terminate)->bind(1, *pid);
  ASSERT_TRUE((*terminate)->run().ok());

  const auto lost = executor.run_sync<std::int64_t>(backend_pid);
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().status, 503);
  const auto replaced = executor.run_sync<std::int64_t>(backend_pid);
  ASSERT_TRUE(replaced.ok()) << replaced.error().message;
  EXPECT_NE(*replaced, *pid);
}

}  // namespace
}  // namespace sluice::store
