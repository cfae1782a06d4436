#include "api/GatewayState.h"

#include <chrono>

namespace sluice::api {

GatewayState::GatewayState(std::shared_ptr<const config::GatewayConfig> loaded)
    : config(std::move(loaded)),
      caller_keys(access::CallerKeyRegistry::from_config(*config)),
      models(*config),
      loaded_at_unix(std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count()) {}

}  // namespace sluice::api
