// Every store operation against both backends: one typed suite, instantiated for SQLite and for
// Postgres, so the two can never drift apart unnoticed.
#include "StoreTestSupport.h"
#include "store/Migrations.h"
#include "store/Store.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace sluice::store {
namespace {

using config::Money4;
using testing::await_on;

using testing::must;

const Principal kRobot{PrincipalKind::kServiceAccount, "robot"};
const Principal kAda{PrincipalKind::kUser, "1"};

ApiKeyRecord seeded_key(std::string public_id, std::string config_key_id,
                        std::vector<std::string> models = {}) {
  ApiKeyRecord key;
  key.public_id = std::move(public_id);
  key.secret_hash = std::string(64, 'a');
  key.name = "robot/" + config_key_id;
  key.owner = kRobot;
  key.config_key_id = std::move(config_key_id);
  key.created_at = 1'000;
  key.granted_models = std::move(models);
  return key;
}

UsageRecord usage(std::string request_id, Principal principal, std::string model, UnixMillis at,
                  std::optional<std::int64_t> cost_units) {
  UsageRecord row;
  row.request_id = std::move(request_id);
  row.occurred_at = at;
  row.principal = std::move(principal);
  row.requested_model = model;
  row.resolved_model = std::move(model);
  row.route = "openai/gpt-4o";
  row.provider = "openai";
  row.input_tokens = 10;
  row.output_tokens = 20;
  if (cost_units) row.cost = Money4::from_units(*cost_units);
  row.pricing_status = cost_units ? "priced" : "unpriced";
  row.latency_ms = 42;
  return row;
}

RequestLogRecord request_log(std::string request_id, UnixMillis at, std::string model) {
  RequestLogRecord log;
  log.request_id = std::move(request_id);
  log.occurred_at = at;
  log.method = "POST";
  log.path = "/v1/chat/completions";
  log.operation = "chat_completions";
  log.requested_model = model;
  log.resolved_model = std::move(model);
  log.provider = "openai";
  log.status = 200;
  log.latency_ms = 120;
  log.principal = kRobot;
  log.caller_tags = {"team:blue", "env:ci"};
  return log;
}

template <typename Backend>
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string unavailable = backend_.start();
    ASSERT_EQ(unavailable, "") << Backend::kName << " is not available for the store tests";
    auto opened = Store::open(backend_.factory(), Backend::kThreads);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(*opened);
  }

  template <typename T>
  Expected<T> await(boost::asio::awaitable<Expected<T>> operation) {
    return await_on(io_, std::move(operation));
  }

  // Column 0 of every row of `sql`, as text: a direct look at what the store wrote.
  std::vector<std::string> column(std::string sql) {
    return must(store_->executor().run_sync<std::vector<std::string>>(
        [sql](StoreConnection& connection) -> Expected<std::vector<std::string>> {
          auto statement = connection.prepare(sql);
          if (!statement) return statement.error();
          std::vector<std::string> values;
          while (true) {
            auto row = (*statement)->step();
            if (!row) return row.error();
            if (!*row) return values;
            values.push_back((*statement)->column_text(0));
          }
        }));
  }

  void seed_owner() {
    must(store_->upsert_team_sync({"blue", "Blue"}));
    must(store_->upsert_service_account_sync({"robot", "Robot", "blue"}));
  }

  Backend backend_;
  boost::asio::io_context io_;
  std::unique_ptr<Store> store_;
};

struct BackendNames {
  template <typename Backend>
  static std::string GetName(int) {
    return Backend::kName;
  }
};

using Backends = ::testing::Types<testing::SqliteBackend, testing::PostgresBackend>;
TYPED_TEST_SUITE(StoreTest, Backends, BackendNames);

// --- migrations

TYPED_TEST(StoreTest, MigrationsApplyOnceAndAreIdempotentOnRestart) {
  TypeParam fresh;
  ASSERT_EQ(fresh.start(), "");
  auto connection = must(fresh.factory()());
  EXPECT_EQ(must(apply_migrations(*connection)), static_cast<int>(migrations().size()));
  EXPECT_EQ(must(apply_migrations(*connection)), 0);
  EXPECT_EQ(must(schema_version(*connection)), migrations().back().version);
}

TYPED_TEST(StoreTest, OpeningAnExistingStoreAppliesNothingNew) {
  auto second = Store::open(this->backend_.factory(), 1);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(this->column("SELECT COUNT(*) FROM schema_migrations"),
            std::vector<std::string>{std::to_string(migrations().size())});
}

// --- identity

TYPED_TEST(StoreTest, UpsertsTeamsByIdAndLeavesUnlistedTeamsAlone) {
  must(this->store_->upsert_team_sync({"blue", "Blue"}));
  must(this->store_->upsert_team_sync({"red", "Red"}));
  must(this->await(this->store_->upsert_team({"blue", "Navy"})));
  EXPECT_EQ(this->column("SELECT name FROM teams ORDER BY id"),
            (std::vector<std::string>{"Navy", "Red"}));
}

TYPED_TEST(StoreTest, UpsertsServiceAccountsById) {
  must(this->store_->upsert_team_sync({"blue", "Blue"}));
  must(this->store_->upsert_team_sync({"red", "Red"}));
  must(this->store_->upsert_service_account_sync({"robot", "Robot", "blue"}));
  must(this->await(this->store_->upsert_service_account({"robot", "Robot 2", "red"})));
  EXPECT_EQ(this->column("SELECT name || ':' || team_id FROM service_accounts"),
            std::vector<std::string>{"Robot 2:red"});
}

TYPED_TEST(StoreTest, ServiceAccountOfAnUnknownTeamIsAConflict) {
  const auto result = this->store_->upsert_service_account_sync({"robot", "Robot", "nowhere"});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().status, 409);
}

TYPED_TEST(StoreTest, UpsertsUsersByEmailKeepingTheirIdAndCreationTime) {
  UserRecord user{0, "ada@example.com", "Ada", "password", "user", {}, {}, true, 5'000, "invited", {}, false};
  const auto id = must(this->store_->upsert_user_sync(user));
  user.name = "Ada L.";
  user.global_role = "platform_admin";
  user.created_at = 9'000;
  EXPECT_EQ(must(this->await(this->store_->upsert_user(user))), id);
  EXPECT_EQ(this->column("SELECT name || ':' || global_role || ':' || created_at FROM users"),
            std::vector<std::string>{"Ada L.:platform_admin:5000"});
}

TYPED_TEST(StoreTest, UpdatesASeededKeyInPlaceAndReplacesItsGrants) {
  this->seed_owner();
  const auto id =
      must(this->store_->upsert_api_key_sync(seeded_key("abcd1234", "ci", {"m1", "m2"})));
  const auto again =
      must(this->await(this->store_->upsert_api_key(seeded_key("wxyz9876", "ci", {"m3", "m3"}))));
  EXPECT_EQ(again, id);
  const auto key = must(this->await(this->store_->find_api_key("wxyz9876")));
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->granted_models, std::vector<std::string>{"m3"});
  EXPECT_FALSE(must(this->await(this->store_->find_api_key("abcd1234"))).has_value());
}

TYPED_TEST(StoreTest, FindsAKeyByPublicIdWithItsHashOwnerAndGrants) {
  this->seed_owner();
  must(this->store_->upsert_api_key_sync(seeded_key("abcd1234", "ci", {"m2", "m1"})));
  const auto key = must(this->await(this->store_->find_api_key("abcd1234")));
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->secret_hash, std::string(64, 'a'));
  EXPECT_EQ(key->owner, kRobot);
  EXPECT_EQ(key->config_key_id, "ci");
  EXPECT_EQ(key->created_at, 1'000);
  EXPECT_FALSE(key->revoked());
  EXPECT_EQ(key->granted_models, (std::vector<std::string>{"m1", "m2"}));
}

TYPED_TEST(StoreTest, FindsNoKeyForAnUnknownPublicId) {
  EXPECT_FALSE(must(this->await(this->store_->find_api_key("nope0000"))).has_value());
}

TYPED_TEST(StoreTest, RevokesAKeyOnce) {
  this->seed_owner();
  const auto id = must(this->store_->upsert_api_key_sync(seeded_key("abcd1234", "ci")));
  EXPECT_TRUE(must(this->await(this->store_->revoke_api_key(id, 7'000))));
  EXPECT_FALSE(must(this->await(this->store_->revoke_api_key(id, 8'000))));
  const auto key = must(this->await(this->store_->find_api_key("abcd1234")));
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->revoked_at, 7'000);
}

TYPED_TEST(StoreTest, ListsOnlyTheOwnersKeysOldestFirst) {
  this->seed_owner();
  must(this->store_->upsert_api_key_sync(seeded_key("first111", "a")));
  must(this->store_->upsert_api_key_sync(seeded_key("second22", "b", {"m1"})));
  ApiKeyRecord personal = seeded_key("user1234", "a");
  personal.owner = kAda;
  must(this->store_->upsert_api_key_sync(personal));
  const auto keys = must(this->await(this->store_->list_api_keys(kRobot)));
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].public_id, "first111");
  EXPECT_EQ(keys[1].public_id, "second22");
  EXPECT_EQ(keys[1].granted_models, std::vector<std::string>{"m1"});
  EXPECT_EQ(must(this->store_->list_api_keys_sync(kAda)).size(), 1u);
}

TYPED_TEST(StoreTest, KeysWithoutAConfigIdAreAlwaysNewKeys) {
  ApiKeyRecord first = seeded_key("mint1111", "");
  first.owner = kAda;
  first.config_key_id.reset();
  ApiKeyRecord second = first;
  second.public_id = "mint2222";
  const auto a = must(this->store_->upsert_api_key_sync(first));
  const auto b = must(this->store_->upsert_api_key_sync(second));
  EXPECT_NE(a, b);
}

TYPED_TEST(StoreTest, APublicIdTakenByAnotherKeyIsAConflict) {
  this->seed_owner();
  must(this->store_->upsert_api_key_sync(seeded_key("abcd1234", "ci", {"m1"})));
  const auto clash =
      this->await(this->store_->upsert_api_key(seeded_key("abcd1234", "other", {"m9"})));
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().status, 409);
  EXPECT_EQ(clash.error().code, "conflict");
  // The failed upsert left nothing behind: its grants went with its transaction.
  EXPECT_EQ(this->column("SELECT COUNT(*) FROM api_key_models"), std::vector<std::string>{"1"});
}

TYPED_TEST(StoreTest, UpsertsBudgetsByScopePrincipalAndModel) {
  BudgetRecord all_models{0,
                          BudgetScope::kUser,
                          "1",
                          std::nullopt,
                          config::BudgetCadence::kMonthly,
                          Money4::from_units(100'0000),
                          true,
                          "UTC"};
  BudgetRecord one_model = all_models;
  one_model.scope = BudgetScope::kUserModel;
  one_model.model_id = "gpt-4o";
  const auto first = must(this->store_->upsert_budget_sync(all_models));
  const auto second = must(this->await(this->store_->upsert_budget(one_model)));
  EXPECT_NE(first, second);
  all_models.amount = Money4::from_units(250'0000);
  all_models.cadence = config::BudgetCadence::kDaily;
  EXPECT_EQ(must(this->store_->upsert_budget_sync(all_models)), first);
  EXPECT_EQ(this->column("SELECT cadence || ':' || amount FROM budgets ORDER BY id"),
            (std::vector<std::string>{"daily:2500000", "monthly:1000000"}));
}

// --- accounting

TYPED_TEST(StoreTest, InsertsALedgerBatchAndSkipsRequestIdsAlreadyRecorded) {
  const std::vector<UsageRecord> batch = {usage("r1", kAda, "m", 10, 5),
                                          usage("r2", kAda, "m", 11, 7)};
  EXPECT_EQ(must(this->await(this->store_->insert_usage(batch))), 2);
  const std::vector<UsageRecord> retried = {usage("r2", kAda, "m", 11, 7),
                                            usage("r3", kAda, "m", 12, 1)};
  EXPECT_EQ(must(this->await(this->store_->insert_usage(retried))), 1);
  EXPECT_EQ(this->column("SELECT COUNT(*) FROM usage_ledger"), std::vector<std::string>{"3"});
}

TYPED_TEST(StoreTest, SumsPricedCostOfAPrincipalInAHalfOpenWindow) {
  const std::vector<UsageRecord> rows = {
      usage("before", kAda, "m", 99, 1'000),   usage("first", kAda, "m", 100, 2'500),
      usage("other", kAda, "n", 150, 500),     usage("unpriced", kAda, "m", 160, std::nullopt),
      usage("robot", kRobot, "m", 170, 9'999), usage("at-end", kAda, "m", 200, 1'000)};
  must(this->await(this->store_->insert_usage(rows)));
  EXPECT_EQ(must(this->await(this->store_->sum_cost({kAda, std::nullopt, 100, 200}))),
            Money4::from_units(3'000));
  EXPECT_EQ(must(this->await(this->store_->sum_cost({kAda, "m", 100, 200}))),
            Money4::from_units(2'500));
  EXPECT_EQ(must(this->await(this->store_->sum_cost({kRobot, std::nullopt, 0, 1'000}))),
            Money4::from_units(9'999));
}

TYPED_TEST(StoreTest, SpendOfAPrincipalWithNoUsageIsZero) {
  EXPECT_EQ(must(this->await(this->store_->sum_cost({kAda, std::nullopt, 0, 1'000}))), Money4());
}

TYPED_TEST(StoreTest, InsertsABudgetAlertOnlyOncePerWindowAndThreshold) {
  const auto budget = must(this->store_->upsert_budget_sync(
      {0, BudgetScope::kUser, "1", std::nullopt, config::BudgetCadence::kDaily,
       Money4::from_units(10'0000), true, "UTC"}));
  const BudgetAlertRecord alert{0, budget,       86'400'000,   80, Money4::from_units(8'0000),
                                5, std::nullopt, 0,            std::nullopt, std::nullopt};
  EXPECT_TRUE(must(this->await(this->store_->insert_budget_alert(alert))));
  EXPECT_FALSE(must(this->await(this->store_->insert_budget_alert(alert))));
  BudgetAlertRecord higher = alert;
  higher.threshold_percent = 100;
  EXPECT_TRUE(must(this->await(this->store_->insert_budget_alert(higher))));
}

TYPED_TEST(StoreTest, ListsUndeliveredAlertsUntilTheyAreMarkedDelivered) {
  const auto budget = must(this->store_->upsert_budget_sync(
      {0, BudgetScope::kUser, "1", std::nullopt, config::BudgetCadence::kDaily,
       Money4::from_units(10'0000), true, "UTC"}));
  for (int threshold : {50, 80, 100}) {
    must(this->await(this->store_->insert_budget_alert(
        {0, budget, 0, threshold, Money4::from_units(threshold * 1'000), 5, std::nullopt, 0,
         std::nullopt, std::nullopt})));
  }
  const auto pending = must(this->await(this->store_->list_undelivered_alerts(2)));
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].threshold_percent, 50);
  EXPECT_EQ(pending[0].spend, Money4::from_units(50'000));
  must(this->await(this->store_->mark_alert_delivered(pending[0].id, 99)));
  const auto rest = must(this->await(this->store_->list_undelivered_alerts(10)));
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].threshold_percent, 80);
  EXPECT_EQ(rest[1].threshold_percent, 100);
}

TYPED_TEST(StoreTest, FailedAlertDeliveriesAreCountedAndTheAlertAbandonedAtTheLastAttempt) {
  const auto budget = must(this->store_->upsert_budget_sync(
      {0, BudgetScope::kUser, "1", std::nullopt, config::BudgetCadence::kDaily,
       Money4::from_units(10'0000), true, "UTC"}));
  must(this->await(this->store_->insert_budget_alert(
      {0, budget, 0, 80, Money4::from_units(8'0000), 5, std::nullopt, 0, std::nullopt,
       std::nullopt})));
  const auto id = must(this->await(this->store_->list_undelivered_alerts(10))).at(0).id;
  auto fail = [&](UnixMillis at) {
    return must(this->store_->executor().template run_sync<int>([id, at](StoreConnection& c) {
      return queries::record_alert_failure(c, id, "451 4.3.0 busy", at, 2);
    }));
  };

  EXPECT_EQ(fail(10), 1);
  const auto waiting = must(this->await(this->store_->list_undelivered_alerts(10)));
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].attempts, 1);
  EXPECT_EQ(waiting[0].last_error, "451 4.3.0 busy");
  EXPECT_EQ(fail(11), 2);
  EXPECT_TRUE(must(this->await(this->store_->list_undelivered_alerts(10))).empty());
  EXPECT_EQ(this->column("SELECT abandoned_at FROM budget_alerts"), std::vector<std::string>{"11"});
}

TYPED_TEST(StoreTest, BudgetAlertAudienceIsTheUserOrTheTeamAdminsOrElseThePlatformAdmins) {
  this->seed_owner();
  must(this->store_->upsert_team_sync({"red", "Red"}));
  must(this->store_->upsert_service_account_sync({"lonely", "Lonely", "red"}));
  auto add_user = [&](std::string email, std::optional<std::string> team,
                      std::optional<std::string> role, std::string global_role) {
    UserRecord user;
    user.email = std::move(email);
    user.name = user.email;
    user.auth_mode = "password";
    user.global_role = std::move(global_role);
    user.team_id = std::move(team);
    user.team_role = std::move(role);
    return must(this->store_->upsert_user_sync(user));
  };
  const auto ada = add_user("ada@example.com", "blue", "admin", "user");
  add_user("bo@example.com", "blue", "member", "user");
  add_user("red-member@example.com", "red", "member", "user");
  add_user("root@example.com", std::nullopt, std::nullopt, "platform_admin");
  auto audience = [&](BudgetScope scope, std::string principal) {
    BudgetRecord budget;
    budget.scope = scope;
    budget.principal_id = std::move(principal);
    return must(this->store_->executor().template run_sync<BudgetAlertAudience>(
        [budget](StoreConnection& c) { return queries::budget_alert_audience(c, budget); }));
  };

  const auto user = audience(BudgetScope::kUser, std::to_string(ada));
  EXPECT_EQ(user.principal_label, "ada@example.com");
  EXPECT_EQ(user.emails, std::vector<std::string>{"ada@example.com"});
  const auto team = audience(BudgetScope::kServiceAccount, "robot");
  EXPECT_EQ(team.principal_label, "Robot (robot)");
  EXPECT_EQ(team.emails, std::vector<std::string>{"ada@example.com"});
  EXPECT_EQ(audience(BudgetScope::kServiceAccount, "lonely").emails,
            std::vector<std::string>{"root@example.com"});
}

// --- request logs

TYPED_TEST(StoreTest, WritesARequestLogWithItsAttemptsAndPayload) {
  RequestLogRecord log = request_log("req-1", 1'000, "gpt-4o");
  log.attempts = {{0, "openai/gpt-4o", "upstream_error", 502, 30},
                  {1, "azure/gpt-4o", "success", 200, 90}};
  log.payload = RequestLogPayload{R"({"model":"gpt-4o"})", R"({"id":"x"})", false, true};
  must(this->await(this->store_->insert_request_log(log)));
  EXPECT_EQ(this->column("SELECT outcome FROM request_log_attempts ORDER BY attempt_index"),
            (std::vector<std::string>{"upstream_error", "success"}));
  EXPECT_EQ(this->column("SELECT response_truncated FROM request_log_payloads"),
            std::vector<std::string>{"1"});
  const auto listed = must(this->await(this->store_->list_request_logs({})));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(listed[0].has_payload);
  EXPECT_EQ(listed[0].caller_tags, (std::vector<std::string>{"team:blue", "env:ci"}));
  EXPECT_EQ(listed[0].principal, kRobot);
}

TYPED_TEST(StoreTest, ARequestIdLoggedTwiceIsAConflictAndLeavesNoPartialRows) {
  must(this->await(this->store_->insert_request_log(request_log("req-1", 1'000, "m"))));
  RequestLogRecord again = request_log("req-1", 2'000, "m");
  again.attempts = {{0, "r", "success", 200, 1}};
  const auto result = this->await(this->store_->insert_request_log(again));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().status, 409);
  EXPECT_EQ(this->column("SELECT COUNT(*) FROM request_log_attempts"),
            std::vector<std::string>{"0"});
}

// The ledger writer's case: logs inserted inside one batch transaction, one of them already logged.
// The duplicate is refused without breaking the transaction (Postgres aborts a transaction on any
// error, so the conflict must be found before a write fails) and the batch's other logs commit.
TYPED_TEST(StoreTest, ADuplicateLogInsideABatchTransactionIsRefusedAndTheRestCommits) {
  must(this->await(this->store_->insert_request_log(request_log("req-1", 1'000, "m"))));
  const auto outcome = must(this->store_->executor().template run_sync<std::vector<int>>(
      [](StoreConnection& connection) -> Expected<std::vector<int>> {
        auto transaction = StoreTransaction::begin(connection);
        if (!transaction) return transaction.error();
        std::vector<int> statuses;
        for (const char* id : {"req-1", "req-2"}) {
          RequestLogRecord log = request_log(id, 2'000, "m");
          log.attempts = {{0, "r", "success", 200, 1}};
          auto inserted = queries::insert_request_log(connection, log);
          statuses.push_back(inserted ? 200 : inserted.error().status);
        }
        if (auto committed = transaction->commit(); !committed) return committed.error();
        return statuses;
      }));
  EXPECT_EQ(outcome, (std::vector<int>{409, 200}));
  EXPECT_EQ(this->column("SELECT request_id FROM request_logs ORDER BY request_id"),
            (std::vector<std::string>{"req-1", "req-2"}));
  // Only req-2's attempt: the refused duplicate wrote nothing.
  EXPECT_EQ(this->column("SELECT COUNT(*) FROM request_log_attempts"), std::vector<std::string>{"1"});
}

TYPED_TEST(StoreTest, PurgesRequestLogsOlderThanTheCutoffWithTheirAttemptsAndPayloads) {
  for (int at : {100, 200, 300}) {
    RequestLogRecord log = request_log("req-" + std::to_string(at), at, "m");
    log.attempts = {{0, "r", "success", 200, 1}};
    log.payload = RequestLogPayload{"{}", "{}", false, false};
    must(this->await(this->store_->insert_request_log(log)));
  }
  EXPECT_EQ(must(this->await(this->store_->purge_request_logs(250))), 2);
  EXPECT_EQ(this->column("SELECT request_id FROM request_logs"),
            std::vector<std::string>{"req-300"});
  EXPECT_EQ(this->column("SELECT COUNT(*) FROM request_log_attempts"),
            std::vector<std::string>{"1"});
  EXPECT_EQ(this->column("SELECT COUNT(*) FROM request_log_payloads"),
            std::vector<std::string>{"1"});
}

TYPED_TEST(StoreTest, ListsRequestLogsNewestFirstWithLimitOffsetAndModelFilter) {
  must(this->await(this->store_->insert_request_log(request_log("a", 100, "m1"))));
  must(this->await(this->store_->insert_request_log(request_log("b", 300, "m2"))));
  must(this->await(this->store_->insert_request_log(request_log("c", 200, "m1"))));
  RequestLogRecord aliased = request_log("d", 400, "alias");
  aliased.resolved_model = "m1";
  must(this->await(this->store_->insert_request_log(aliased)));

  auto ids = [](const std::vector<RequestLogRecord>& logs) {
    std::vector<std::string> out;
    for (const auto& log : logs) out.push_back(log.request_id);
    return out;
  };
  EXPECT_EQ(ids(must(this->await(this->store_->list_request_logs({10, 0, std::nullopt})))),
            (std::vector<std::string>{"d", "b", "c", "a"}));
  EXPECT_EQ(ids(must(this->await(this->store_->list_request_logs({2, 1, std::nullopt})))),
            (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(ids(must(this->await(this->store_->list_request_logs({10, 0, "m1"})))),
            (std::vector<std::string>{"d", "c", "a"}));
}

// --- concurrency

TYPED_TEST(StoreTest, LedgerInsertsFromManyConcurrentCoroutinesAllLand) {
  constexpr int kWriters = 8;
  constexpr int kBatches = 5;
  int finished = 0;
  for (int writer = 0; writer < kWriters; ++writer) {
    auto write = [this, writer, &finished]() -> boost::asio::awaitable<void> {
      for (int batch = 0; batch < kBatches; ++batch) {
        const std::string id = fmt::format("w{}-b{}", writer, batch);
        std::vector<UsageRecord> rows = {usage(id + "-x", kAda, "m", 1, 1),
                                         usage(id + "-y", kAda, "m", 1, 1)};
        auto insert = this->store_->insert_usage(std::move(rows));
        const auto inserted = co_await std::move(insert);
        EXPECT_TRUE(inserted.ok()) << (inserted.ok() ? "" : inserted.error().message);
      }
      ++finished;
    };
    boost::asio::co_spawn(this->io_, write, boost::asio::detached);
  }
  this->io_.run();
  EXPECT_EQ(finished, kWriters);
  EXPECT_EQ(this->column("SELECT COUNT(*) FROM usage_ledger"),
            std::vector<std::string>{std::to_string(kWriters * kBatches * 2)});
  EXPECT_EQ(must(this->await(this->store_->sum_cost({kAda, std::nullopt, 0, 10}))),
            Money4::from_units(kWriters * kBatches * 2));
}

}  // namespace
}  // namespace sluice::store
