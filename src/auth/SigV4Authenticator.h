// SigV4Authenticator: signs a route's upstream requests with AWS Signature Version 4.
//
// Credentials come either from a credential cache (auth.mode: default_chain — the AWS default
// chain, refreshed ahead of expiry off the I/O threads) or are fixed (auth.mode:
// static_credentials). The signer is built once per route with the provider's region and service
// (`bedrock-mantle` for Mantle, `bedrock` for the Runtime), so derived signing keys are cached for
// the life of the configuration.
#pragma once

#include "auth/AwsCredentialCache.h"
#include "auth/AwsCredentials.h"
#include "auth/SigV4Signer.h"
#include "auth/UpstreamAuthenticator.h"

#include <memory>
#include <optional>

namespace sluice::auth {

class SigV4Authenticator final : public UpstreamAuthenticator {
 public:
  SigV4Authenticator(SigV4Signer signer, std::shared_ptr<AwsCredentialCache> credentials);
  SigV4Authenticator(SigV4Signer signer, AwsCredentials fixed_credentials);

  boost::asio::awaitable<std::optional<GatewayError>> authorize(
      upstream::UpstreamRequest& request) override;

 private:
  SigV4Signer signer_;
  std::shared_ptr<AwsCredentialCache> cache_;  // default chain; null with fixed credentials
  std::optional<AwsCredentials> fixed_;
};

}  // namespace sluice::auth
