// AwsEnvironmentCredentials: the first source of the default chain, static keys in the environment.
//
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (both set and non-empty), plus AWS_SESSION_TOKEN
// when the keys are temporary. AWS_CREDENTIAL_EXPIRATION (ISO 8601), which the newer SDKs honour,
// makes them expire; without it they are static and cached for good. Nothing here blocks, but it
// runs on the credentials thread like every source.
#pragma once

#include "auth/AwsCredentialSource.h"

namespace sluice::auth {

class AwsEnvironmentCredentials final : public AwsCredentialSource {
 public:
  explicit AwsEnvironmentCredentials(AwsCredentialContext context);

  std::string_view name() const override { return "environment"; }
  boost::asio::awaitable<Expected<AwsCredentials>> load() override;

  // The same, without a coroutine: the shared-files source reuses it for credential_source.
  Expected<AwsCredentials> load_now() const;

 private:
  AwsCredentialContext context_;
};

}  // namespace sluice::auth
