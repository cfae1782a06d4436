// GatewayState: one loaded configuration together with the indexes built from it.
//
// Everything a request needs to resolve its model and reach a route is here (caller keys live in
// the store: access/KeyDirectory), built once when the config is loaded and immutable afterwards; a reload builds a new GatewayState and swaps the pointer, and
// requests already running keep the one they started with.
#pragma once

#include "auth/AwsCredentialCache.h"
#include "auth/UpstreamAuthenticator.h"
#include "config/GatewayConfig.h"
#include "routing/CircuitBreaker.h"
#include "routing/ModelCatalog.h"

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

namespace sluice::api {

struct GatewayState {
  explicit GatewayState(std::shared_ptr<const config::GatewayConfig> loaded);

  std::shared_ptr<const config::GatewayConfig> config;
  routing::ModelCatalog models;
  std::int64_t loaded_at_unix = 0;  // `created` of the models listed by /v1/models

  // How requests on a route authenticate to its upstream. Built once per route, so credential
  // caches (SigV4 signing keys, temporary credentials) live as long as the configuration.
  auth::UpstreamAuthenticator& authenticator_for(const config::RouteConfig& route) const;

  // The passive circuit breaker of a route (routing/CircuitBreaker.h), shared by every I/O thread
  // for as long as this configuration is loaded.
  routing::CircuitBreaker& breaker_for(const config::RouteConfig& route) const;

  // The AWS credential caches of the default_chain providers (each loads off the I/O threads).
  struct ProviderCredentials {
    std::string provider_id;
    std::shared_ptr<auth::AwsCredentialCache> cache;
  };
  const std::vector<ProviderCredentials>& credential_caches() const { return credential_caches_; }

 private:
  std::unordered_map<const config::RouteConfig*, std::shared_ptr<auth::UpstreamAuthenticator>>
      authenticators_;
  std::vector<ProviderCredentials> credential_caches_;
  std::unordered_map<const config::RouteConfig*, std::unique_ptr<routing::CircuitBreaker>> breakers_;
};

}  // namespace sluice::api
