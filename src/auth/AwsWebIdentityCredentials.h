// AwsWebIdentityCredentials: the third source of the default chain, a web identity token exchanged
// with STS (EKS IRSA, GitHub Actions OIDC and the like).
//
// AWS_WEB_IDENTITY_TOKEN_FILE names a file holding an OIDC token, AWS_ROLE_ARN the role to assume,
// AWS_ROLE_SESSION_NAME optionally the session name (else a generated one). The token file is read
// afresh on every load — the orchestrator rotates it — and sent to STS AssumeRoleWithWebIdentity,
// an unsigned call. A profile's `web_identity_token_file` + `role_arn` takes the same path through
// assume_role_with_web_identity_file().
#pragma once

#include "auth/AwsCredentialSource.h"
#include "auth/AwsProfileFile.h"

namespace sluice::auth {

class AwsWebIdentityCredentials final : public AwsCredentialSource {
 public:
  explicit AwsWebIdentityCredentials(AwsCredentialContext context);

  std::string_view name() const override { return "web identity"; }
  boost::asio::awaitable<Expected<AwsCredentials>> load() override;

 private:
  AwsCredentialContext context_;
};

struct AwsWebIdentitySettings {
  std::string token_file;
  std::string role_arn;
  std::optional<std::string> role_session_name;
  std::optional<int> duration_seconds;
};

// Reads the token from `settings.token_file` and calls STS in sts_region(context, profile).
boost::asio::awaitable<Expected<AwsCredentials>> assume_role_with_web_identity_file(
    const AwsCredentialContext& context, AwsWebIdentitySettings settings, const AwsProfile* profile);

}  // namespace sluice::auth
