// ModelCatalog: the gateway's model ids, indexed for the request path.
//
// Built once per configuration. It answers "which model is this id" (aliases included, each as
// itself) and lists models in the order callers see them: `rank` ascending, then id.
#pragma once

#include "config/GatewayConfig.h"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sluice::routing {

class ModelCatalog {
 public:
  explicit ModelCatalog(const config::GatewayConfig& config);

  // nullptr when no model has this id. The pointer lives as long as the GatewayConfig.
  const config::ModelConfig* find(std::string_view id) const;

  // The model an alias finally points at (the model itself when it is not an alias).
  const config::ModelConfig& canonical(const config::ModelConfig& model) const;

  // Every model, ordered by rank then id.
  const std::vector<const config::ModelConfig*>& in_listing_order() const { return ordered_; }

 private:
  std::unordered_map<std::string_view, const config::ModelConfig*> by_id_;
  std::vector<const config::ModelConfig*> ordered_;
};

}  // namespace sluice::routing
