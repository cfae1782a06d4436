#include "routing/RouteSelection.h"

#include <fmt/format.h>

#include <algorithm>

namespace sluice::routing {

namespace {

const config::ProviderConfig* provider_named(const config::GatewayConfig& config,
                                             std::string_view id) {
  const auto it = std::find_if(config.providers.begin(), config.providers.end(),
                               [&](const config::ProviderConfig& p) { return p.id == id; });
  return it == config.providers.end() ? nullptr : &*it;
}

GatewayError no_routes_available(const config::ModelConfig& model) {
  return {
      503, "routing_error", "no_routes_available", std::nullopt,
      fmt::format("model `{}` has no available routes (every route is disabled, has weight <= 0, "
                  "or names an unknown provider)",
                  model.id)};
}

}  // namespace

std::vector<ResolvedRoute> viable_routes(const config::GatewayConfig& config,
                                         const config::ModelConfig& canonical_model) {
  std::vector<ResolvedRoute> viable;
  for (const config::RouteConfig& route : canonical_model.routes) {
    // `!(weight > 0)` rather than `weight <= 0`, so a NaN weight is dropped too.
    if (!route.enabled || !(route.weight > 0)) continue;
    const config::ProviderConfig* provider = provider_named(config, route.provider);
    if (provider == nullptr) continue;
    viable.push_back({&route, provider});
  }
  std::stable_sort(viable.begin(), viable.end(),
                   [](const ResolvedRoute& a, const ResolvedRoute& b) {
                     return a.route->priority < b.route->priority;
                   });
  return viable;
}

Expected<ResolvedRoute> first_eligible_route(const config::GatewayConfig& config,
                                             const config::ModelConfig& canonical_model,
                                             const RequiredCapabilities& required) {
  const std::vector<ResolvedRoute> viable = viable_routes(config, canonical_model);
  if (viable.empty()) return no_routes_available(canonical_model);

  std::optional<GatewayError> first_refusal;
  for (const ResolvedRoute& candidate : viable) {
    auto refusal =
        refusal_for_route(*candidate.route, *candidate.provider, required, canonical_model.id);
    if (!refusal) return candidate;
    if (!first_refusal) first_refusal = std::move(refusal);
  }
  return std::move(*first_refusal);
}

}  // namespace sluice::routing
