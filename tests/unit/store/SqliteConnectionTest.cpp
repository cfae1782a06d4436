#include "store/SqliteConnection.h"
#include "store/Store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

namespace sluice::store {
namespace {

namespace fs = std::filesystem;

std::string pragma(StoreConnection& connection, const std::string& name) {
  auto statement = connection.prepare("PRAGMA " + name);
  EXPECT_TRUE(statement.ok());
  auto row = (*statement)->step();
  EXPECT_TRUE(row.ok() && *row);
  std::string value = (*statement)->column_text(0);
  (*statement)->reset();
  return value;
}

class SqliteConnectionTest : public ::testing::Test {
 protected:
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(directory_, ignored);
  }
  fs::path directory_ = fs::temp_directory_path() / ("sluice-sqlite-" + std::to_string(::getpid()));
};

// Memory statistics take a process-wide mutex on every SQLite allocation; opening a connection turns
// them off (before SQLite initialises), so the counter stays at zero however much is allocated.
TEST_F(SqliteConnectionTest, SqliteKeepsNoMemoryStatistics) {
  auto connection = SqliteConnection::open(":memory:");
  ASSERT_TRUE(connection.ok()) << connection.error().message;
  const auto written =
      (*connection)->execute_script("CREATE TABLE t (x TEXT); INSERT INTO t VALUES (hex(randomblob(4096)));");
  ASSERT_TRUE(written.ok());
  sqlite3_int64 used = -1;
  sqlite3_int64 highest = -1;
  ASSERT_EQ(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &used, &highest, 0), SQLITE_OK);
  EXPECT_EQ(used, 0);
  EXPECT_EQ(highest, 0);
}

TEST_F(SqliteConnectionTest, StoreOpenCreatesTheFileAtDatabasePathWithTheSchema) {
  fs::create_directories(directory_);
  config::DatabaseConfig database;
  database.path = (directory_ / "gateway.db").string();
  auto store = Store::open(database);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_TRUE(fs::exists(database.path));
  EXPECT_EQ((*store)->executor().thread_count(), 1u);  // SQLite has one writer
}

TEST_F(SqliteConnectionTest, OpensInWalModeWithForeignKeysAndABusyTimeout) {
  fs::create_directories(directory_);
  auto connection = SqliteConnection::open((directory_ / "wal.db").string());
  ASSERT_TRUE(connection.ok()) << connection.error().message;
  EXPECT_EQ(pragma(**connection, "journal_mode"), "wal");
  EXPECT_EQ(pragma(**connection, "foreign_keys"), "1");
  EXPECT_EQ(pragma(**connection, "busy_timeout"),
            std::to_string(SqliteConnection::kBusyTimeout.count()));
}

TEST_F(SqliteConnectionTest, AFileInAMissingDirectoryIsAStoreError) {
  auto connection = SqliteConnection::open((directory_ / "missing" / "gateway.db").string());
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(connection.error().status, 503);
  EXPECT_EQ(connection.error().type, "store_error");
}

}  // namespace
}  // namespace sluice::store
