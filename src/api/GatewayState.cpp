#include "api/GatewayState.h"

#include <chrono>

namespace sluice::api {

GatewayState::GatewayState(std::shared_ptr<const config::GatewayConfig> loaded)
    : config(std::move(loaded)),
      caller_keys(access::CallerKeyRegistry::from_config(*config)),
      models(*config),
      loaded_at_unix(std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count()) {
  for (const auto& model : config->models) {
    for (const auto& route : model.routes) {
      const auto* provider = config->find_provider(route.provider);
      if (provider != nullptr) authenticators_.emplace(&route, auth::authenticator_for(*provider, route));
    }
  }
}

auth::UpstreamAuthenticator& GatewayState::authenticator_for(const config::RouteConfig& route) const {
  // Every route of a loaded configuration names a provider that exists (the loader checks it), so
  // a route selected for a request always has an entry.
  return *authenticators_.at(&route);
}

}  // namespace sluice::api
