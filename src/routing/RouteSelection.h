// RouteSelection: which of a model's routes serves this request (../shared/reference/api.md §4
// steps 5-6, without weights for now).
//
// viable_routes() is step 5: a model's routes minus those that can never run (enabled: false,
// weight <= 0, or a provider id the configuration does not define), in priority order (ascending;
// equal priorities keep file order). first_eligible_route() adds step 6: the first viable route
// whose effective capabilities cover what the request needs. The reference executes exactly that
// one route.
//
// The data path uses routing/RoutePlan (weighted order within a priority bucket, capability and
// circuit-breaker skipping, the whole plan walked by the retry loop); first_eligible_route() stays
// as the reference's single-route choice.
#pragma once

#include "config/GatewayConfig.h"
#include "core/Expected.h"
#include "routing/CapabilityGate.h"

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

// Steps 5 and 6. Errors:
//   503 routing_error / no_routes_available  — no viable route at all;
//   400 invalid_request_error / invalid_request — viable routes exist but capability filtering
//       removed every one; the message is the refusal of the highest-priority viable route, which
//       is the route the caller would have reached.
Expected<ResolvedRoute> first_eligible_route(const config::GatewayConfig& config,
                                             const config::ModelConfig& canonical_model,
                                             const RequiredCapabilities& required);

}  // namespace sluice::routing
