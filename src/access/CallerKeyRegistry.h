// CallerKeyRegistry: the gateway API keys callers may present, and who each one belongs to.
//
// Keys have the form gwk_<public_id>.<secret>. The registry is indexed by public id and keeps only
// the SHA-256 of each secret: a key's secret is 16+ random characters, far beyond brute force, so a
// slow password hash would only cost latency (see docs/security.md). A presented secret is hashed
// and compared in constant time. Built once (from the config, or from the store's rows by
// KeyDirectory) and immutable afterwards, so lookups on the request path take no lock and do no I/O.
#pragma once

#include "config/GatewayConfig.h"
#include "core/Digest.h"
#include "core/Expected.h"
#include "store/StoreRecords.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace sluice::access {

enum class PrincipalKind { kServiceAccount, kUser };

// Who is calling: the owner of the key.
struct Principal {
  PrincipalKind kind = PrincipalKind::kServiceAccount;
  std::string id;    // service account id (or user email)
  std::string team;  // team id, empty when none
};

struct CallerKey {
  std::string public_id;
  std::string name;  // for logs: "<service account>/<key id>"
  Sha256Digest secret_hash{};
  Principal principal;
  // Model ids this key was granted. Empty means every model the principal may see.
  std::unordered_set<std::string> granted_models;
  std::optional<std::int64_t> store_id;  // api_keys.id, for the ledger; none for config-only keys
  bool revoked = false;                  // kept so a revoked key is told apart from an unknown one
  bool owner_exists = true;              // false: the owner's row is gone (a store inconsistency)
  bool owner_disabled = false;           // the owner is deactivated / disabled: 401, not 500

  // Grants and allowlists for one gateway model id (an alias is checked as itself: alias
  // authorization is independent of its target, as the reference specifies).
  bool may_use(const config::ModelConfig& model) const;
};

class CallerKeyRegistry {
 public:
  // Keys of service_accounts[].keys[] that carry a `value`. Keys with auto_create and no value are
  // minted and stored by the store; they are not usable without it.
  static CallerKeyRegistry from_config(const config::GatewayConfig& config);
  // Every key in the store (store::queries::list_caller_keys), revoked ones included.
  static CallerKeyRegistry from_rows(const std::vector<store::CallerKeyRecord>& rows);

  // The key's owner, or the 401 the reference's table gives for why not. A key whose owner was
  // deactivated (user) or disabled (service account) in the admin console answers 401
  // api_key_owner_disabled: the reference has no code for it, and it is the caller's standing that
  // changed, not a broken store (which stays 500 api_key_owner_invalid).
  Expected<const CallerKey*> authenticate(std::string_view presented_key) const;

  std::size_t size() const { return by_public_id_.size(); }

 private:
  std::unordered_map<std::string, CallerKey> by_public_id_;
};

}  // namespace sluice::access
