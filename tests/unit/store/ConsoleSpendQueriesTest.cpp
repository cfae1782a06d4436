// The admin console's spend and request-log reads against both backends: report groups and daily
// series, scopes (everyone, one principal, a team), FOCUS rows, budgets, alerts, and request logs
// with filters, pages, prices and details.
#include "StoreTestSupport.h"
#include "store/ConsoleSpendQueries.h"
#include "store/Store.h"
#include "store/StoreQueries.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace sluice::store {
namespace {

using config::Money4;
using testing::await_on;

using testing::must;

constexpr UnixMillis kDay = kMillisPerDay;
constexpr UnixMillis kDay10 = 10 * kDay;  // 1970-01-11, a UTC day boundary

const Principal kRobot{PrincipalKind::kServiceAccount, "robot"};        // team blue
const Principal kAda{PrincipalKind::kUser, "ada@example.com"};          // team blue
const Principal kRed{PrincipalKind::kUser, "red@example.com"};          // team red
const Principal kStranger{PrincipalKind::kServiceAccount, "stranger"};  // team red

UsageRecord usage(std::string request_id, Principal principal, std::string model, UnixMillis at,
                  std::optional<std::int64_t> cost_units, std::string provider = "openai") {
  UsageRecord row;
  row.request_id = std::move(request_id);
  row.occurred_at = at;
  row.principal = std::move(principal);
  row.requested_model = model;
  row.resolved_model = std::move(model);
  row.route = provider + "/upstream";
  row.provider = std::move(provider);
  row.input_tokens = 10;
  row.output_tokens = 20;
  if (cost_units) row.cost = Money4::from_units(*cost_units);
  row.pricing_status = cost_units ? "priced" : "unpriced";
  return row;
}

RequestLogRecord request_log(std::string request_id, UnixMillis at, std::string model,
                             Principal principal, int status = 200) {
  RequestLogRecord log;
  log.request_id = std::move(request_id);
  log.occurred_at = at;
  log.method = "POST";
  log.path = "/v1/chat/completions";
  log.operation = "chat_completions";
  log.requested_model = model;
  log.resolved_model = std::move(model);
  log.status = status;
  log.principal = std::move(principal);
  return log;
}

std::vector<std::string> request_ids(const std::vector<RequestLogRecord>& logs) {
  std::vector<std::string> ids;
  for (const auto& log : logs) ids.push_back(log.request_id);
  return ids;
}

template <typename Backend>
class ConsoleSpendQueriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(backend_.start(), "") << Backend::kName << " is not available for the store tests";
    auto opened = Store::open(backend_.factory(), Backend::kThreads);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(*opened);
    must(store_->upsert_team_sync({"blue", "Blue"}));
    must(store_->upsert_team_sync({"red", "Red"}));
    must(store_->upsert_service_account_sync({"robot", "Robot", "blue"}));
    must(store_->upsert_service_account_sync({"stranger", "Stranger", "red"}));
    add_user("ada@example.com", "Ada", "blue");
    add_user("red@example.com", "Red", "red");
  }

  void add_user(std::string email, std::string name, std::string team) {
    UserRecord user;
    user.email = std::move(email);
    user.name = std::move(name);
    user.auth_mode = "password";
    user.global_role = "user";
    user.team_id = std::move(team);
    user.team_role = "member";
    must(store_->upsert_user_sync(user));
  }

  template <typename T>
  Expected<T> await(boost::asio::awaitable<Expected<T>> operation) {
    return await_on(io_, std::move(operation));
  }

  template <typename T, typename Job>
  T read(Job job) {
    return must(store_->executor().template run_sync<T>(std::move(job)));
  }

  void add_usage(std::vector<UsageRecord> rows) {
    must(await(store_->insert_usage(std::move(rows))));
  }

  // Usage across two days, four principals, two models; one unpriced row.
  void seed_usage() {
    add_usage({usage("r1", kRobot, "gpt", kDay10 + 1'000, 100),
               usage("r2", kRobot, "gpt", kDay10 + 2'000, 200),
               usage("r3", kAda, "claude", kDay10 + 3'000, 1'000),
               usage("r4", kAda, "gpt", kDay10 + kDay + 5, 50),
               usage("r5", kRed, "gpt", kDay10 + kDay + 6, 7),
               usage("r6", kStranger, "claude", kDay10 + 7, std::nullopt),
               usage("early", kRobot, "gpt", kDay10 - 1, 999'999),
               usage("late", kRobot, "gpt", kDay10 + 2 * kDay, 999'999)});
  }

  SpendReport report(PrincipalScope scope, SpendGrouping grouping) {
    const SpendReportQuery query{std::move(scope), grouping, kDay10, kDay10 + 2 * kDay};
    return read<SpendReport>([query](StoreConnection& c) { return queries::spend_report(c, query); });
  }

  std::vector<RequestLogRecord> logs(RequestLogQuery query) {
    return read<std::vector<RequestLogRecord>>(
        [query](StoreConnection& c) { return queries::list_request_logs(c, query); });
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
TYPED_TEST_SUITE(ConsoleSpendQueriesTest, Backends, BackendNames);

// --- spend report

TYPED_TEST(ConsoleSpendQueriesTest, ReportTotalsAndGroupsByModelOverAHalfOpenRange) {
  this->seed_usage();
  const SpendReport report = this->report(PrincipalScope::everyone(), SpendGrouping::kModel);
  EXPECT_EQ(report.total, (SpendTotals{Money4::from_units(1'357), 6, 60, 120}));
  ASSERT_EQ(report.groups.size(), 2u);
  EXPECT_EQ(report.groups[0].key.id, "claude");
  EXPECT_FALSE(report.groups[0].key.principal_kind);
  EXPECT_EQ(report.groups[0].totals, (SpendTotals{Money4::from_units(1'000), 2, 20, 40}));
  EXPECT_EQ(report.groups[1].key.id, "gpt");
  EXPECT_EQ(report.groups[1].totals, (SpendTotals{Money4::from_units(357), 4, 40, 80}));
}

TYPED_TEST(ConsoleSpendQueriesTest, ReportSeriesHasOneEntryPerUtcDayAndKey) {
  this->seed_usage();
  const SpendReport report = this->report(PrincipalScope::everyone(), SpendGrouping::kModel);
  ASSERT_EQ(report.series.size(), 3u);
  EXPECT_EQ(report.series[0].day, 10);
  EXPECT_EQ(report.series[0].key.id, "claude");
  EXPECT_EQ(report.series[0].totals.requests, 2);
  EXPECT_EQ(report.series[1].day, 10);
  EXPECT_EQ(report.series[1].key.id, "gpt");
  EXPECT_EQ(report.series[1].totals.cost, Money4::from_units(300));
  EXPECT_EQ(report.series[2].day, 11);
  EXPECT_EQ(report.series[2].key.id, "gpt");
  EXPECT_EQ(report.series[2].totals.cost, Money4::from_units(57));
}

TYPED_TEST(ConsoleSpendQueriesTest, ReportGroupsByPrincipalWithItsKind) {
  this->seed_usage();
  const SpendReport report = this->report(PrincipalScope::everyone(), SpendGrouping::kPrincipal);
  ASSERT_EQ(report.groups.size(), 4u);
  EXPECT_EQ(report.groups[0].key.id, "ada@example.com");
  EXPECT_EQ(report.groups[0].key.principal_kind, PrincipalKind::kUser);
  EXPECT_EQ(report.groups[0].totals.cost, Money4::from_units(1'050));
  EXPECT_EQ(report.groups[2].key.id, "robot");
  EXPECT_EQ(report.groups[2].key.principal_kind, PrincipalKind::kServiceAccount);
  EXPECT_EQ(report.groups[2].totals.requests, 2);
  EXPECT_EQ(report.groups[3].key.id, "stranger");
  EXPECT_EQ(report.groups[3].totals, (SpendTotals{Money4{}, 1, 10, 20}));
}

TYPED_TEST(ConsoleSpendQueriesTest, ReportForOnePrincipalCountsOnlyTheirRows) {
  this->seed_usage();
  const SpendReport report = this->report(PrincipalScope::of(kAda), SpendGrouping::kModel);
  EXPECT_EQ(report.total, (SpendTotals{Money4::from_units(1'050), 2, 20, 40}));
  // Same id, other kind: not the same principal.
  const SpendReport none = this->report(
      PrincipalScope::of({PrincipalKind::kServiceAccount, "ada@example.com"}), SpendGrouping::kModel);
  EXPECT_EQ(none.total.requests, 0);
  EXPECT_TRUE(none.groups.empty());
}

TYPED_TEST(ConsoleSpendQueriesTest, ReportForATeamCountsItsUsersAndServiceAccounts) {
  this->seed_usage();
  const SpendReport blue = this->report(PrincipalScope::team("blue"), SpendGrouping::kPrincipal);
  ASSERT_EQ(blue.groups.size(), 2u);
  EXPECT_EQ(blue.groups[0].key.id, "ada@example.com");
  EXPECT_EQ(blue.groups[1].key.id, "robot");
  EXPECT_EQ(blue.total.cost, Money4::from_units(1'350));
  const SpendReport red = this->report(PrincipalScope::team("red"), SpendGrouping::kPrincipal);
  EXPECT_EQ(red.total.requests, 2);
  EXPECT_EQ(red.total.cost, Money4::from_units(7));
}

// --- FOCUS rows

TYPED_TEST(ConsoleSpendQueriesTest, FocusRowsAreOnePerDayPrincipalModelAndProvider) {
  this->add_usage({usage("a", kRobot, "gpt", kDay10 + 1, 100, "openai"),
                   usage("b", kRobot, "gpt", kDay10 + 2, 200, "openai"),
                   usage("c", kRobot, "gpt", kDay10 + 3, 400, "azure"),
                   usage("d", kRobot, "gpt", kDay10 + 4, std::nullopt, "azure"),
                   usage("e", kAda, "gpt", kDay10 + kDay, 5, "openai")});
  const auto rows = this->template read<std::vector<FocusUsageRow>>([](StoreConnection& c) {
    return queries::focus_usage(c, PrincipalScope::everyone(), kDay10, kDay10 + 2 * kDay);
  });
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].day, 10);
  EXPECT_EQ(rows[0].principal, kRobot);
  EXPECT_EQ(rows[0].principal_name, "Robot");
  EXPECT_EQ(rows[0].provider, "azure");
  EXPECT_EQ(rows[0].cost, Money4::from_units(400));
  EXPECT_EQ(rows[0].requests, 2);
  EXPECT_EQ(rows[0].unpriced_requests, 1);
  EXPECT_EQ(rows[0].input_tokens, 20);
  EXPECT_EQ(rows[0].output_tokens, 40);
  EXPECT_EQ(rows[1].provider, "openai");
  EXPECT_EQ(rows[1].cost, Money4::from_units(300));
  EXPECT_EQ(rows[1].unpriced_requests, 0);
  EXPECT_EQ(rows[2].day, 11);
  EXPECT_EQ(rows[2].principal, kAda);
  EXPECT_EQ(rows[2].principal_name, "Ada");
  EXPECT_EQ(rows[2].model, "gpt");
}

TYPED_TEST(ConsoleSpendQueriesTest, FocusRowsFollowTheScope) {
  this->seed_usage();
  const auto rows = this->template read<std::vector<FocusUsageRow>>([](StoreConnection& c) {
    return queries::focus_usage(c, PrincipalScope::team("red"), kDay10, kDay10 + 2 * kDay);
  });
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].principal, kStranger);
  EXPECT_EQ(rows[1].principal, kRed);
}

// --- budgets and alerts

TYPED_TEST(ConsoleSpendQueriesTest, ListsBudgetsWithinTheScope) {
  BudgetRecord robot;
  robot.scope = BudgetScope::kServiceAccount;
  robot.principal_id = "robot";
  robot.amount = Money4::from_units(50'000);
  BudgetRecord ada_model;
  ada_model.scope = BudgetScope::kUserModel;
  ada_model.principal_id = "ada@example.com";
  ada_model.model_id = "gpt";
  ada_model.cadence = config::BudgetCadence::kDaily;
  ada_model.timezone = "Europe/Berlin";
  BudgetRecord red;
  red.scope = BudgetScope::kUser;
  red.principal_id = "red@example.com";
  for (const auto& budget : {robot, ada_model, red}) must(this->store_->upsert_budget_sync(budget));

  auto list = [this](PrincipalScope scope) {
    return this->template read<std::vector<BudgetRecord>>(
        [scope](StoreConnection& c) { return queries::list_budgets(c, scope); });
  };
  const auto all = list(PrincipalScope::everyone());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].principal_id, "robot");
  EXPECT_EQ(all[0].amount, Money4::from_units(50'000));
  EXPECT_EQ(all[1].model_id, "gpt");
  EXPECT_EQ(all[1].cadence, config::BudgetCadence::kDaily);
  EXPECT_EQ(all[1].timezone, "Europe/Berlin");
  EXPECT_EQ(list(PrincipalScope::team("blue")).size(), 2u);
  const auto ada = list(PrincipalScope::of(kAda));
  ASSERT_EQ(ada.size(), 1u);
  EXPECT_EQ(ada[0].scope, BudgetScope::kUserModel);
  EXPECT_TRUE(list(PrincipalScope::of({PrincipalKind::kServiceAccount, "ada@example.com"})).empty());
}

TYPED_TEST(ConsoleSpendQueriesTest, ListsAlertsNewestFirstWithTheirBudget) {
  BudgetRecord robot;
  robot.scope = BudgetScope::kServiceAccount;
  robot.principal_id = "robot";
  const std::int64_t robot_id = must(this->store_->upsert_budget_sync(robot));
  BudgetRecord red;
  red.scope = BudgetScope::kUser;
  red.principal_id = "red@example.com";
  const std::int64_t red_id = must(this->store_->upsert_budget_sync(red));
  auto alert = [](std::int64_t budget_id, int threshold, UnixMillis created_at) {
    BudgetAlertRecord record;
    record.budget_id = budget_id;
    record.window_start = kDay10;
    record.threshold_percent = threshold;
    record.spend = Money4::from_units(threshold);
    record.created_at = created_at;
    return record;
  };
  for (const int threshold : {50, 80, 100}) {
    must(this->await(this->store_->insert_budget_alert(alert(robot_id, threshold, kDay10 + threshold))));
  }
  must(this->await(this->store_->insert_budget_alert(alert(red_id, 50, kDay10))));

  auto list = [this](PrincipalScope scope, std::int64_t limit, std::int64_t offset) {
    return this->template read<std::vector<BudgetAlertRow>>([scope, limit, offset](StoreConnection& c) {
      return queries::list_budget_alerts(c, scope, limit, offset);
    });
  };
  const auto newest = list(PrincipalScope::everyone(), 2, 0);
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[0].alert.threshold_percent, 100);
  EXPECT_EQ(newest[0].scope, BudgetScope::kServiceAccount);
  EXPECT_EQ(newest[0].principal_id, "robot");
  EXPECT_EQ(newest[0].alert.spend, Money4::from_units(100));
  EXPECT_EQ(newest[1].alert.threshold_percent, 80);
  EXPECT_EQ(list(PrincipalScope::everyone(), 10, 2).size(), 2u);
  const auto red_only = list(PrincipalScope::team("red"), 10, 0);
  ASSERT_EQ(red_only.size(), 1u);
  EXPECT_EQ(red_only[0].scope, BudgetScope::kUser);
  EXPECT_EQ(red_only[0].principal_id, "red@example.com");
}

// --- request logs

TYPED_TEST(ConsoleSpendQueriesTest, ListedRequestLogsCarryTheirLedgerPrice) {
  must(this->await(this->store_->insert_request_log(request_log("priced", 100, "gpt", kRobot))));
  must(this->await(this->store_->insert_request_log(request_log("free", 200, "gpt", kRobot))));
  must(this->await(this->store_->insert_request_log(request_log("refused", 300, "gpt", kRobot, 401))));
  this->add_usage({usage("priced", kRobot, "gpt", 100, 1'234), usage("free", kRobot, "gpt", 200, std::nullopt)});

  const auto logs = this->logs({});
  ASSERT_EQ(logs.size(), 3u);
  EXPECT_EQ(logs[0].request_id, "refused");
  EXPECT_FALSE(logs[0].cost);
  EXPECT_FALSE(logs[0].pricing_status);
  EXPECT_FALSE(logs[1].cost);
  EXPECT_EQ(logs[1].pricing_status, "unpriced");
  EXPECT_EQ(logs[2].cost, Money4::from_units(1'234));
  EXPECT_EQ(logs[2].pricing_status, "priced");
}

TYPED_TEST(ConsoleSpendQueriesTest, FiltersRequestLogsByModelStatusAndPrincipal) {
  must(this->await(this->store_->insert_request_log(request_log("a", 100, "gpt", kRobot))));
  must(this->await(this->store_->insert_request_log(request_log("b", 200, "claude", kAda, 429))));
  must(this->await(this->store_->insert_request_log(request_log("c", 300, "gpt", kAda, 502))));
  RequestLogRecord aliased = request_log("d", 400, "fast", kRed);
  aliased.resolved_model = "gpt";
  must(this->await(this->store_->insert_request_log(aliased)));

  RequestLogQuery by_model;
  by_model.model = "gpt";
  EXPECT_EQ(request_ids(this->logs(by_model)), (std::vector<std::string>{"d", "c", "a"}));
  RequestLogQuery failures;
  failures.status_from = 400;
  failures.status_to = 599;
  EXPECT_EQ(request_ids(this->logs(failures)), (std::vector<std::string>{"c", "b"}));
  RequestLogQuery exact = failures;
  exact.status_from = exact.status_to = 429;
  EXPECT_EQ(request_ids(this->logs(exact)), std::vector<std::string>{"b"});
  RequestLogQuery ada_gpt;
  ada_gpt.model = "gpt";
  ada_gpt.principal_id = "ada@example.com";
  EXPECT_EQ(request_ids(this->logs(ada_gpt)), std::vector<std::string>{"c"});
}

TYPED_TEST(ConsoleSpendQueriesTest, RequestLogsFollowTheScope) {
  must(this->await(this->store_->insert_request_log(request_log("robot", 100, "gpt", kRobot))));
  must(this->await(this->store_->insert_request_log(request_log("ada", 200, "gpt", kAda))));
  must(this->await(this->store_->insert_request_log(request_log("red", 300, "gpt", kRed))));
  RequestLogRecord anonymous = request_log("anonymous", 400, "gpt", kRed, 401);
  anonymous.principal.reset();
  must(this->await(this->store_->insert_request_log(anonymous)));

  RequestLogQuery query;
  EXPECT_EQ(this->logs(query).size(), 4u);
  query.scope = PrincipalScope::team("blue");
  EXPECT_EQ(request_ids(this->logs(query)), (std::vector<std::string>{"ada", "robot"}));
  query.scope = PrincipalScope::of(kRed);
  EXPECT_EQ(request_ids(this->logs(query)), std::vector<std::string>{"red"});
}

TYPED_TEST(ConsoleSpendQueriesTest, PagesRequestLogsWithLimitAndOffset) {
  for (int i = 0; i < 5; ++i) {
    must(this->await(this->store_->insert_request_log(
        request_log("r" + std::to_string(i), 100 * i, "gpt", kRobot))));
  }
  RequestLogQuery query;
  query.limit = 3;  // the console asks for one more than it shows, to answer has_more
  EXPECT_EQ(request_ids(this->logs(query)), (std::vector<std::string>{"r4", "r3", "r2"}));
  query.offset = 3;
  EXPECT_EQ(request_ids(this->logs(query)), (std::vector<std::string>{"r1", "r0"}));
}

TYPED_TEST(ConsoleSpendQueriesTest, FindsARequestLogWithAttemptsPayloadAndPrice) {
  RequestLogRecord log = request_log("req-1", 1'000, "gpt", kAda);
  log.attempts = {{0, "openai/gpt", "upstream_error", 502, 30}, {1, "azure/gpt", "success", 200, 90}};
  log.payload = RequestLogPayload{R"({"body":{"model":"gpt"}})", R"({"body":{"id":"x"})", false, true};
  const std::int64_t id = must(this->await(this->store_->insert_request_log(log)));
  this->add_usage({usage("req-1", kAda, "gpt", 1'000, 77)});

  auto find = [this, id](PrincipalScope scope) {
    return this->template read<std::optional<RequestLogRecord>>(
        [id, scope](StoreConnection& c) { return queries::find_request_log(c, id, scope); });
  };
  const auto found = find(PrincipalScope::everyone());
  ASSERT_TRUE(found);
  EXPECT_EQ(found->request_id, "req-1");
  EXPECT_EQ(found->cost, Money4::from_units(77));
  ASSERT_EQ(found->attempts.size(), 2u);
  EXPECT_EQ(found->attempts[0].outcome, "upstream_error");
  EXPECT_EQ(found->attempts[0].upstream_status, 502);
  EXPECT_EQ(found->attempts[1].route, "azure/gpt");
  EXPECT_EQ(found->attempts[1].duration_ms, 90);
  ASSERT_TRUE(found->payload);
  EXPECT_EQ(found->payload->request_json, R"({"body":{"model":"gpt"}})");
  EXPECT_TRUE(found->payload->response_truncated);
  EXPECT_FALSE(found->payload->request_truncated);

  EXPECT_TRUE(find(PrincipalScope::team("blue")));
  EXPECT_FALSE(find(PrincipalScope::team("red")));
  EXPECT_FALSE(find(PrincipalScope::of(kRed)));
  EXPECT_FALSE(this->template read<std::optional<RequestLogRecord>>([id](StoreConnection& c) {
    return queries::find_request_log(c, id + 1, PrincipalScope::everyone());
  }));
}

TYPED_TEST(ConsoleSpendQueriesTest, FindsARequestLogWithoutPayload) {
  const std::int64_t id =
      must(this->await(this->store_->insert_request_log(request_log("bare", 1, "gpt", kRobot))));
  const auto found = this->template read<std::optional<RequestLogRecord>>([id](StoreConnection& c) {
    return queries::find_request_log(c, id, PrincipalScope::everyone());
  });
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->attempts.empty());
  EXPECT_FALSE(found->payload);
  EXPECT_FALSE(found->has_payload);
}

}  // namespace
}  // namespace sluice::store
