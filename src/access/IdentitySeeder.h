// IdentitySeeder: writes the config's people, service accounts, keys and budgets into the store.
//
// The config is the source of truth for what it lists (config.md §15): teams, service accounts,
// users and keys are upserted by their key (team id, account id, email, (owner, config key id));
// rows the config does not list (users who signed in by SSO, keys made in the admin UI) are never
// touched. Everything is written in one transaction, so a failed seed leaves the store as it was,
// and running it again with the same config changes nothing.
//
// What each config entry becomes (docs/identity.md has the why):
//   - auth.bootstrap_admin (when enabled): a platform_admin user with that email, created once and
//     then left alone, so an admin's later changes to it survive restarts. Its configured password
//     becomes its Argon2id password hash while it has none (with require_password_change as the
//     forced-change flag); a password changed in the console is never overwritten.
//   - users[]: created `invited`, updated in place afterwards (status and created_at are kept).
//   - keys with a `value`: stored as the SHA-256 of their secret, with their allowed_models.
//   - managed keys (auto_create, no value): minted once, when the owner has no key under that
//     config id yet, and stored as hash + secret sealed by KeySecretCipher; later seeds update
//     their name and grants only. Seeding fails when the config has managed keys and no cipher.
//   - budgets: a row per (scope, principal, model) that has a budget — each service account's, each
//     seeded user's own or `budgets.users.default`, and each `model_defaults` entry per seeded user
//     — so usage alerts have a budget id to point at. Limits are enforced from the config.
//
// Principal ids: a service account's id, and a user's lower-cased email (never the numeric row id).
#pragma once

#include "access/KeySecretCipher.h"
#include "config/GatewayConfig.h"
#include "core/Expected.h"
#include "store/Store.h"
#include "store/StoreConnection.h"

#include <optional>
#include <string>
#include <vector>

namespace sluice::access {

struct SeedSummary {
  int teams = 0;
  int service_accounts = 0;
  int users = 0;          // users[] entries upserted
  int users_invited = 0;  // of those, new in this run
  bool bootstrap_admin_created = false;
  int budgets = 0;           // budget rows upserted
  int keys_from_values = 0;  // keys configured by value, upserted
  int keys_minted = 0;       // managed keys created in this run
  int keys_kept = 0;         // managed keys that already existed (grants and name refreshed)

  // One line for the command line and the startup log.
  std::string to_string() const;
};

// The budget rows that apply to a human user (docs/identity.md): their own budget or else
// `budgets.users.default`, and one per `budgets.users.model_defaults` entry. Seeding writes them for
// the users the config lists; whatever creates another user (the admin console) writes them too.
std::vector<store::BudgetRecord> user_budget_rows(const config::GatewayConfig& config,
                                                  const std::string& email,
                                                  const std::optional<config::Budget>& own);

// Seeds on `connection` (a store thread's, or a test's) in one transaction. `now` stamps new rows.
Expected<SeedSummary> seed_identities(const config::GatewayConfig& config,
                                      store::StoreConnection& connection,
                                      const std::optional<KeySecretCipher>& cipher,
                                      store::UnixMillis now);

// The same through the store's executor, blocking the caller: for startup and `sluice seed`.
Expected<SeedSummary> seed_identities(const config::GatewayConfig& config, store::Store& store,
                                      const std::optional<KeySecretCipher>& cipher);

}  // namespace sluice::access
