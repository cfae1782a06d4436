// Accounting, end to end on SQLite: a finished request becomes a priced ledger row, a request log
// and budget spend; budgets refuse once the spend reaches the limit.
#include "ledger/Accounting.h"

#include "LedgerTestSupport.h"
#include "streams/TokenUsage.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace sluice::ledger {
namespace {

using config::Money4;
using namespace std::chrono_literals;

Money4 usd(const char* text) { return *Money4::parse(text); }

struct LedgerRow {
  std::optional<std::int64_t> cost_units;
  std::string pricing_status;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
};

class AccountingTest : public ::testing::Test {
 protected:
  AccountingTest() {
    clock_.set(testing::at(2025, 3, 10, 12));
    config::GatewayConfig config;
    config::ProviderConfig provider;
    provider.id = "openai";
    provider.type = config::ProviderType::kOpenAICompat;
    provider.openai_compat = config::OpenAICompatProvider{};
    provider.openai_compat->pricing_provider_id = "openai";
    config.providers.push_back(provider);
    config::ModelConfig model;
    model.id = "gpt";
    config::RouteConfig route;
    route.provider = "openai";
    route.upstream_model = "gpt-4o";
    model.routes.push_back(route);
    route.upstream_model = "in-house";  // not in the catalog
    model.routes.push_back(route);
    config.models.push_back(model);
    config::ServiceAccountConfig account;
    account.id = "batch";
    account.team = "team";
    account.budget.amount_usd = usd("0.007");
    config.service_accounts.push_back(account);
    config_ = std::make_shared<const config::GatewayConfig>(std::move(config));

    catalog_ = std::make_shared<const PriceCatalog>(*PriceCatalog::parse(
        R"({"providers":{"openai":{"as_of":"2025-01-01","source":"test","models":)"
        R"({"gpt-4o":{"input":"2.5","output":"10"}}}}})"));
    Accounting::Options options;
    options.clock = clock_.function();
    options.writer.first_backoff = 1ms;
    accounting_ = std::make_unique<Accounting>(config_, store_.store(), catalog_, nullptr, options);
  }

  // A request from service account `batch` that the catalog-priced route answered.
  RequestRecord record(const char* request_id, std::int64_t input = 1000,
                       std::int64_t output = 100) {
    RequestRecord record;
    record.request_id = request_id;
    record.occurred_at_unix_ms = testing::unix_ms(testing::at(2025, 3, 10, 12));
    record.method = "POST";
    record.path = "/v1/chat/completions";
    record.operation = "chat_completions";
    record.requested_model = "gpt";
    record.resolved_model = "gpt";
    record.provider = &config_->providers[0];
    record.route = &config_->models[0].routes[0];
    record.route_name = "openai/gpt-4o";
    record.status = 200;
    record.principal = {access::PrincipalKind::kServiceAccount, "batch", "team"};
    record.usage.present = true;
    record.usage.input = input;
    record.usage.output = output;
    record.usage.total = input + output;
    return record;
  }

  std::optional<BudgetAdmission> admit() {
    auto admitted = testing::await(accounting_->admit(record("x").principal, "gpt"));
    if (!admitted) return std::nullopt;
    return std::move(*admitted);
  }

  void finish(RequestRecord record, std::optional<BudgetAdmission> admission) {
    testing::await(accounting_->record(std::move(record), std::move(admission)));
  }

  void flush() { ASSERT_TRUE(accounting_->shutdown(std::chrono::steady_clock::now() + 10s)); }

  std::optional<LedgerRow> ledger_row(const std::string& request_id) {
    auto found = store_.run<std::optional<LedgerRow>>(
        [request_id](store::StoreConnection& connection) -> Expected<std::optional<LedgerRow>> {
          auto statement = connection.prepare(
              "SELECT cost, pricing_status, input_tokens, output_tokens FROM usage_ledger"
              " WHERE request_id = ?");
          if (!statement) return statement.error();
          (*statement)->bind(1, request_id);
          auto row = (*statement)->step();
          if (!row) return row.error();
          if (!*row) return std::optional<LedgerRow>{};
          return std::optional<LedgerRow>{
              LedgerRow{(*statement)->column_optional_int64(0), (*statement)->column_text(1),
                        (*statement)->column_int64(2), (*statement)->column_int64(3)}};
        });
    EXPECT_TRUE(found.ok());
    return found.ok() ? *found : std::nullopt;
  }

  std::int64_t count(const char* table) {
    auto counted = store_.run<std::int64_t>(
        [table](store::StoreConnection& connection) -> Expected<std::int64_t> {
          auto statement = connection.prepare(std::string("SELECT COUNT(*) FROM ") + table);
          if (!statement) return statement.error();
          auto row = (*statement)->step();
          if (!row) return row.error();
          return (*statement)->column_int64(0);
        });
    return counted.ok() ? *counted : -1;
  }

  testing::SqliteStore store_;
  testing::ManualClock clock_;
  std::shared_ptr<const config::GatewayConfig> config_;
  std::shared_ptr<const PriceCatalog> catalog_;
  std::unique_ptr<Accounting> accounting_;
};

TEST_F(AccountingTest, APricedRequestLandsAsALedgerRowWithItsCost) {
  finish(record("req-1"), admit());
  flush();
  const auto row = ledger_row("req-1");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->pricing_status, "priced");
  // 1000 × 2.5 / 1M + 100 × 10 / 1M = 0.0035
  EXPECT_EQ(row->cost_units, usd("0.0035").units());
  EXPECT_EQ(row->input_tokens, 1000);
  EXPECT_EQ(row->output_tokens, 100);
  EXPECT_EQ(count("request_logs"), 1);
}

TEST_F(AccountingTest, AStreamedRequestIsPricedFromTheUsageInItsFinalEvent) {
  RequestRecord streamed = record("req-stream");
  streamed.streamed = true;
  streamed.response_events = {R"({"choices":[{"delta":{"content":"hi"}}]})",
                              R"({"choices":[],"usage":{"prompt_tokens":2000,)"
                              R"("completion_tokens":50,"total_tokens":2050}})"};
  streamed.usage =
      streams::read_chat_usage(boost::json::parse(streamed.response_events.back()).at("usage"));
  finish(std::move(streamed), admit());
  flush();
  const auto row = ledger_row("req-stream");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->pricing_status, "priced");
  EXPECT_EQ(row->cost_units, usd("0.0055").units());  // 2000 × 2.5 + 50 × 10, per million
}

TEST_F(AccountingTest, AnAbortedRequestWithoutUsageIsUsageMissingAndSpendsNothing) {
  RequestRecord aborted = record("req-aborted");
  aborted.streamed = true;
  aborted.usage = {};
  aborted.error_code = "upstream_transport";
  finish(std::move(aborted), admit());
  flush();
  const auto row = ledger_row("req-aborted");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->pricing_status, "usage_missing");
  EXPECT_FALSE(row->cost_units);
  const auto budgets = accounting_->budgets().budgets_for(record("x").principal, "gpt");
  EXPECT_EQ(accounting_->budgets().committed(budgets[0]), Money4{});
}

TEST_F(AccountingTest, ARouteTheCatalogDoesNotKnowIsUnpriced) {
  RequestRecord unpriced = record("req-unpriced");
  unpriced.route = &config_->models[0].routes[1];
  EXPECT_EQ(accounting_->price(unpriced).status, PricingStatus::kUnpriced);
  finish(std::move(unpriced), admit());
  flush();
  const auto row = ledger_row("req-unpriced");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->pricing_status, "unpriced");
  EXPECT_FALSE(row->cost_units);
}

TEST_F(AccountingTest, ARequestThatReachedNoRouteGetsARequestLogButNoLedgerRow) {
  RequestRecord refused = record("req-refused");
  refused.route = nullptr;
  refused.provider = nullptr;
  refused.usage = {};
  refused.status = 429;
  refused.error_code = "budget_exceeded";
  finish(std::move(refused), std::nullopt);
  flush();
  EXPECT_FALSE(ledger_row("req-refused"));
  EXPECT_EQ(count("request_logs"), 1);
}

TEST_F(AccountingTest, BudgetsRefuseOnceTheRecordedSpendReachesTheLimit) {
  finish(record("req-1"), admit());  // 0.0035
  finish(record("req-2"), admit());  // 0.0070: the limit
  auto refused = testing::await(accounting_->admit(record("x").principal, "gpt"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().status, 429);
  EXPECT_EQ(refused.error().code, "budget_exceeded");
  flush();
  EXPECT_EQ(count("usage_ledger"), 2);
  EXPECT_EQ(count("budget_alerts"), 3) << "50, 80 and 100 percent, once each";
}

TEST_F(AccountingTest, SpendRecordedBeforeARestartStillCounts) {
  finish(record("req-1"), admit());
  finish(record("req-2"), admit());
  flush();
  Accounting::Options options;
  options.clock = clock_.function();
  Accounting restarted(config_, store_.store(), catalog_, nullptr, options);
  auto refused = testing::await(restarted.admit(record("x").principal, "gpt"));
  EXPECT_FALSE(refused.ok());
  restarted.shutdown(std::chrono::steady_clock::now() + 10s);
}

}  // namespace
}  // namespace sluice::ledger
