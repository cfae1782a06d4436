#include "auth/AwsEnvironmentCredentials.h"

#include "auth/AwsCredentialDocument.h"

namespace sluice::auth {

AwsEnvironmentCredentials::AwsEnvironmentCredentials(AwsCredentialContext context)
    : context_(std::move(context)) {}

boost::asio::awaitable<Expected<AwsCredentials>> AwsEnvironmentCredentials::load() {
  co_return load_now();
}

Expected<AwsCredentials> AwsEnvironmentCredentials::load_now() const {
  auto access_key = context_.variable("AWS_ACCESS_KEY_ID");
  auto secret_key = context_.variable("AWS_SECRET_ACCESS_KEY");
  if (!access_key && !secret_key) return credentials_unavailable("AWS_ACCESS_KEY_ID not set");
  if (!access_key) {
    return credentials_unavailable("AWS_ACCESS_KEY_ID not set (AWS_SECRET_ACCESS_KEY is)");
  }
  if (!secret_key) {
    return credentials_unavailable("AWS_SECRET_ACCESS_KEY not set (AWS_ACCESS_KEY_ID is)");
  }
  AwsCredentials credentials;
  credentials.access_key_id = config::Secret(std::move(*access_key));
  credentials.secret_access_key = config::Secret(std::move(*secret_key));
  if (auto token = context_.variable("AWS_SESSION_TOKEN")) {
    credentials.session_token = config::Secret(std::move(*token));
  }
  if (auto expiration = context_.variable("AWS_CREDENTIAL_EXPIRATION")) {
    auto when = parse_aws_timestamp(*expiration);
    if (!when) return credentials_unavailable("AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time");
    credentials.expiration = *when;
  }
  credentials.source = "environment";
  return credentials;
}

}  // namespace sluice::auth
