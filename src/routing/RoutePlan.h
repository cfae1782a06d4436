// RoutePlan: the ordered list of routes a request may try (../shared/reference/api.md §4 steps 5-6,
// with Sluice's fallback walking the whole list instead of taking its head).
//
// plan_routes():
//   1. drops routes that can never run (viable_routes(): enabled: false, weight <= 0, unknown
//      provider) — none left is 503 routing_error / no_routes_available;
//   2. groups the rest by priority, ascending; within one group orders them by repeated weighted
//      sampling without replacement (each draw picks a remaining route with probability
//      proportional to its weight), using the random engine given (a seeded one in tests,
//      plan_random() in production);
//   3. skips routes that lack a capability the request needs — when that leaves nothing, the
//      refusal of the first planned route is the answer (400 invalid_request), as in the reference;
//   4. skips routes whose circuit is open (`available` says no), but never all of them: when every
//      capable route is unavailable the plan keeps them all, in order (Envoy's panic mode), so a
//      model with one route behaves exactly like the reference.
#pragma once

#include "core/Expected.h"
#include "routing/CapabilityGate.h"
#include "routing/RouteSelection.h"

#include <functional>
#include <random>
#include <vector>

namespace sluice::routing {

using PlanRandom = std::mt19937_64;

// The calling thread's engine, seeded once per thread from std::random_device.
PlanRandom& plan_random();

// Step 2 alone: `routes` (already in priority order) reordered by weighted sampling inside each
// priority group.
std::vector<ResolvedRoute> weighted_order(std::vector<ResolvedRoute> routes, PlanRandom& random);

struct RoutePlan {
  std::vector<ResolvedRoute> routes;  // in the order to try them; never empty
  bool panic = false;                 // every capable route was unavailable; all kept
};

using RouteAvailable = std::function<bool(const ResolvedRoute&)>;

Expected<RoutePlan> plan_routes(const config::GatewayConfig& config,
                                const config::ModelConfig& canonical_model,
                                const RequiredCapabilities& required, PlanRandom& random,
                                const RouteAvailable& available = {});

}  // namespace sluice::routing
