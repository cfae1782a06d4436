// RouteSelection: the routes of a model that can run at all (../shared/reference/api.md §4 step 5).
//
// viable_routes() is a model's routes minus those that can never run (enabled: false,
// weight <= 0, or a provider id the configuration does not define), in priority order (ascending;
// equal priorities keep file order). routing/RoutePlan builds the request's plan on it (weighted
// order within a priority, capability and circuit-breaker skipping).
#pragma once

#include "config/GatewayConfig.h"

#include <vector>

namespace sluice::routing {

// A route together with the provider it names. Both point into the GatewayConfig, which outlives
// the request (in-flight requests keep their configuration alive across a reload).
struct ResolvedRoute {
  const config::RouteConfig* route = nullptr;
  const config::ProviderConfig* provider = nullptr;
};

// Step 5. Empty when no route of `canonical_model` can run at all.
std::vector<ResolvedRoute> viable_routes(const config::GatewayConfig& config,
                                         const config::ModelConfig& canonical_model);

}  // namespace sluice::routing
