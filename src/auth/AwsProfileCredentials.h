// AwsProfileCredentials: the second source of the default chain, a profile of the shared config
// and credentials files (see AwsProfileFile.h for where they are and how they are read).
//
// The profile is AWS_PROFILE (else `default`). What it yields, first match wins — the AWS SDKs'
// order:
//   1. role_arn + web_identity_token_file   STS AssumeRoleWithWebIdentity (unsigned)
//   2. role_arn + source_profile            the source profile's credentials (resolved by these
//                                           same rules, so roles chain; a profile naming itself
//                                           uses its own static keys), then STS AssumeRole
//                                           signed with them; role_session_name (else generated),
//                                           duration_seconds and external_id are passed on
//   3. role_arn + credential_source         Environment, EcsContainer or Ec2InstanceMetadata: that
//                                           source's credentials, then STS AssumeRole
//   4. aws_access_key_id + aws_secret_access_key (+ aws_session_token): the credentials file's
//                                           keys, else the config file's (a pair is never mixed
//                                           across the files)
//   5. credential_process                   run without a shell (AwsCredentialProcess.h)
// STS is called in sts_region() for the profile, at sts_endpoint(). The files are re-read on
// every load, so a rotated ~/.aws/credentials is picked up at the next refresh.
#pragma once

#include "auth/AwsCredentialSource.h"
#include "auth/AwsProfileFile.h"

#include <set>

namespace sluice::auth {

class AwsProfileCredentials final : public AwsCredentialSource {
 public:
  explicit AwsProfileCredentials(AwsCredentialContext context);

  std::string_view name() const override { return "shared files"; }
  boost::asio::awaitable<Expected<AwsCredentials>> load() override;

 private:
  // The credentials of `profile`; `visited` guards against source_profile cycles.
  boost::asio::awaitable<Expected<AwsCredentials>> resolve(const AwsProfileFiles& files,
                                                           std::string profile,
                                                           std::set<std::string> visited);
  boost::asio::awaitable<Expected<AwsCredentials>> credential_source(const std::string& source,
                                                                     const std::string& profile);
  Expected<AwsCredentials> static_keys(const AwsProfileFiles& files, const std::string& profile) const;

  AwsCredentialContext context_;
};

}  // namespace sluice::auth
