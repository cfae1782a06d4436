#include "access/CallerKeyRegistry.h"

#include "config/ApiKeyFormat.h"

#include <spdlog/spdlog.h>

namespace sluice::access {

bool CallerKey::may_use(const config::ModelConfig& model) const {
  if (!granted_models.empty() && !granted_models.contains(model.id)) return false;
  // Allowlisted models are for the listed users and teams; service-account keys are always denied.
  if (model.allowlist && principal.kind == PrincipalKind::kServiceAccount) return false;
  if (model.allowlist && principal.kind == PrincipalKind::kUser) {
    const auto& allow = *model.allowlist;
    const bool user_listed =
        std::find(allow.users.begin(), allow.users.end(), principal.id) != allow.users.end();
    const bool team_listed = !principal.team.empty() &&
        std::find(allow.teams.begin(), allow.teams.end(), principal.team) != allow.teams.end();
    return user_listed || team_listed;
  }
  return true;
}

CallerKeyRegistry CallerKeyRegistry::from_config(const config::GatewayConfig& config) {
  CallerKeyRegistry registry;
  for (const auto& account : config.service_accounts) {
    for (const auto& key_config : account.keys) {
      if (!key_config.value) continue;
      // The loader already proved the value parses; a failure here would be a loader bug.
      const auto parsed = config::parse_api_key(key_config.value->reveal());
      if (!parsed) continue;
      CallerKey key;
      key.public_id = std::string(parsed->public_id);
      key.name = account.id + "/" + key_config.id;
      key.secret_hash = sha256(parsed->secret);
      key.principal = Principal{PrincipalKind::kServiceAccount, account.id, account.team};
      key.granted_models.insert(key_config.allowed_models.begin(), key_config.allowed_models.end());
      if (registry.by_public_id_.contains(key.public_id)) {
        spdlog::warn("caller key {} reuses public id of another key; the first one is kept", key.name);
        continue;
      }
      registry.by_public_id_.emplace(key.public_id, std::move(key));
    }
  }
  return registry;
}

Expected<const CallerKey*> CallerKeyRegistry::authenticate(std::string_view presented_key) const {
  const auto parsed = config::parse_api_key(presented_key);
  if (!parsed) {
    return GatewayError::authentication(
        "invalid_api_key_format", "API key is malformed; expected gwk_<public_id>.<secret>");
  }
  const auto found = by_public_id_.find(std::string(parsed->public_id));
  if (found == by_public_id_.end()) {
    return GatewayError::authentication("api_key_not_found", "API key not found");
  }
  if (!constant_time_equal(sha256(parsed->secret), found->second.secret_hash)) {
    return GatewayError::authentication("api_key_secret_mismatch", "API key secret does not match");
  }
  return &found->second;
}

}  // namespace sluice::access
