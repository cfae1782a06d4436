// AwsCredentialChain: the AWS SDKs' default credential provider chain, and how the gateway gets
// credentials for a provider.
//
// The chain asks its sources in order — (1) environment, (2) shared files (profile), (3) web
// identity, (4) container endpoint, (5) EC2 instance metadata — and the first that yields
// credentials wins; which one it settled on is logged (by name) when that changes. When none
// does, the error (502 upstream_error / upstream_credentials) lists every source and why it had
// nothing, e.g.
//   no AWS credentials: environment: AWS_ACCESS_KEY_ID not set; shared files: profile `default`
//   not found in ~/.aws/credentials or ~/.aws/config; web identity: AWS_WEB_IDENTITY_TOKEN_FILE
//   not set; container: neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor ..._FULL_URI set;
//   instance metadata: connecting to 169.254.169.254:80 timed out: ...
// Every load walks the chain again from the top, as the SDKs' default chain does.
//
// For a provider the gateway calls make_default_chain(region, env) once and keeps the cache:
//   auto credentials = co_await cache->get();   // any I/O thread; refreshed ahead of expiry
#pragma once

#include "auth/AwsCredentialCache.h"
#include "auth/AwsCredentialSource.h"

#include <memory>
#include <string>
#include <vector>

namespace sluice::auth {

class AwsCredentialChain final : public AwsCredentialSource {
 public:
  explicit AwsCredentialChain(std::vector<std::unique_ptr<AwsCredentialSource>> sources);

  // The five sources above, in that order, all seeing `context`.
  static std::unique_ptr<AwsCredentialChain> default_chain(const AwsCredentialContext& context);

  std::string_view name() const override { return "default chain"; }
  boost::asio::awaitable<Expected<AwsCredentials>> load() override;

  const std::vector<std::unique_ptr<AwsCredentialSource>>& sources() const { return sources_; }

 private:
  std::vector<std::unique_ptr<AwsCredentialSource>> sources_;
  std::string settled_on_;  // the source that last won, so a change is logged once
};

// The default chain behind a cache with its own credentials thread. `region` is the provider's
// region (STS's region when neither the environment nor the profile names one); `env` is where
// every AWS_* variable and HOME are looked up (the process environment in the gateway).
// `options.now` is also the sources' clock.
std::shared_ptr<AwsCredentialCache> make_default_chain(std::string region,
                                                       AwsEnvironmentLookup env = aws_process_environment(),
                                                       AwsCredentialCacheOptions options = {});

}  // namespace sluice::auth
