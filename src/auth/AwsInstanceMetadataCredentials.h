// AwsInstanceMetadataCredentials: the last source of the default chain, the EC2 instance's role
// through the instance metadata service (IMDSv2).
//
// Three calls, as the SDKs make them:
//   PUT /latest/api/token                                  X-aws-ec2-metadata-token-ttl-seconds: 21600
//   GET /latest/meta-data/iam/security-credentials/        X-aws-ec2-metadata-token: <token> → role name
//   GET /latest/meta-data/iam/security-credentials/<role>  same header → JSON {Code, AccessKeyId,
//                                                          SecretAccessKey, Token, Expiration}
// A 403 to the token PUT is final; a 404 or 405 means an IMDSv1-only endpoint, asked without a
// token unless AWS_EC2_METADATA_V1_DISABLED=true. AWS_EC2_METADATA_DISABLED=true turns the source
// off. The endpoint is AWS_EC2_METADATA_SERVICE_ENDPOINT, else http://[fd00:ec2::254] when
// AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6, else http://169.254.169.254. Each call may take
// AWS_METADATA_SERVICE_TIMEOUT seconds (default 1: off EC2 nothing answers, and the chain must
// not stall long on that) and is tried AWS_METADATA_SERVICE_NUM_ATTEMPTS times (default 1).
#pragma once

#include "auth/AwsCredentialSource.h"

namespace sluice::auth {

class AwsInstanceMetadataCredentials final : public AwsCredentialSource {
 public:
  explicit AwsInstanceMetadataCredentials(AwsCredentialContext context);

  std::string_view name() const override { return "instance metadata"; }
  boost::asio::awaitable<Expected<AwsCredentials>> load() override;

 private:
  AwsCredentialContext context_;
};

}  // namespace sluice::auth
