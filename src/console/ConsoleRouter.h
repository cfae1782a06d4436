// ConsoleRouter: the admin console's HTTP surface on the gateway's listener — the session-based
// admin API under /api/v1/ (not /api/v1/health, which is the data plane's) and the UI's files
// under /admin/. api::ApiRouter hands it those paths (api/Endpoint.h, EndpointKind::kConsole).
//
// Before a handler runs, the router resolves the session cookie and applies the route's guard:
// 401 without a session, 403 `password_change_required` while a forced change is pending, 403
// `insufficient_privileges` for a missing page or action, 403 `csrf_failed` for a state-changing
// request without the session's X-CSRF-Token or from a foreign Origin. Handlers only do their job.
#pragma once

#include "console/ConsoleRoute.h"
#include "console/ConsoleServices.h"
#include "server/RequestHandler.h"

#include <memory>

namespace sluice::console {

class ConsoleRouter final : public server::RequestHandler {
 public:
  explicit ConsoleRouter(std::unique_ptr<ConsoleServices> services);

  boost::asio::awaitable<void> handle(server::Exchange& exchange) override;
  server::Response error_response(const GatewayError& error, std::string_view target) const override;

  const ConsoleRoutes& routes() const { return routes_; }
  ConsoleServices& services() { return *services_; }

 private:
  boost::asio::awaitable<void> serve_ui(server::Exchange& exchange, std::string_view path);
  boost::asio::awaitable<Expected<ConsoleReply>> dispatch(ConsoleCall& call, const ConsoleRoute& route);

  std::unique_ptr<ConsoleServices> services_;
  ConsoleRoutes routes_;
};

}  // namespace sluice::console
