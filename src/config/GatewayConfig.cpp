#include "config/GatewayConfig.h"

#include <algorithm>

namespace sluice::config {

const ProviderConfig* GatewayConfig::find_provider(std::string_view id) const {
  const auto it = std::find_if(providers.begin(), providers.end(),
                               [&](const ProviderConfig& provider) { return provider.id == id; });
  return it == providers.end() ? nullptr : &*it;
}

const ModelConfig* GatewayConfig::find_model(std::string_view id) const {
  const auto it = std::find_if(models.begin(), models.end(),
                               [&](const ModelConfig& model) { return model.id == id; });
  return it == models.end() ? nullptr : &*it;
}

}  // namespace sluice::config
