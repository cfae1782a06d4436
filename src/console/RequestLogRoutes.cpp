// The request log endpoints (docs/admin-api.md, "Request logs"): a filtered, paged list and one log
// with its attempts and stored (already redacted) payload. A log outside what the caller may see
// answers 404, the same as one that does not exist.
#include "console/ConsoleErrors.h"
#include "console/ConsoleJson.h"
#include "console/ConsoleRouteSets.h"
#include "console/PrincipalVisibility.h"
#include "console/QueryParams.h"
#include "store/StoreQueries.h"

#include <charconv>

namespace sluice::console {

namespace http = boost::beast::http;
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

struct StatusRange {
  int from = 0;
  int to = 0;
};

// `status`: an HTTP status ("429") or a class of them ("4xx").
Expected<std::optional<StatusRange>> status_param(const ConsoleCall& call) {
  const auto text = call.query("status");
  if (!text || text->empty()) return std::optional<StatusRange>();
  const GatewayError bad = GatewayError::invalid_request(
      "`status` must be an HTTP status (`429`) or a class of them (`4xx`)", "status");
  if (text->size() == 3 && (*text)[1] == 'x' && (*text)[2] == 'x') {
    const char digit = (*text)[0];
    if (digit < '1' || digit > '5') return bad;
    const int base = (digit - '0') * 100;
    return std::optional<StatusRange>(StatusRange{base, base + 99});
  }
  int status = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), status);
  if (error != std::errc() || end != text->data() + text->size() || status < 100 || status > 599) {
    return bad;
  }
  return std::optional<StatusRange>(StatusRange{status, status});
}

awaitable<Expected<ConsoleReply>> list_request_logs(ConsoleCall& call) {
  auto page = page_params(call);
  if (!page) co_return page.error();
  auto status = status_param(call);
  if (!status) co_return status.error();
  store::RequestLogQuery query;
  // One row more than asked for says whether there is a next page.
  query.limit = page->limit + 1;
  query.offset = page->offset;
  if (auto model = call.query("model"); model && !model->empty()) query.model = std::move(*model);
  if (*status) {
    query.status_from = (*status)->from;
    query.status_to = (*status)->to;
  }
  if (auto principal = call.query("principal"); principal && !principal->empty()) {
    query.principal_id = std::move(*principal);
  }
  query.scope = visible_principals(call.user());
  auto read = call.services.store.executor().run<std::vector<store::RequestLogRecord>>(
      [query = std::move(query)](store::StoreConnection& c) {
        return store::queries::list_request_logs(c, query);
      });
  auto logs = co_await std::move(read);
  if (!logs) co_return logs.error();
  const bool has_more = static_cast<std::int64_t>(logs->size()) > page->limit;
  if (has_more) logs->pop_back();
  json::array data;
  for (const auto& log : *logs) data.emplace_back(request_log_json(log));
  co_return ConsoleReply::json(json::object{{"data", std::move(data)}, {"has_more", has_more}});
}

awaitable<Expected<ConsoleReply>> show_request_log(ConsoleCall& call) {
  auto id = numeric_id(call, "request_log_id", "request log");
  if (!id) co_return id.error();
  auto read = call.services.store.executor().run<std::optional<store::RequestLogRecord>>(
      [id = *id, scope = visible_principals(call.user())](store::StoreConnection& c) {
        return store::queries::find_request_log(c, id, scope);
      });
  auto log = co_await std::move(read);
  if (!log) co_return log.error();
  if (!*log) co_return not_found("request log");
  co_return ConsoleReply::json(json::object{{"log", request_log_detail_json(**log)}});
}

}  // namespace

void add_request_log_routes(ConsoleRoutes& routes) {
  const auto page = RouteGuard::page_of(config::AdminPage::kRequestLogs);
  routes.add(http::verb::get, "/api/v1/admin/observability/request-logs", page, list_request_logs);
  routes.add(http::verb::get, "/api/v1/admin/observability/request-logs/{request_log_id}", page,
             show_request_log);
}

}  // namespace sluice::console
