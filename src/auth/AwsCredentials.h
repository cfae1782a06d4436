// AwsCredentials: one set of AWS credentials, as a credential source produced them.
//
// Static keys have no expiration; temporary ones (STS, container, instance metadata,
// credential_process) carry one and are refreshed ahead of it. `source` names where they came from
// ("environment", "shared-credentials-file:profile default", "sts-assume-role", ...) for logs and
// errors; it never holds a secret.
#pragma once

#include "config/Secret.h"

#include <chrono>
#include <optional>
#include <string>

namespace sluice::auth {

struct AwsCredentials {
  config::Secret access_key_id;
  config::Secret secret_access_key;
  std::optional<config::Secret> session_token;
  std::optional<std::chrono::system_clock::time_point> expiration;
  std::string source;

  bool expires_before(std::chrono::system_clock::time_point moment) const {
    return expiration && *expiration <= moment;
  }
};

}  // namespace sluice::auth
