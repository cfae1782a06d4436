// The spend endpoints (docs/admin-api.md, "Spend"): the report with its daily series, the FOCUS
// export (all visible spend, and the caller's own), budgets with their current window, and budget
// alerts. Everything is read from the store; what may be seen is PrincipalVisibility's answer.
#include "console/ConsoleErrors.h"
#include "console/ConsoleJson.h"
#include "console/ConsoleRouteSets.h"
#include "console/FocusExport.h"
#include "console/PrincipalVisibility.h"
#include "console/QueryParams.h"
#include "console/UtcDates.h"
#include "ledger/BudgetEnforcer.h"
#include "ledger/BudgetWindow.h"
#include "ledger/TimeZone.h"
#include "store/ConsoleSpendQueries.h"
#include "store/StoreQueries.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <map>

namespace sluice::console {

namespace http = boost::beast::http;
namespace json = boost::json;
using boost::asio::awaitable;
using config::Money4;

namespace {

Expected<store::SpendGrouping> group_by_param(const ConsoleCall& call) {
  const auto text = call.query("group_by");
  if (!text || *text == "model") return store::SpendGrouping::kModel;
  if (*text == "principal") return store::SpendGrouping::kPrincipal;
  return GatewayError::invalid_request("`group_by` must be `model` or `principal`", "group_by");
}

awaitable<Expected<ConsoleReply>> spend_report(ConsoleCall& call) {
  auto range = time_range(call);
  if (!range) co_return range.error();
  auto grouping = group_by_param(call);
  if (!grouping) co_return grouping.error();
  const store::SpendReportQuery query{visible_principals(call.user()), *grouping, range->from,
                                      range->to};
  auto read = call.services.store.executor().run<store::SpendReport>(
      [query](store::StoreConnection& c) { return store::queries::spend_report(c, query); });
  auto report = co_await std::move(read);
  if (!report) co_return report.error();
  co_return ConsoleReply::json(spend_report_json(*report, range->from, range->to));
}

awaitable<Expected<ConsoleReply>> focus_export(ConsoleCall& call, store::PrincipalScope scope) {
  auto range = time_range(call);
  if (!range) co_return range.error();
  auto read = call.services.store.executor().run<std::vector<store::FocusUsageRow>>(
      [scope = std::move(scope), range = *range](store::StoreConnection& c) {
        return store::queries::focus_usage(c, scope, range.from, range.to);
      });
  auto rows = co_await std::move(read);
  if (!rows) co_return rows.error();
  ConsoleReply reply;
  reply.body = focus_csv(*rows);
  reply.content_type = "text/csv; charset=utf-8";
  const auto seconds = [](store::UnixMillis ms) {
    return std::chrono::floor<std::chrono::seconds>(
        std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(ms)));
  };
  reply.with_header("Content-Disposition",
                    fmt::format("attachment; filename=\"sluice-focus-{}-{}.csv\"",
                                utc_compact_timestamp(seconds(range->from)),
                                utc_compact_timestamp(seconds(range->to))));
  co_return reply;
}

awaitable<Expected<ConsoleReply>> visible_focus_export(ConsoleCall& call) {
  auto exported = focus_export(call, visible_principals(call.user()));
  co_return co_await std::move(exported);
}

awaitable<Expected<ConsoleReply>> own_focus_export(ConsoleCall& call) {
  auto exported = focus_export(call, store::PrincipalScope::of(call.user().principal()));
  co_return co_await std::move(exported);
}

// The budget the running config gives a stored row, found the way the ledger binds budgets to a
// request (ledger::budgets_binding), so the console shows the limit being enforced. Rows give
// budgets stable ids; the config is what applies, and a row it no longer has keeps its last values.
std::optional<config::Budget> configured_budget(const config::GatewayConfig& config,
                                                const store::BudgetRecord& row) {
  access::Principal principal;
  principal.kind = row.scope == store::BudgetScope::kServiceAccount
                       ? access::PrincipalKind::kServiceAccount
                       : access::PrincipalKind::kUser;
  principal.id = row.principal_id;
  const std::string model = row.model_id.value_or("");
  for (const auto& applicable : ledger::budgets_binding(config, principal, model)) {
    if (applicable.scope == row.scope && applicable.model == model) return applicable.budget;
  }
  return std::nullopt;
}

store::UnixMillis unix_millis(std::chrono::sys_seconds instant) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(instant.time_since_epoch()).count();
}

// The time zones of one listing, each read once; a zone this host cannot load counts in UTC, as
// BudgetEnforcer does.
class ZoneShelf {
 public:
  const ledger::TimeZone& zone(const std::string& name) {
    if (auto found = zones_.find(name); found != zones_.end()) return found->second;
    std::string why;
    auto loaded = ledger::TimeZone::load(name, &why);
    if (!loaded) {
      spdlog::warn("budget timezone `{}` cannot be loaded ({}); showing its window in UTC", name,
                   why);
      loaded = ledger::TimeZone::utc();
    }
    return zones_.emplace(name, std::move(*loaded)).first->second;
  }

 private:
  std::map<std::string, ledger::TimeZone> zones_;
};

// Runs on a store thread: the rows, the config's limits, each budget's current window (time-zone
// files are read here, never on an I/O thread) and the spend in it, as one job.
Expected<std::vector<BudgetStatus>> budget_statuses(store::StoreConnection& connection,
                                                    const config::GatewayConfig& config,
                                                    const store::PrincipalScope& scope,
                                                    store::UnixMillis now_ms) {
  auto rows = store::queries::list_budgets(connection, scope);
  if (!rows) return rows.error();
  ZoneShelf zones;
  const auto now = std::chrono::floor<std::chrono::seconds>(
      std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(now_ms)));
  std::vector<BudgetStatus> statuses;
  for (store::BudgetRecord& row : *rows) {
    BudgetStatus status;
    if (auto configured = configured_budget(config, row)) {
      status.configured = true;
      row.cadence = configured->cadence;
      row.amount = configured->amount_usd;
      row.hard_limit = configured->hard_limit;
      row.timezone = configured->timezone;
    }
    const auto window = ledger::BudgetWindow::containing(row.cadence, zones.zone(row.timezone), now);
    status.window_start = unix_millis(window.start);
    status.window_end = unix_millis(window.end);
    // Summed as the enforcer sums it (sum_cost).
    auto spent = store::queries::sum_cost(
        connection,
        store::SpendQuery{{row.scope == store::BudgetScope::kServiceAccount
                               ? store::PrincipalKind::kServiceAccount
                               : store::PrincipalKind::kUser,
                           row.principal_id},
                          row.model_id,
                          status.window_start,
                          status.window_end});
    if (!spent) return spent.error();
    status.spent = *spent;
    status.budget = std::move(row);
    statuses.push_back(std::move(status));
  }
  return statuses;
}

awaitable<Expected<ConsoleReply>> list_budgets(ConsoleCall& call) {
  auto read = call.services.store.executor().run<std::vector<BudgetStatus>>(
      [scope = visible_principals(call.user()), state = call.state,
       now = call.now](store::StoreConnection& c) {
        return budget_statuses(c, *state->config, scope, now);
      });
  auto statuses = co_await std::move(read);
  if (!statuses) co_return statuses.error();
  json::array data;
  for (const auto& status : *statuses) data.emplace_back(budget_json(status));
  co_return ConsoleReply::json(json::object{{"data", std::move(data)}});
}

awaitable<Expected<ConsoleReply>> list_budget_alerts(ConsoleCall& call) {
  auto page = page_params(call);
  if (!page) co_return page.error();
  // One row more than asked for says whether there is a next page.
  auto read = call.services.store.executor().run<std::vector<store::BudgetAlertRow>>(
      [scope = visible_principals(call.user()), page = *page](store::StoreConnection& c) {
        return store::queries::list_budget_alerts(c, scope, page.limit + 1, page.offset);
      });
  auto rows = co_await std::move(read);
  if (!rows) co_return rows.error();
  const bool has_more = static_cast<std::int64_t>(rows->size()) > page->limit;
  if (has_more) rows->pop_back();
  json::array data;
  for (const auto& row : *rows) data.emplace_back(alert_json(row));
  co_return ConsoleReply::json(json::object{{"data", std::move(data)}, {"has_more", has_more}});
}

}  // namespace

void add_spend_routes(ConsoleRoutes& routes) {
  const auto usage = RouteGuard::page_of(config::AdminPage::kUsageCosts);
  const auto controls = RouteGuard::page_of(config::AdminPage::kSpendControls);
  routes.add(http::verb::get, "/api/v1/admin/spend/report", usage, spend_report);
  routes.add(http::verb::get, "/api/v1/admin/spend/focus.csv", usage, visible_focus_export);
  routes.add(http::verb::get, "/api/v1/me/spend/focus.csv", RouteGuard::signed_in(),
             own_focus_export);
  routes.add(http::verb::get, "/api/v1/admin/spend/budgets", controls, list_budgets);
  routes.add(http::verb::get, "/api/v1/admin/spend/budget-alerts", controls, list_budget_alerts);
}

}  // namespace sluice::console
