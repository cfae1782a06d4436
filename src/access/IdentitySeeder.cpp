#include "access/IdentitySeeder.h"

#include "access/ApiKeyMint.h"
#include "access/PasswordHasher.h"
#include "config/ApiKeyFormat.h"
#include "config/EnumNames.h"
#include "core/Digest.h"
#include "store/ConsoleQueries.h"
#include "store/StoreQueries.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace sluice::access {
namespace {

namespace queries = store::queries;
using store::Status;

GatewayError seed_error(std::string message) {
  return {500, "internal_error", "internal_error", std::nullopt, std::move(message)};
}

bool is_managed(const config::ServiceAccountKeyConfig& key) { return !key.value.has_value(); }

bool has_managed_keys(const config::GatewayConfig& config) {
  return std::any_of(config.service_accounts.begin(), config.service_accounts.end(),
                     [](const config::ServiceAccountConfig& account) {
                       return std::any_of(account.keys.begin(), account.keys.end(), is_managed);
                     });
}

std::string hash_of_secret(std::string_view secret) { return to_hex(sha256(secret)); }

store::BudgetRecord budget_row(store::BudgetScope scope, std::string principal_id,
                               std::optional<std::string> model, const config::Budget& budget) {
  store::BudgetRecord row;
  row.scope = scope;
  row.principal_id = std::move(principal_id);
  row.model_id = std::move(model);
  row.cadence = budget.cadence;
  row.amount = budget.amount_usd;
  row.hard_limit = budget.hard_limit;
  row.timezone = budget.timezone;
  return row;
}

// One seeding run: the connection it writes to and what it has done so far.
class Seeding {
 public:
  Seeding(const config::GatewayConfig& config, store::StoreConnection& connection,
          const std::optional<KeySecretCipher>& cipher, store::UnixMillis now)
      : config_(config), connection_(connection), cipher_(cipher), now_(now) {}

  Status run() {
    // Teams first: service accounts and users refer to them.
    for (auto step : {&Seeding::seed_teams, &Seeding::seed_service_accounts,
                      &Seeding::seed_bootstrap_admin, &Seeding::seed_users, &Seeding::seed_keys}) {
      if (auto done = (this->*step)(); !done) return done;
    }
    return store::Done{};
  }

  const SeedSummary& summary() const { return summary_; }

 private:
  Status seed_teams() {
    for (const auto& team : config_.teams) {
      if (auto done = queries::upsert_team(connection_, {team.id, team.name}); !done) return done;
      ++summary_.teams;
    }
    return store::Done{};
  }

  Status seed_service_accounts() {
    for (const auto& account : config_.service_accounts) {
      auto done = queries::upsert_service_account(connection_, {account.id, account.name, account.team});
      if (!done) return done;
      ++summary_.service_accounts;
      auto budget = upsert_budget(
          budget_row(store::BudgetScope::kServiceAccount, account.id, std::nullopt, account.budget));
      if (!budget) return budget;
    }
    return store::Done{};
  }

  // Created once: a later seed must not undo what an admin changed about this user.
  Status seed_bootstrap_admin() {
    const auto& admin = config_.auth.bootstrap_admin;
    if (!admin.enabled) return store::Done{};
    auto existing = queries::find_user(connection_, admin.email);
    if (!existing) return existing.error();
    if (!*existing) {
      store::UserRecord user;
      user.email = admin.email;
      user.name = "Administrator";
      user.auth_mode = "password";
      user.global_role = "platform_admin";
      user.status = "active";  // signs in with the configured password; nobody invites it
      user.created_at = now_;
      auto id = queries::upsert_user(connection_, user);
      if (!id) return id.error();
      summary_.bootstrap_admin_created = true;
      existing = queries::find_user(connection_, admin.email);
      if (!existing) return existing.error();
    }
    // The configured password is the admin's first one only: once a password exists (set here
    // earlier, or changed in the console since), the file no longer changes it.
    if (*existing && !(*existing)->password_hash) {
      auto set = queries::set_initial_password(connection_, (*existing)->id,
                                               hash_password(admin.password.reveal()),
                                               admin.require_password_change);
      if (!set) return set.error();
    }
    return seed_user_budgets(admin.email, std::nullopt);
  }

  Status seed_users() {
    for (const auto& configured : config_.users) {
      auto existing = queries::find_user(connection_, configured.email);
      if (!existing) return existing.error();
      store::UserRecord user;
      user.email = configured.email;
      user.name = configured.name;
      user.auth_mode = std::string(config::to_string(configured.auth_mode));
      user.global_role = std::string(config::to_string(configured.global_role));
      if (configured.membership) {
        user.team_id = configured.membership->team;
        user.team_role = std::string(config::to_string(configured.membership->role));
      }
      user.request_logging_enabled = configured.request_logging_enabled;
      user.status = "invited";  // new users only: upsert_user keeps an existing user's status
      user.created_at = now_;
      auto id = queries::upsert_user(connection_, user);
      if (!id) return id.error();
      ++summary_.users;
      if (!*existing) ++summary_.users_invited;
      if (auto budgets = seed_user_budgets(configured.email, configured.budget); !budgets) {
        return budgets;
      }
    }
    return store::Done{};
  }

  Status seed_user_budgets(const std::string& email, const std::optional<config::Budget>& own) {
    for (const auto& row : user_budget_rows(config_, email, own)) {
      if (auto done = upsert_budget(row); !done) return done;
    }
    return store::Done{};
  }

  Status upsert_budget(const store::BudgetRecord& row) {
    auto id = queries::upsert_budget(connection_, row);
    if (!id) return id.error();
    ++summary_.budgets;
    return store::Done{};
  }

  Status seed_keys() {
    for (const auto& account : config_.service_accounts) {
      const store::Principal owner{store::PrincipalKind::kServiceAccount, account.id};
      auto existing = queries::list_api_keys(connection_, owner);
      if (!existing) return existing.error();
      for (const auto& key : account.keys) {
        auto done = key.value ? seed_value_key(owner, key) : seed_managed_key(owner, key, *existing);
        if (!done) return done;
      }
    }
    return store::Done{};
  }

  store::ApiKeyRecord key_row(const store::Principal& owner,
                              const config::ServiceAccountKeyConfig& key) const {
    store::ApiKeyRecord row;
    row.name = key.name;
    row.owner = owner;
    row.config_key_id = key.id;
    row.created_at = now_;
    row.granted_models = key.allowed_models;
    std::sort(row.granted_models.begin(), row.granted_models.end());
    return row;
  }

  Status seed_value_key(const store::Principal& owner, const config::ServiceAccountKeyConfig& key) {
    const auto parsed = config::parse_api_key(key.value->reveal());
    if (!parsed) {  // the loader checked it; only a loader bug reaches this
      return seed_error(fmt::format("service_accounts `{}` key `{}` is not a gateway API key",
                                    owner.id, key.id));
    }
    store::ApiKeyRecord row = key_row(owner, key);
    row.public_id = std::string(parsed->public_id);
    row.secret_hash = hash_of_secret(parsed->secret);
    auto id = queries::upsert_api_key(connection_, row);
    if (!id) return id.error();
    ++summary_.keys_from_values;
    return store::Done{};
  }

  Status seed_managed_key(const store::Principal& owner, const config::ServiceAccountKeyConfig& key,
                          const std::vector<store::ApiKeyRecord>& existing) {
    store::ApiKeyRecord row = key_row(owner, key);
    const auto found = std::find_if(existing.begin(), existing.end(), [&](const auto& stored) {
      return stored.config_key_id == key.id;
    });
    if (found != existing.end() && found->encrypted_secret) {
      // Minted before: keep its secret (callers hold it) and refresh what the config controls.
      row.public_id = found->public_id;
      row.secret_hash = found->secret_hash;
      row.encrypted_secret = found->encrypted_secret;
      ++summary_.keys_kept;
    } else {
      // New, or a key that was configured by value until now: its secret is not ours to reveal.
      const std::string minted = mint_api_key();
      const auto parsed = config::parse_api_key(minted);
      row.public_id = std::string(parsed->public_id);
      row.secret_hash = hash_of_secret(parsed->secret);
      row.encrypted_secret = cipher_->encrypt(minted);
      ++summary_.keys_minted;
    }
    auto id = queries::upsert_api_key(connection_, row);
    if (!id) return id.error();
    return store::Done{};
  }

  const config::GatewayConfig& config_;
  store::StoreConnection& connection_;
  const std::optional<KeySecretCipher>& cipher_;
  store::UnixMillis now_;
  SeedSummary summary_;
};

store::UnixMillis now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::vector<store::BudgetRecord> user_budget_rows(const config::GatewayConfig& config,
                                                  const std::string& email,
                                                  const std::optional<config::Budget>& own) {
  std::vector<store::BudgetRecord> rows;
  const auto& defaults = config.budgets.users;
  const auto& effective = own ? own : defaults.default_budget;
  if (effective) {
    rows.push_back(budget_row(store::BudgetScope::kUser, email, std::nullopt, *effective));
  }
  for (const auto& model_default : defaults.model_defaults) {
    rows.push_back(budget_row(store::BudgetScope::kUserModel, email, model_default.model,
                              model_default.budget));
  }
  return rows;
}

std::string SeedSummary::to_string() const {
  return fmt::format(
      "{} teams, {} service accounts, {} users ({} invited), bootstrap admin {}, {} budgets, "
      "{} keys by value, {} managed keys minted, {} managed keys kept",
      teams, service_accounts, users, users_invited,
      bootstrap_admin_created ? "created" : "unchanged", budgets, keys_from_values, keys_minted,
      keys_kept);
}

Expected<SeedSummary> seed_identities(const config::GatewayConfig& config,
                                      store::StoreConnection& connection,
                                      const std::optional<KeySecretCipher>& cipher,
                                      store::UnixMillis now) {
  // Checked before writing anything: a managed key's secret must be recoverable (reveal), and the
  // reference requires the key for them even when every managed key already exists.
  if (!cipher && has_managed_keys(config)) {
    return seed_error(fmt::format(
        "service_accounts declare managed keys (auto_create without value); set {} (or {}) to a "
        "base64-encoded 32-byte key to encrypt their secrets",
        KeySecretCipher::kEnvironmentVariable, KeySecretCipher::kReferenceEnvironmentVariable));
  }
  auto transaction = store::StoreTransaction::begin(connection);
  if (!transaction) return transaction.error();
  Seeding seeding(config, connection, cipher, now);
  if (auto done = seeding.run(); !done) return done.error();
  if (auto committed = transaction->commit(); !committed) return committed.error();
  return seeding.summary();
}

Expected<SeedSummary> seed_identities(const config::GatewayConfig& config, store::Store& store,
                                      const std::optional<KeySecretCipher>& cipher) {
  const store::UnixMillis now = now_ms();
  return store.executor().run_sync<SeedSummary>(
      [&](store::StoreConnection& connection) {
        return seed_identities(config, connection, cipher, now);
      });
}

}  // namespace sluice::access
