// AwsContainerCredentials: the fourth source of the default chain, the credentials endpoint that
// ECS, Fargate and EKS Pod Identity run next to a container.
//
// Where to ask:
//   AWS_CONTAINER_CREDENTIALS_RELATIVE_URI   http://169.254.170.2 + the path (ECS); wins when set
//   AWS_CONTAINER_CREDENTIALS_FULL_URI       any URL whose host is loopback (127.0.0.0/8, ::1,
//                                            localhost), the ECS (169.254.170.2) or EKS
//                                            (169.254.170.23, fd00:ec2::23) link-local address —
//                                            or any https URL. Others are refused, as the SDKs
//                                            refuse them: the token must not go to an arbitrary host.
// The Authorization header comes from the file named by AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
// (read afresh on each load: EKS rotates it; it wins when both are set) or from
// AWS_CONTAINER_AUTHORIZATION_TOKEN. The answer is JSON {AccessKeyId, SecretAccessKey, Token,
// Expiration}. A transport failure or 5xx is tried once more (the endpoint is local and
// occasionally not up yet); 4xx is final.
#pragma once

#include "auth/AwsCredentialSource.h"

namespace sluice::auth {

class AwsContainerCredentials final : public AwsCredentialSource {
 public:
  explicit AwsContainerCredentials(AwsCredentialContext context);

  std::string_view name() const override { return "container"; }
  boost::asio::awaitable<Expected<AwsCredentials>> load() override;

 private:
  AwsCredentialContext context_;
};

// Whether AWS_CONTAINER_CREDENTIALS_FULL_URI may be `url` (see above). Exposed for tests.
bool container_endpoint_allowed(std::string_view url);

}  // namespace sluice::auth
