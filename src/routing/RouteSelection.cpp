#include "routing/RouteSelection.h"

#include <algorithm>

namespace sluice::routing {

std::vector<ResolvedRoute> viable_routes(const config::GatewayConfig& config,
                                         const config::ModelConfig& canonical_model) {
  std::vector<ResolvedRoute> viable;
  for (const config::RouteConfig& route : canonical_model.routes) {
    // `!(weight > 0)` rather than `weight <= 0`, so a NaN weight is dropped too.
    if (!route.enabled || !(route.weight > 0)) continue;
    const config::ProviderConfig* provider = config.find_provider(route.provider);
    if (provider == nullptr) continue;
    viable.push_back({&route, provider});
  }
  std::stable_sort(viable.begin(), viable.end(),
                   [](const ResolvedRoute& a, const ResolvedRoute& b) {
                     return a.route->priority < b.route->priority;
                   });
  return viable;
}

}  // namespace sluice::routing
