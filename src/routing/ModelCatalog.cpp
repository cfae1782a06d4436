#include "routing/ModelCatalog.h"

#include <algorithm>

namespace sluice::routing {

ModelCatalog::ModelCatalog(const config::GatewayConfig& config) {
  ordered_.reserve(config.models.size());
  for (const auto& model : config.models) {
    by_id_.emplace(model.id, &model);
    ordered_.push_back(&model);
  }
  std::stable_sort(ordered_.begin(), ordered_.end(), [](const auto* a, const auto* b) {
    return a->rank != b->rank ? a->rank < b->rank : a->id < b->id;
  });
}

const config::ModelConfig* ModelCatalog::find(std::string_view id) const {
  const auto found = by_id_.find(id);
  return found == by_id_.end() ? nullptr : found->second;
}

const config::ModelConfig& ModelCatalog::canonical(const config::ModelConfig& model) const {
  if (!model.canonical_id || *model.canonical_id == model.id) return model;
  const auto* target = find(*model.canonical_id);
  return target ? *target : model;
}

}  // namespace sluice::routing
