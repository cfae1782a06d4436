#include "api/GatewayState.h"

#include "auth/AwsCredentialChain.h"

#include <fmt/format.h>

#include <chrono>

namespace sluice::api {

GatewayState::GatewayState(std::shared_ptr<const config::GatewayConfig> loaded)
    : config(std::move(loaded)),
      models(*config),
      loaded_at_unix(std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count()) {
  // One AWS credential cache per default_chain provider, shared by all of its routes.
  std::unordered_map<std::string, std::shared_ptr<auth::AwsCredentialCache>> chains;
  for (const auto& provider : config->providers) {
    if (provider.aws_bedrock && provider.aws_bedrock->auth_mode == config::AwsAuthMode::kDefaultChain) {
      chains.emplace(provider.id, auth::make_default_chain(provider.aws_bedrock->region));
    }
  }
  for (const auto& model : config->models) {
    for (const auto& route : model.routes) {
      const auto* provider = config->find_provider(route.provider);
      if (provider == nullptr) continue;
      const auto chain = chains.find(provider->id);
      breakers_.emplace(&route, std::make_unique<routing::CircuitBreaker>(
                                    fmt::format("{}/{} (model {})", provider->id,
                                                route.upstream_model, model.id),
                                    config->routing_for(model).circuit_breaker));
      authenticators_.emplace(&route, auth::authenticator_for(*provider, route,
                                                              chain != chains.end() ? chain->second : nullptr));
    }
  }
  for (auto& [provider_id, chain] : chains) {
    credential_caches_.push_back({provider_id, std::move(chain)});
  }
}

auth::UpstreamAuthenticator& GatewayState::authenticator_for(const config::RouteConfig& route) const {
  // Every route of a loaded configuration names a provider that exists (the loader checks it), so
  // a route selected for a request always has an entry.
  return *authenticators_.at(&route);
}

routing::CircuitBreaker& GatewayState::breaker_for(const config::RouteConfig& route) const {
  return *breakers_.at(&route);
}

}  // namespace sluice::api
