#include "auth/AwsWebIdentityCredentials.h"

#include "auth/AwsStsClient.h"

#include <fmt/format.h>

namespace sluice::auth {

AwsWebIdentityCredentials::AwsWebIdentityCredentials(AwsCredentialContext context)
    : context_(std::move(context)) {}

boost::asio::awaitable<Expected<AwsCredentials>> AwsWebIdentityCredentials::load() {
  auto token_file = context_.variable("AWS_WEB_IDENTITY_TOKEN_FILE");
  if (!token_file) co_return credentials_unavailable("AWS_WEB_IDENTITY_TOKEN_FILE not set");
  auto role_arn = context_.variable("AWS_ROLE_ARN");
  if (!role_arn) {
    co_return credentials_unavailable("AWS_ROLE_ARN not set (AWS_WEB_IDENTITY_TOKEN_FILE is)");
  }
  AwsWebIdentitySettings settings{std::move(*token_file), std::move(*role_arn),
                                  context_.variable("AWS_ROLE_SESSION_NAME"), std::nullopt};
  co_return co_await assume_role_with_web_identity_file(context_, std::move(settings), nullptr);
}

boost::asio::awaitable<Expected<AwsCredentials>> assume_role_with_web_identity_file(
    const AwsCredentialContext& context, AwsWebIdentitySettings settings, const AwsProfile* profile) {
  if (context.http == nullptr) {
    co_return credentials_unavailable("web identity needs an HTTP client for STS (gateway bug)");
  }
  auto token = read_credential_file(settings.token_file);
  if (!token) {
    co_return credentials_unavailable(
        fmt::format("web identity token file {} cannot be read", settings.token_file));
  }
  // Token files commonly end in a newline that is not part of the JWT.
  while (!token->empty() && (token->back() == '\n' || token->back() == '\r' || token->back() == ' ')) {
    token->pop_back();
  }
  if (token->empty()) {
    co_return credentials_unavailable(
        fmt::format("web identity token file {} is empty", settings.token_file));
  }
  const std::string region = sts_region(context, profile);
  AwsStsClient sts(*context.http, sts_endpoint(context, region), region, context.sts_deadlines,
                   context.now);
  AwsWebIdentityParameters parameters{
      std::move(settings.role_arn),
      settings.role_session_name.value_or(generated_role_session_name(context.now())),
      config::Secret(std::move(*token)), settings.duration_seconds};
  co_return co_await sts.assume_role_with_web_identity(parameters);
}

}  // namespace sluice::auth
