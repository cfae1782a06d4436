#include "access/CallerKeyRegistry.h"

#include "config/ApiKeyFormat.h"

#include <spdlog/spdlog.h>

namespace sluice::access {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// api_keys.secret_hash is lower-case hex (to_hex); nullopt for anything else.
std::optional<Sha256Digest> sha256_from_hex(std::string_view hex) {
  Sha256Digest digest{};
  if (hex.size() != digest.size() * 2) return std::nullopt;
  for (std::size_t i = 0; i < digest.size(); ++i) {
    const int high = hex_value(hex[2 * i]);
    const int low = hex_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    digest[i] = static_cast<std::uint8_t>(high * 16 + low);
  }
  return digest;
}

}  // namespace

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

CallerKeyRegistry CallerKeyRegistry::from_rows(const std::vector<store::CallerKeyRecord>& rows) {
  CallerKeyRegistry registry;
  for (const auto& row : rows) {
    const auto hash = sha256_from_hex(row.key.secret_hash);
    if (!hash) {
      spdlog::warn("api key {} has a malformed secret hash and cannot authenticate", row.key.public_id);
      continue;
    }
    CallerKey key;
    key.public_id = row.key.public_id;
    key.name = row.key.owner.id + "/" + row.key.config_key_id.value_or(row.key.name);
    key.secret_hash = *hash;
    const bool user = row.key.owner.kind == store::PrincipalKind::kUser;
    key.principal = Principal{user ? PrincipalKind::kUser : PrincipalKind::kServiceAccount,
                              row.key.owner.id, row.owner_team.value_or("")};
    key.granted_models.insert(row.key.granted_models.begin(), row.key.granted_models.end());
    key.store_id = row.key.id;
    key.revoked = row.key.revoked();
    key.owner_exists = row.owner_exists;
    key.owner_disabled = row.owner_disabled;
    registry.by_public_id_.emplace(key.public_id, std::move(key));
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
  // Checked after the secret, so only the key's holder learns that it was revoked.
  if (found->second.revoked) {
    return GatewayError::authentication("api_key_revoked", "API key has been revoked");
  }
  if (found->second.owner_disabled) {
    return GatewayError::authentication("api_key_owner_disabled",
                                        "API key's owner has been deactivated");
  }
  if (!found->second.owner_exists) {
    return GatewayError{500, "authentication_error", "api_key_owner_invalid", std::nullopt,
                        "API key owner is invalid"};
  }
  return &found->second;
}

}  // namespace sluice::access
