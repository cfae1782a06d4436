// IdentitySeeder against both store backends: what each config entry becomes, and that seeding is
// by key, idempotent and all-or-nothing.
#include "IdentityTestSupport.h"
#include "access/CallerKeyRegistry.h"
#include "access/IdentitySeeder.h"
#include "config/ApiKeyFormat.h"
#include "store/StoreQueries.h"

namespace sluice::access {
namespace {

using testing::load_config;
using testing::must;

constexpr const char* kCiKey = "gwk_ciValueKey01.ci-secret-0123456789abcdef";

constexpr std::string_view kConfig = R"(
providers:
  - id: openai
    type: openai_compat
    base_url: https://api.openai.com/v1
    pricing_provider_id: openai
models:
  - id: gpt
    routes: [{ provider: openai, upstream_model: gpt-4o }]
  - id: mini
    routes: [{ provider: openai, upstream_model: gpt-4o-mini }]
auth:
  bootstrap_admin: { email: root@example.com }
budgets:
  users:
    default: { cadence: monthly, amount_usd: "200" }
    model_defaults:
      - { model: gpt, budget: { cadence: daily, amount_usd: "20" } }
teams:
  - { id: platform, name: Platform }
service_accounts:
  - id: ci
    team: platform
    budget: { cadence: daily, amount_usd: "25" }
    keys:
      - { id: pinned, value: "literal.gwk_ciValueKey01.ci-secret-0123456789abcdef", allowed_models: [mini, gpt] }
users:
  - { name: Ann, email: Ann@Example.com, auth_mode: password, membership: { team: platform, role: admin } }
  - { name: Bob, email: bob@example.com, auth_mode: password, budget: { cadence: weekly, amount_usd: "5" } }
)";

// The same, plus a managed key (auto_create without a value).
std::string config_with_managed_key() {
  std::string yaml(kConfig);
  const std::string pinned = "      - { id: pinned,";
  yaml.insert(yaml.find(pinned), "      - { id: managed, allowed_models: [gpt] }\n");
  return yaml;
}

template <typename Backend>
class IdentitySeederTest : public testing::StoreFixture<Backend> {
 protected:
  SeedSummary seed(std::string_view yaml, std::optional<KeySecretCipher> cipher = std::nullopt) {
    return must(seed_identities(*load_config(yaml), *this->store_, cipher));
  }

  std::vector<store::ApiKeyRecord> keys_of(const std::string& account) {
    return must(this->store_->list_api_keys_sync({store::PrincipalKind::kServiceAccount, account}));
  }
};

TYPED_TEST_SUITE(IdentitySeederTest, testing::Backends, testing::BackendNames);

TYPED_TEST(IdentitySeederTest, SeedsTeamsServiceAccountsAndUsers) {
  const SeedSummary summary = this->seed(kConfig);
  EXPECT_EQ(summary.teams, 1);
  EXPECT_EQ(summary.service_accounts, 1);
  EXPECT_EQ(summary.users, 2);
  EXPECT_EQ(this->rows("teams", {"id", "name"}, "id"), std::vector<std::string>{"platform|Platform"});
  EXPECT_EQ(this->rows("service_accounts", {"id", "team_id"}, "id"),
            std::vector<std::string>{"ci|platform"});
  const auto ann = must(this->store_->find_user_sync("ann@example.com"));
  ASSERT_TRUE(ann);
  EXPECT_EQ(ann->team_id.value_or(""), "platform");
  EXPECT_EQ(ann->team_role.value_or(""), "admin");
  EXPECT_EQ(ann->global_role, "user");
}

TYPED_TEST(IdentitySeederTest, NewUsersAreInvited) {
  EXPECT_EQ(this->seed(kConfig).users_invited, 2);
  EXPECT_EQ(must(this->store_->find_user_sync("bob@example.com"))->status, "invited");
}

TYPED_TEST(IdentitySeederTest, AnExistingUserKeepsTheirStatus) {
  this->seed(kConfig);
  must(this->store_->executor().template run_sync<store::Done>([](store::StoreConnection& c) {
    return c.execute_script("UPDATE users SET status = 'active' WHERE email = 'bob@example.com'");
  }));
  EXPECT_EQ(this->seed(kConfig).users_invited, 0);
  EXPECT_EQ(must(this->store_->find_user_sync("bob@example.com"))->status, "active");
}

TYPED_TEST(IdentitySeederTest, CreatesTheBootstrapAdminOnceAndThenLeavesItAlone) {
  EXPECT_TRUE(this->seed(kConfig).bootstrap_admin_created);
  const auto admin = must(this->store_->find_user_sync("root@example.com"));
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->global_role, "platform_admin");
  EXPECT_EQ(admin->status, "active");
  must(this->store_->executor().template run_sync<store::Done>([](store::StoreConnection& c) {
    return c.execute_script("UPDATE users SET name = 'Root' WHERE email = 'root@example.com'");
  }));
  EXPECT_FALSE(this->seed(kConfig).bootstrap_admin_created);
  EXPECT_EQ(must(this->store_->find_user_sync("root@example.com"))->name, "Root");
}

TYPED_TEST(IdentitySeederTest, StoresAValueKeyAsTheHashOfItsSecretWithItsGrants) {
  this->seed(kConfig);
  const auto keys = this->keys_of("ci");
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].public_id, "ciValueKey01");
  EXPECT_EQ(keys[0].secret_hash, to_hex(sha256("ci-secret-0123456789abcdef")));
  EXPECT_EQ(keys[0].config_key_id.value_or(""), "pinned");
  EXPECT_FALSE(keys[0].encrypted_secret);
  EXPECT_EQ(keys[0].granted_models, (std::vector<std::string>{"gpt", "mini"}));
}

TYPED_TEST(IdentitySeederTest, SeededKeysAuthenticateThroughTheStoreRows) {
  this->seed(kConfig);
  const auto registry = CallerKeyRegistry::from_rows(must(this->store_->list_caller_keys_sync()));
  const auto key = registry.authenticate(kCiKey);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ((*key)->principal.id, "ci");
  EXPECT_EQ((*key)->principal.team, "platform");
  EXPECT_TRUE((*key)->store_id.has_value());
}

TYPED_TEST(IdentitySeederTest, MintsAManagedKeyOnceAndSealsItsSecret) {
  const auto cipher = testing::test_cipher();
  EXPECT_EQ(this->seed(config_with_managed_key(), cipher).keys_minted, 1);
  auto keys = this->keys_of("ci");
  const auto managed = std::find_if(keys.begin(), keys.end(),
                                    [](const auto& key) { return key.config_key_id == "managed"; });
  ASSERT_NE(managed, keys.end());
  ASSERT_TRUE(managed->encrypted_secret);
  const std::string revealed = must(cipher.decrypt(*managed->encrypted_secret));
  const auto parsed = config::parse_api_key(revealed);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->public_id, managed->public_id);
  EXPECT_EQ(to_hex(sha256(parsed->secret)), managed->secret_hash);

  const SeedSummary again = this->seed(config_with_managed_key(), cipher);
  EXPECT_EQ(again.keys_minted, 0);
  EXPECT_EQ(again.keys_kept, 1);
  keys = this->keys_of("ci");
  EXPECT_TRUE(std::any_of(keys.begin(), keys.end(), [&](const auto& key) {
    return key.public_id == std::string(parsed->public_id);
  }));
}

TYPED_TEST(IdentitySeederTest, RefusesManagedKeysWithoutACipherAndWritesNothing) {
  const auto seeded = seed_identities(*load_config(config_with_managed_key()), *this->store_, std::nullopt);
  ASSERT_FALSE(seeded);
  EXPECT_NE(seeded.error().message.find("OCEANS_API_KEY_SECRET_ENCRYPTION_KEY"), std::string::npos);
  EXPECT_TRUE(this->identity_tables().empty());
}

TYPED_TEST(IdentitySeederTest, SeedingTwiceChangesNothing) {
  const auto cipher = testing::test_cipher();
  this->seed(config_with_managed_key(), cipher);
  const auto first = this->identity_tables();
  const SeedSummary again = this->seed(config_with_managed_key(), cipher);
  EXPECT_EQ(this->identity_tables(), first);
  EXPECT_EQ(again.users_invited, 0);
  EXPECT_EQ(again.keys_minted, 0);
  EXPECT_FALSE(again.bootstrap_admin_created);
}

TYPED_TEST(IdentitySeederTest, LeavesRowsTheConfigDoesNotListUntouched) {
  this->seed(kConfig);
  store::UserRecord sso_user;
  sso_user.email = "sso@example.com";
  sso_user.name = "Sso";
  sso_user.auth_mode = "oidc";
  sso_user.global_role = "user";
  sso_user.status = "active";
  must(this->store_->upsert_user_sync(sso_user));
  store::ApiKeyRecord ui_key;
  ui_key.public_id = "uiMadeKey001";
  ui_key.secret_hash = std::string(64, 'b');
  ui_key.name = "laptop";
  ui_key.owner = {store::PrincipalKind::kUser, "ann@example.com"};
  must(this->store_->upsert_api_key_sync(ui_key));
  const auto before = this->identity_tables();
  this->seed(kConfig);
  EXPECT_EQ(this->identity_tables(), before);
}

TYPED_TEST(IdentitySeederTest, WritesABudgetRowForEveryBudgetedPrincipal) {
  this->seed(kConfig);
  EXPECT_EQ(this->rows("budgets", {"scope", "principal_id", "model_id", "cadence", "amount"},
                       "scope, principal_id, model_id"),
            (std::vector<std::string>{
                "service_account|ci||daily|250000",
                "user|ann@example.com||monthly|2000000",     // the default
                "user|bob@example.com||weekly|50000",       // their own
                "user|root@example.com||monthly|2000000",   // the admin is a human user too
                "user_model|ann@example.com|gpt|daily|200000",
                "user_model|bob@example.com|gpt|daily|200000",
                "user_model|root@example.com|gpt|daily|200000",
            }));
}

TYPED_TEST(IdentitySeederTest, AFailedSeedLeavesTheStoreAsItWas) {
  // Another owner already holds the public id of the configured key: the key upsert conflicts.
  store::ApiKeyRecord squatter;
  squatter.public_id = "ciValueKey01";
  squatter.secret_hash = std::string(64, 'c');
  squatter.name = "squatter";
  squatter.owner = {store::PrincipalKind::kUser, "someone@example.com"};
  must(this->store_->upsert_api_key_sync(squatter));
  const auto before = this->identity_tables();

  const auto seeded = seed_identities(*load_config(kConfig), *this->store_, std::nullopt);
  ASSERT_FALSE(seeded);
  EXPECT_EQ(seeded.error().status, 409);
  EXPECT_EQ(this->identity_tables(), before);
}

}  // namespace
}  // namespace sluice::access
