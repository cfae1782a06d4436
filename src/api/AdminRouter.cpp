#include "api/AdminRouter.h"

#include "api/ErrorBody.h"
#include "server/Exchange.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::api {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

server::Response text_response(http::status status, std::string_view content_type, std::string body) {
  server::Response response{status, 11};
  response.set(http::field::content_type, content_type);
  response.body() = std::move(body);
  return response;
}

json::array strings(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& item : items) out.emplace_back(item);
  return out;
}

}  // namespace

AdminRouter::AdminRouter(std::function<std::string()> render_metrics,
                         std::shared_ptr<ConfigReloader> reloader,
                         std::function<bool()> gateway_draining)
    : render_metrics_(std::move(render_metrics)),
      reloader_(std::move(reloader)),
      gateway_draining_(std::move(gateway_draining)) {}

server::Response AdminRouter::error_response(const GatewayError& error,
                                             std::string_view target) const {
  return api::error_response(error, server::path_of(target));
}

boost::asio::awaitable<void> AdminRouter::handle(server::Exchange& exchange) {
  const auto& request = exchange.request();
  const auto path = server::path_of(request.target());
  const auto method = request.method();
  std::optional<server::Response> answer;
  if (path == "/metrics" && method == http::verb::get) {
    // Prometheus text format 0.0.4.
    answer = text_response(http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
                           render_metrics_());
  } else if (path == "/admin/reload" && method == http::verb::post) {
    // Reading the file blocks this thread: the admin listener's own, never a caller-facing one.
    const ReloadOutcome outcome = reloader_->reload();
    const json::object body{{"applied", outcome.applied},
                            {"errors", strings(outcome.errors)},
                            {"warnings", strings(outcome.warnings)}};
    answer = text_response(outcome.applied ? http::status::ok : http::status::unprocessable_entity,
                           "application/json", json::serialize(body));
  } else if ((path == "/healthz" || path == "/readyz") && method == http::verb::get) {
    const bool ready = path == "/healthz" || !gateway_draining_();
    answer = text_response(ready ? http::status::ok : http::status::service_unavailable,
                           "application/json",
                           ready ? R"({"status":"ok"})" : R"({"status":"draining"})");
  }
  if (!answer) {
    const bool known = path == "/metrics" || path == "/admin/reload" || path == "/healthz" ||
                       path == "/readyz";
    const GatewayError error =
        known ? GatewayError::method_not_allowed(std::string(request.method_string()),
                                                 std::string(path))
              : GatewayError::unknown_path(std::string(path));
    co_await respond_with_error(exchange, error);
    co_return;
  }
  co_await exchange.respond(std::move(*answer));
}

}  // namespace sluice::api
