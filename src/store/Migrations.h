// Migrations: the store's schema, as numbered forward-only steps applied at startup.
//
// Each migration is SQL per backend (the dialects differ in little more than auto-increment ids)
// and runs in its own transaction together with its row in schema_migrations(version, applied_at),
// so a crash leaves a migration either wholly applied or not at all, and running apply_migrations
// again (every restart does) applies only what is missing. There is no "down": a release that needs
// a change adds the next version. The schema itself is described in docs/store.md.
#pragma once

#include "store/StoreConnection.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sluice::store {

struct Migration {
  std::int64_t version = 0;
  std::string description;
  std::string sqlite_sql;
  std::string postgres_sql;
};

// Every migration, in version order.
const std::vector<Migration>& migrations();

// Applies the migrations `connection` has not seen yet; returns how many it applied.
Expected<int> apply_migrations(StoreConnection& connection);

// The highest applied version, 0 for an empty database.
Expected<std::int64_t> schema_version(StoreConnection& connection);

}  // namespace sluice::store
