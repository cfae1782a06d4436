// ApiRouter: the gateway's HTTP endpoints, and the request handler the server dispatches to.
//
// It maps a path and method to an endpoint, runs the caller-facing steps of the pipeline that every
// endpoint shares (authenticate the key, parse the body, resolve the model the caller named), and
// renders every failure once, as the caller's dialect writes errors.
#pragma once

#include "api/ActiveState.h"
#include "observability/Telemetry.h"
#include "server/Exchange.h"
#include "server/RequestHandler.h"

#include <memory>

namespace sluice::api {

class ApiRouter final : public server::RequestHandler {
 public:
  ApiRouter(std::shared_ptr<const ActiveState> state,
            std::shared_ptr<const observability::Telemetry> telemetry);

  boost::asio::awaitable<void> handle(server::Exchange& exchange) override;
  server::Response error_response(const GatewayError& error,
                                  std::string_view target) const override;

 private:
  std::shared_ptr<const ActiveState> state_;
  std::shared_ptr<const observability::Telemetry> telemetry_;
};

}  // namespace sluice::api
