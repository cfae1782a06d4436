// AdminRouter: the operator's endpoints, served only on `server.admin_bind`.
//
//   GET  /metrics        Prometheus text exposition of the gateway's metrics
//   POST /admin/reload   re-read the configuration file (as SIGHUP does); 200 with the outcome, or
//                        422 with every error when the file is invalid (the old one stays)
//   GET  /healthz, /readyz   /readyz is 503 while the caller-facing listener drains: the admin
//                            listener stays up until that drain ends, so probes can watch it
//
// Like Envoy's admin listener it has no authentication of its own: bind it to loopback (or a
// network only operators reach). It never shares a port with the caller-facing API.
#pragma once

#include "api/ConfigReload.h"
#include "server/RequestHandler.h"

#include <functional>
#include <memory>
#include <string>

namespace sluice::api {

class AdminRouter final : public server::RequestHandler {
 public:
  AdminRouter(std::function<std::string()> render_metrics, std::shared_ptr<ConfigReloader> reloader,
              std::function<bool()> gateway_draining);

  boost::asio::awaitable<void> handle(server::Exchange& exchange) override;
  server::Response error_response(const GatewayError& error,
                                  std::string_view target) const override;

 private:
  std::function<std::string()> render_metrics_;
  std::shared_ptr<ConfigReloader> reloader_;
  std::function<bool()> gateway_draining_;
};

}  // namespace sluice::api
