// IdentityTestSupport: a Store on each test backend, a config loaded from YAML, and a way to read
// the identity tables back, for the seeder and key directory suites.
#pragma once

#include "../store/StoreTestSupport.h"
#include "access/KeySecretCipher.h"
#include "config/ConfigLoader.h"
#include "store/Store.h"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace sluice::access::testing {

// Unwraps a result, or fails the test with the error's message.
template <typename T>
T must(Expected<T> result) {
  if (!result) throw std::runtime_error("error: " + result.error().message);
  return std::move(*result);
}

inline std::shared_ptr<const config::GatewayConfig> load_config(std::string_view yaml) {
  auto result = config::load_config_text(yaml, [](std::string_view) { return std::nullopt; });
  if (!result.ok()) {
    throw std::runtime_error("config does not load: " + result.errors.front().to_string());
  }
  return result.config;
}

// 32 bytes 0x00..0x1f in base64.
inline KeySecretCipher test_cipher() {
  return must(KeySecretCipher::from_base64_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="));
}

template <typename Backend>
class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string unavailable = backend_.start();
    ASSERT_EQ(unavailable, "") << Backend::kName << " is not available for the identity tests";
    store_ = must(store::Store::open(backend_.factory(), Backend::kThreads));
  }

  // Every row of `table`, each as "col|col|…" with NULL spelled out, ordered by `order`.
  std::vector<std::string> rows(const std::string& table, const std::vector<std::string>& columns,
                                const std::string& order) {
    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + columns[i];
    sql += " FROM " + table + " ORDER BY " + order;
    return must(store_->executor().run_sync<std::vector<std::string>>(
        [&](store::StoreConnection& connection) -> Expected<std::vector<std::string>> {
          auto statement = connection.prepare(sql);
          if (!statement) return statement.error();
          std::vector<std::string> out;
          while (true) {
            auto row = (*statement)->step();
            if (!row) return row.error();
            if (!*row) break;
            std::string line;
            for (std::size_t i = 0; i < columns.size(); ++i) {
              const int column = static_cast<int>(i);
              line += (i ? "|" : "") +
                      ((*statement)->is_null(column) ? "NULL" : (*statement)->column_text(column));
            }
            out.push_back(line);
          }
          return out;
        }));
  }

  // The identity tables, whole: equal snapshots mean a seed changed nothing.
  std::vector<std::string> identity_tables() {
    std::vector<std::string> all;
    const auto add = [&](const std::string& table, const std::vector<std::string>& columns,
                         const std::string& order) {
      for (auto& line : rows(table, columns, order)) all.push_back(table + ": " + line);
    };
    add("teams", {"id", "name"}, "id");
    add("service_accounts", {"id", "name", "team_id"}, "id");
    add("users", {"id", "email", "name", "auth_mode", "global_role", "team_id", "team_role",
                  "request_logging_enabled", "status", "created_at"}, "id");
    add("api_keys", {"id", "public_id", "secret_hash", "name", "owner_kind", "owner_id",
                     "config_key_id", "encrypted_secret", "created_at", "revoked_at"}, "id");
    add("api_key_models", {"api_key_id", "model_id"}, "api_key_id, model_id");
    add("budgets", {"id", "scope", "principal_id", "model_id", "cadence", "amount", "hard_limit",
                    "timezone"}, "id");
    return all;
  }

  Backend backend_;
  std::unique_ptr<store::Store> store_;
};

using Backends = ::testing::Types<store::testing::SqliteBackend, store::testing::PostgresBackend>;

struct BackendNames {
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};

}  // namespace sluice::access::testing
