// The admin console's key and people queries (ConsoleIdentityQueries.cpp) against both backends.
#include "StoreTestSupport.h"
#include "store/ConsoleQueries.h"
#include "store/Store.h"
#include "store/StoreQueries.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <stdexcept>

namespace sluice::store {
namespace {

using testing::must;

const Principal kAnn{PrincipalKind::kUser, "ann@example.com"};
const Principal kBob{PrincipalKind::kUser, "bob@example.com"};
const Principal kRobot{PrincipalKind::kServiceAccount, "robot"};
const Principal kOther{PrincipalKind::kServiceAccount, "other"};

UserRecord user(std::string email, std::string name, std::optional<std::string> team = {},
                std::optional<std::string> role = {}) {
  UserRecord row;
  row.email = std::move(email);
  row.name = std::move(name);
  row.auth_mode = "password";
  row.global_role = "user";
  row.team_id = std::move(team);
  row.team_role = std::move(role);
  row.status = "active";
  row.created_at = 1'000;
  return row;
}

ApiKeyRecord key(std::string public_id, Principal owner, std::vector<std::string> models = {}) {
  ApiKeyRecord row;
  row.public_id = std::move(public_id);
  row.secret_hash = std::string(64, 'b');
  row.name = row.public_id;
  row.owner = std::move(owner);
  row.created_at = 2'000;
  row.granted_models = std::move(models);
  return row;
}

std::vector<std::string> public_ids(const std::vector<ApiKeyListing>& listings) {
  std::vector<std::string> ids;
  for (const auto& listing : listings) ids.push_back(listing.key.public_id);
  return ids;
}

template <typename Backend>
class ConsoleIdentityQueriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string unavailable = backend_.start();
    ASSERT_EQ(unavailable, "") << Backend::kName << " is not available for the store tests";
    auto opened = Store::open(backend_.factory(), Backend::kThreads);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(*opened);
    // Two teams, Ann (admin of blue) and Bob (no team), a service account in each team.
    must(store_->upsert_team_sync({"blue", "Blue"}));
    must(store_->upsert_team_sync({"green", "Green"}));
    must(store_->upsert_service_account_sync({"robot", "Robot", "blue"}));
    must(store_->upsert_service_account_sync({"other", "Other", "green"}));
    ann_ = run<std::int64_t>([](StoreConnection& c) {
      return queries::insert_user(c, user("ann@example.com", "Ann", "blue", "admin"));
    });
    bob_ = run<std::int64_t>(
        [](StoreConnection& c) { return queries::insert_user(c, user("bob@example.com", "Bob")); });
  }

  template <typename T>
  T run(std::function<Expected<T>(StoreConnection&)> job) {
    return must(store_->executor().run_sync<T>(std::move(job)));
  }
  template <typename T>
  Expected<T> attempt(std::function<Expected<T>(StoreConnection&)> job) {
    return store_->executor().run_sync<T>(std::move(job));
  }

  std::int64_t add_key(ApiKeyRecord row) {
    return run<std::int64_t>([row](StoreConnection& c) { return queries::upsert_api_key(c, row); });
  }

  std::vector<ApiKeyListing> list(ApiKeyListQuery query) {
    return run<std::vector<ApiKeyListing>>(
        [query](StoreConnection& c) { return queries::list_api_key_listings(c, query); });
  }

  std::vector<CallerKeyRecord> caller_keys() {
    return run<std::vector<CallerKeyRecord>>(
        [](StoreConnection& c) { return queries::list_caller_keys(c); });
  }

  Backend backend_;
  std::unique_ptr<Store> store_;
  std::int64_t ann_ = 0;
  std::int64_t bob_ = 0;
};

struct BackendNames {
  template <typename Backend>
  static std::string GetName(int) {
    return Backend::kName;
  }
};

using Backends = ::testing::Types<testing::SqliteBackend, testing::PostgresBackend>;
TYPED_TEST_SUITE(ConsoleIdentityQueriesTest, Backends, BackendNames);

// --- keys

TYPED_TEST(ConsoleIdentityQueriesTest, ListsEveryUnrevokedKeyWithOwnerLabelTeamAndGrants) {
  this->add_key(key("annKey", kAnn, {"gpt", "claude"}));
  this->add_key(key("robotKey", kRobot));
  const std::int64_t gone = this->add_key(key("goneKey", kBob));
  this->template run<bool>([gone](StoreConnection& c) { return queries::revoke_api_key(c, gone, 5); });

  const auto keys = this->list({});
  ASSERT_EQ(public_ids(keys), (std::vector<std::string>{"annKey", "robotKey"}));
  EXPECT_EQ(keys[0].owner_label, "Ann");
  EXPECT_EQ(keys[0].owner_team, "blue");
  EXPECT_EQ(keys[0].key.granted_models, (std::vector<std::string>{"claude", "gpt"}));
  EXPECT_EQ(keys[1].owner_label, "Robot");
  EXPECT_EQ(keys[1].owner_team, "blue");
  EXPECT_TRUE(keys[1].key.granted_models.empty());

  ApiKeyListQuery with_revoked;
  with_revoked.include_revoked = true;
  EXPECT_EQ(public_ids(this->list(with_revoked)),
            (std::vector<std::string>{"annKey", "robotKey", "goneKey"}));
}

TYPED_TEST(ConsoleIdentityQueriesTest, ListsKeysOfTheGivenOwnersAndOfATeamsServiceAccounts) {
  this->add_key(key("annKey", kAnn, {"gpt"}));
  this->add_key(key("bobKey", kBob, {"gpt"}));
  this->add_key(key("robotKey", kRobot, {"claude"}));
  this->add_key(key("otherKey", kOther, {"gpt"}));

  ApiKeyListQuery own;
  own.every_owner = false;
  own.owners = {kBob};
  const auto bobs = this->list(own);
  EXPECT_EQ(public_ids(bobs), (std::vector<std::string>{"bobKey"}));
  ASSERT_EQ(bobs.size(), 1u);
  EXPECT_EQ(bobs[0].key.granted_models, (std::vector<std::string>{"gpt"}));

  ApiKeyListQuery team_admin;
  team_admin.every_owner = false;
  team_admin.owners = {kAnn};
  team_admin.service_accounts_of_team = "blue";
  const auto visible = this->list(team_admin);
  EXPECT_EQ(public_ids(visible), (std::vector<std::string>{"annKey", "robotKey"}));
  ASSERT_EQ(visible.size(), 2u);
  EXPECT_EQ(visible[1].key.granted_models, (std::vector<std::string>{"claude"}));

  ApiKeyListQuery nobody;
  nobody.every_owner = false;
  EXPECT_TRUE(this->list(nobody).empty());
}

TYPED_TEST(ConsoleIdentityQueriesTest, FindsAKeyByItsNumericIdWithItsOwnerLabel) {
  const std::int64_t id = this->add_key(key("annKey", kAnn, {"gpt"}));
  const auto found = this->template run<std::optional<ApiKeyListing>>(
      [id](StoreConnection& c) { return queries::find_api_key_by_id(c, id); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->key.public_id, "annKey");
  EXPECT_EQ(found->owner_label, "Ann");
  EXPECT_EQ(found->key.granted_models, (std::vector<std::string>{"gpt"}));
  EXPECT_FALSE((this->template run<std::optional<ApiKeyListing>>(
      [id](StoreConnection& c) { return queries::find_api_key_by_id(c, id + 100); })));
}

TYPED_TEST(ConsoleIdentityQueriesTest, UpdatesAKeysNameAndGrantsOnlyWhereAsked) {
  const std::int64_t id = this->add_key(key("annKey", kAnn, {"gpt"}));
  ApiKeyChange rename;
  rename.name = "laptop";
  EXPECT_TRUE(this->template run<bool>(
      [id, rename](StoreConnection& c) { return queries::update_api_key(c, id, rename); }));
  ApiKeyChange regrant;
  regrant.granted_models = std::vector<std::string>{"claude", "claude", "a"};
  EXPECT_TRUE(this->template run<bool>(
      [id, regrant](StoreConnection& c) { return queries::update_api_key(c, id, regrant); }));
  const auto found = this->template run<std::optional<ApiKeyListing>>(
      [id](StoreConnection& c) { return queries::find_api_key_by_id(c, id); });
  EXPECT_EQ(found->key.name, "laptop");
  EXPECT_EQ(found->key.granted_models, (std::vector<std::string>{"a", "claude"}));
  EXPECT_FALSE(this->template run<bool>(
      [id, rename](StoreConnection& c) { return queries::update_api_key(c, id + 100, rename); }));
}

TYPED_TEST(ConsoleIdentityQueriesTest, KeysOfDeactivatedUsersAndDisabledAccountsAreFlaggedForTheDirectory) {
  this->add_key(key("annKey", kAnn));
  this->add_key(key("bobKey", kBob));
  this->add_key(key("robotKey", kRobot));
  this->add_key(key("otherKey", kOther));
  const std::int64_t bob = this->bob_;
  this->template run<std::optional<UserRecord>>(
      [bob](StoreConnection& c) { return queries::deactivate_user(c, bob); });
  EXPECT_TRUE(this->template run<bool>(
      [](StoreConnection& c) { return queries::disable_service_account(c, "robot", 7); }));

  std::map<std::string, bool> disabled;
  for (const auto& record : this->caller_keys()) {
    EXPECT_TRUE(record.owner_exists) << record.key.public_id;
    disabled[record.key.public_id] = record.owner_disabled;
  }
  EXPECT_EQ(disabled, (std::map<std::string, bool>{
                          {"annKey", false}, {"bobKey", true}, {"robotKey", true}, {"otherKey", false}}));
}

// --- users

TYPED_TEST(ConsoleIdentityQueriesTest, InsertsANewUserAndRefusesATakenEmail) {
  const auto users = this->template run<std::vector<UserRecord>>(
      [](StoreConnection& c) { return queries::list_users(c); });
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].email, "ann@example.com");
  EXPECT_EQ(users[0].team_role, "admin");
  EXPECT_EQ(users[1].email, "bob@example.com");
  const auto again = this->template attempt<std::int64_t>(
      [](StoreConnection& c) { return queries::insert_user(c, user("bob@example.com", "Bobby")); });
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().status, 409);
}

TYPED_TEST(ConsoleIdentityQueriesTest, UpdatesOnlyTheFieldsAChangeCarries) {
  UserChange change;
  change.global_role = "platform_admin";
  change.request_logging_enabled = false;
  const std::int64_t bob = this->bob_;
  const auto updated = this->template run<std::optional<UserRecord>>(
      [bob, change](StoreConnection& c) { return queries::update_user(c, bob, change); });
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->name, "Bob");
  EXPECT_EQ(updated->global_role, "platform_admin");
  EXPECT_FALSE(updated->request_logging_enabled);
  EXPECT_FALSE((this->template run<std::optional<UserRecord>>(
      [change](StoreConnection& c) { return queries::update_user(c, 9'999, change); })));
}

TYPED_TEST(ConsoleIdentityQueriesTest, DeactivationEndsTheUsersSessionsAndReactivationRestoresTheirStatus) {
  const std::int64_t bob = this->bob_;
  this->template run<Done>([bob](StoreConnection& c) {
    return queries::insert_session(c, {"hash-1", bob, "csrf", 1, 10'000, 1}, 1);
  });
  const auto deactivated = this->template run<std::optional<UserRecord>>(
      [bob](StoreConnection& c) { return queries::deactivate_user(c, bob); });
  ASSERT_TRUE(deactivated);
  EXPECT_EQ(deactivated->status, "deactivated");
  EXPECT_FALSE((this->template run<std::optional<SignedInRow>>(
      [](StoreConnection& c) { return queries::find_session(c, "hash-1"); })));

  // Bob never set a password: back to invited, not active.
  const auto reactivated = this->template run<std::optional<UserRecord>>(
      [bob](StoreConnection& c) { return queries::reactivate_user(c, bob); });
  EXPECT_EQ(reactivated->status, "invited");
  this->template run<Done>(
      [bob](StoreConnection& c) { return queries::set_user_password(c, bob, "$argon2id$x", false); });
  this->template run<std::optional<UserRecord>>(
      [bob](StoreConnection& c) { return queries::deactivate_user(c, bob); });
  EXPECT_EQ((this->template run<std::optional<UserRecord>>(
                 [bob](StoreConnection& c) { return queries::reactivate_user(c, bob); }))
                ->status,
            "active");
}

TYPED_TEST(ConsoleIdentityQueriesTest, MovesAUserBetweenTeamsAndOutOfThem) {
  const std::int64_t bob = this->bob_;
  const std::optional<std::string> green = "green";
  const std::optional<std::string> owner = "owner";
  auto moved = this->template run<std::optional<UserRecord>>([bob, green, owner](StoreConnection& c) {
    return queries::set_team_membership(c, bob, green, owner);
  });
  EXPECT_EQ(moved->team_id, "green");
  EXPECT_EQ(moved->team_role, "owner");
  auto out = this->template run<std::optional<UserRecord>>([bob, owner](StoreConnection& c) {
    return queries::set_team_membership(c, bob, std::nullopt, owner);
  });
  EXPECT_EQ(out->team_id, std::nullopt);
  EXPECT_EQ(out->team_role, std::nullopt) << "no role without a team";
}

// --- teams

TYPED_TEST(ConsoleIdentityQueriesTest, ListsTeamsWithMembersAndServiceAccounts) {
  const auto teams = this->template run<std::vector<TeamListing>>(
      [](StoreConnection& c) { return queries::list_teams(c); });
  ASSERT_EQ(teams.size(), 2u);
  EXPECT_EQ(teams[0].team.id, "blue");
  ASSERT_EQ(teams[0].members.size(), 1u);
  EXPECT_EQ(teams[0].members[0].user_id, this->ann_);
  EXPECT_EQ(teams[0].members[0].email, "ann@example.com");
  EXPECT_EQ(teams[0].members[0].role, "admin");
  EXPECT_EQ(teams[0].service_accounts, (std::vector<std::string>{"robot"}));
  EXPECT_TRUE(teams[1].members.empty());
  EXPECT_EQ(teams[1].service_accounts, (std::vector<std::string>{"other"}));
}

TYPED_TEST(ConsoleIdentityQueriesTest, CreatesAndRenamesTeamsAndRefusesATakenId) {
  this->template run<Done>([](StoreConnection& c) { return queries::insert_team(c, {"red", "Red"}); });
  const auto taken = this->template attempt<Done>(
      [](StoreConnection& c) { return queries::insert_team(c, {"red", "Again"}); });
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().status, 409);
  EXPECT_TRUE(this->template run<bool>(
      [](StoreConnection& c) { return queries::rename_team(c, "red", "Crimson"); }));
  EXPECT_FALSE(this->template run<bool>(
      [](StoreConnection& c) { return queries::rename_team(c, "nope", "Nope"); }));
  const auto red = this->template run<std::optional<TeamListing>>(
      [](StoreConnection& c) { return queries::find_team(c, "red"); });
  ASSERT_TRUE(red);
  EXPECT_EQ(red->team.name, "Crimson");
  EXPECT_FALSE((this->template run<std::optional<TeamListing>>(
      [](StoreConnection& c) { return queries::find_team(c, "nope"); })));
}

// --- service accounts

TYPED_TEST(ConsoleIdentityQueriesTest, ListsServiceAccountsWithTheirUnrevokedKeyCounts) {
  this->add_key(key("robot1", kRobot));
  const std::int64_t revoked = this->add_key(key("robot2", kRobot));
  this->template run<bool>([revoked](StoreConnection& c) { return queries::revoke_api_key(c, revoked, 5); });
  this->add_key(key("robot3", kRobot));
  const auto accounts = this->template run<std::vector<ServiceAccountListing>>(
      [](StoreConnection& c) { return queries::list_service_accounts(c); });
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_EQ(accounts[0].account.id, "other");
  EXPECT_EQ(accounts[0].active_keys, 0);
  EXPECT_EQ(accounts[1].account.id, "robot");
  EXPECT_EQ(accounts[1].account.team_id, "blue");
  EXPECT_EQ(accounts[1].active_keys, 2);
  EXPECT_FALSE(accounts[1].disabled_at);
}

TYPED_TEST(ConsoleIdentityQueriesTest, CreatesUpdatesAndDisablesAServiceAccount) {
  this->template run<Done>(
      [](StoreConnection& c) { return queries::insert_service_account(c, {"batch", "Batch", "green"}); });
  const auto taken = this->template attempt<Done>(
      [](StoreConnection& c) { return queries::insert_service_account(c, {"batch", "B", "green"}); });
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().status, 409);
  const auto unknown_team = this->template attempt<Done>(
      [](StoreConnection& c) { return queries::insert_service_account(c, {"x", "X", "nope"}); });
  ASSERT_FALSE(unknown_team);
  EXPECT_EQ(unknown_team.error().status, 409);

  ServiceAccountChange change;
  change.team_id = "blue";
  EXPECT_TRUE(this->template run<bool>(
      [change](StoreConnection& c) { return queries::update_service_account(c, "batch", change); }));
  EXPECT_FALSE(this->template run<bool>(
      [change](StoreConnection& c) { return queries::update_service_account(c, "nope", change); }));

  EXPECT_TRUE(this->template run<bool>(
      [](StoreConnection& c) { return queries::disable_service_account(c, "batch", 50); }));
  EXPECT_TRUE(this->template run<bool>(
      [](StoreConnection& c) { return queries::disable_service_account(c, "batch", 60); }));
  const auto batch = this->template run<std::optional<ServiceAccountListing>>(
      [](StoreConnection& c) { return queries::find_service_account(c, "batch"); });
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->account.name, "Batch");
  EXPECT_EQ(batch->account.team_id, "blue");
  EXPECT_EQ(batch->disabled_at, 50) << "the first disabling is kept";
  EXPECT_FALSE(this->template run<bool>(
      [](StoreConnection& c) { return queries::disable_service_account(c, "nope", 50); }));
}

}  // namespace
}  // namespace sluice::store
