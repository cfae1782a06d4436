// ApiRouter: the gateway's HTTP endpoints, and the request handler the server dispatches to.
//
// It maps a path and method to an endpoint, runs the caller-facing steps of the pipeline that every
// endpoint shares (authenticate the key, parse the body, resolve the model the caller named), and
// renders every failure once, as the caller's dialect writes errors.
#pragma once

#include "access/KeyDirectory.h"
#include "api/ActiveState.h"
#include "ledger/Accounting.h"
#include "observability/Telemetry.h"
#include "server/Exchange.h"
#include "server/RequestHandler.h"

#include <memory>

namespace sluice::api {

class ApiRouter final : public server::RequestHandler {
 public:
  // `keys`: the store's caller keys, refreshed in the background; `accounting`: budgets before the
  // upstream call, ledger and request logs after the answer; `console`: the admin console's
  // handler for /api/v1/* and /admin/* (without one those paths are 404).
  ApiRouter(std::shared_ptr<const ActiveState> state,
            std::shared_ptr<const observability::Telemetry> telemetry,
            std::shared_ptr<ledger::Accounting> accounting,
            std::shared_ptr<const access::KeyDirectory> keys,
            std::shared_ptr<server::RequestHandler> console = nullptr);

  boost::asio::awaitable<void> handle(server::Exchange& exchange) override;
  server::Response error_response(const GatewayError& error,
                                  std::string_view target) const override;

 private:
  std::shared_ptr<const ActiveState> state_;
  std::shared_ptr<const observability::Telemetry> telemetry_;
  std::shared_ptr<ledger::Accounting> accounting_;
  std::shared_ptr<const access::KeyDirectory> keys_;
  std::shared_ptr<server::RequestHandler> console_;
};

}  // namespace sluice::api
