#include "routing/RoutePlan.h"

#include <fmt/format.h>

namespace sluice::routing {

PlanRandom& plan_random() {
  thread_local PlanRandom engine{[] {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }()};
  return engine;
}

std::vector<ResolvedRoute> weighted_order(std::vector<ResolvedRoute> routes, PlanRandom& random) {
  std::vector<ResolvedRoute> ordered;
  ordered.reserve(routes.size());
  std::size_t group_begin = 0;
  while (group_begin < routes.size()) {
    std::size_t group_end = group_begin;
    while (group_end < routes.size() &&
           routes[group_end].route->priority == routes[group_begin].route->priority) {
      ++group_end;
    }
    std::vector<ResolvedRoute> remaining(routes.begin() + static_cast<std::ptrdiff_t>(group_begin),
                                         routes.begin() + static_cast<std::ptrdiff_t>(group_end));
    while (!remaining.empty()) {
      double total = 0;
      for (const auto& candidate : remaining) total += candidate.route->weight;
      std::uniform_real_distribution<double> draw(0.0, total);
      double point = draw(random);
      std::size_t picked = remaining.size() - 1;  // rounding at the top edge lands on the last
      for (std::size_t i = 0; i < remaining.size(); ++i) {
        if (point < remaining[i].route->weight) {
          picked = i;
          break;
        }
        point -= remaining[i].route->weight;
      }
      ordered.push_back(remaining[picked]);
      remaining.erase(remaining.begin() + static_cast<std::ptrdiff_t>(picked));
    }
    group_begin = group_end;
  }
  return ordered;
}

Expected<RoutePlan> plan_routes(const config::GatewayConfig& config,
                                const config::ModelConfig& canonical_model,
                                const RequiredCapabilities& required, PlanRandom& random,
                                const RouteAvailable& available) {
  const std::vector<ResolvedRoute> viable = viable_routes(config, canonical_model);
  if (viable.empty()) {
    return GatewayError{
        503, "routing_error", "no_routes_available", std::nullopt,
        fmt::format("model `{}` has no available routes (every route is disabled, has weight <= 0, "
                    "or names an unknown provider)",
                    canonical_model.id)};
  }
  const std::vector<ResolvedRoute> ordered = weighted_order(viable, random);

  std::vector<ResolvedRoute> capable;
  std::optional<GatewayError> first_refusal;
  for (const ResolvedRoute& candidate : ordered) {
    auto refusal =
        refusal_for_route(*candidate.route, *candidate.provider, required, canonical_model.id);
    if (!refusal) {
      capable.push_back(candidate);
    } else if (!first_refusal) {
      first_refusal = std::move(refusal);
    }
  }
  if (capable.empty()) return std::move(*first_refusal);

  RoutePlan plan;
  if (available) {
    for (const ResolvedRoute& candidate : capable) {
      if (available(candidate)) plan.routes.push_back(candidate);
    }
  }
  if (!available) {
    plan.routes = std::move(capable);
  } else if (plan.routes.empty()) {
    plan.routes = std::move(capable);
    plan.panic = true;
  }
  return plan;
}

}  // namespace sluice::routing
