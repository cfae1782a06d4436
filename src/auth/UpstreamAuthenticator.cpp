#include "auth/UpstreamAuthenticator.h"

#include "auth/SigV4Authenticator.h"
#include "config/EnumNames.h"

#include <fmt/format.h>

namespace sluice::auth {

namespace {

GatewayError provider_not_implemented(std::string message) {
  return {501, "not_implemented_error", "provider_not_implemented", std::nullopt,
          std::move(message)};
}

std::shared_ptr<UpstreamAuthenticator> refusing(GatewayError why) {
  return std::make_shared<RefusingAuthenticator>(std::move(why));
}

std::shared_ptr<UpstreamAuthenticator> openai_compat_authenticator(
    const config::ProviderConfig& provider) {
  if (!provider.openai_compat) return refusing(GatewayError::internal());  // config guarantees it
  if (!provider.openai_compat->bearer_token) return std::make_shared<NoAuthenticator>();
  return std::make_shared<BearerAuthenticator>(*provider.openai_compat->bearer_token);
}

std::shared_ptr<UpstreamAuthenticator> bedrock_authenticator(
    const config::ProviderConfig& provider, const config::RouteConfig& route,
    const std::shared_ptr<AwsCredentialCache>& default_chain) {
  if (!provider.aws_bedrock) return refusing(GatewayError::internal());  // config guarantees it
  const config::AwsBedrockProvider& bedrock = *provider.aws_bedrock;
  if (bedrock.auth_mode == config::AwsAuthMode::kStaticCredentials) {
    if (!bedrock.access_key_id || !bedrock.secret_access_key) return refusing(GatewayError::internal());
    AwsCredentials fixed{*bedrock.access_key_id, *bedrock.secret_access_key, bedrock.session_token,
                         std::nullopt, "static_credentials"};
    return std::make_shared<SigV4Authenticator>(
        SigV4Signer(bedrock.region, bedrock.signing_service()), std::move(fixed));
  }
  if (bedrock.auth_mode == config::AwsAuthMode::kDefaultChain) {
    if (!default_chain) return refusing(GatewayError::internal());  // the caller makes one per provider
    return std::make_shared<SigV4Authenticator>(
        SigV4Signer(bedrock.region, bedrock.signing_service()), default_chain);
  }
  if (!bedrock.bearer_token) return refusing(GatewayError::internal());  // config guarantees it
  const bool anthropic_messages =
      route.compatibility.aws_bedrock && route.compatibility.aws_bedrock->api_style ==
                                             config::BedrockApiStyle::kMantleAnthropicMessages;
  if (anthropic_messages) {
    return std::make_shared<BearerAuthenticator>(*bedrock.bearer_token, "x-api-key",
                                                 BearerAuthenticator::TokenForm::kBare);
  }
  return std::make_shared<BearerAuthenticator>(*bedrock.bearer_token);
}

}  // namespace

UpstreamAuthenticator::~UpstreamAuthenticator() = default;

boost::asio::awaitable<std::optional<GatewayError>> NoAuthenticator::authorize(
    upstream::UpstreamRequest& /*request*/) {
  co_return std::nullopt;
}

BearerAuthenticator::BearerAuthenticator(config::Secret token, std::string header_name,
                                         TokenForm form)
    : token_(std::move(token)), header_name_(std::move(header_name)), form_(form) {}

boost::asio::awaitable<std::optional<GatewayError>> BearerAuthenticator::authorize(
    upstream::UpstreamRequest& request) {
  // Removing rather than overwriting matters twice: set_header would replace an admin's header
  // where it stands (auth must come last), and a credential left in the *other* header would
  // reach the provider alongside ours.
  request.remove_header("Authorization");
  request.remove_header("x-api-key");
  request.remove_header(header_name_);
  const std::string& token = token_.reveal();
  request.set_header(header_name_, form_ == TokenForm::kBearer ? "Bearer " + token : token);
  co_return std::nullopt;
}

RefusingAuthenticator::RefusingAuthenticator(GatewayError why) : why_(std::move(why)) {}

boost::asio::awaitable<std::optional<GatewayError>> RefusingAuthenticator::authorize(
    upstream::UpstreamRequest& /*request*/) {
  co_return why_;
}

std::shared_ptr<UpstreamAuthenticator> authenticator_for(
    const config::ProviderConfig& provider, const config::RouteConfig& route,
    const std::shared_ptr<AwsCredentialCache>& default_chain) {
  switch (provider.type) {
    case config::ProviderType::kOpenAICompat: return openai_compat_authenticator(provider);
    case config::ProviderType::kAwsBedrock: return bedrock_authenticator(provider, route, default_chain);
    case config::ProviderType::kGcpCloudRunOpenAICompat:
    case config::ProviderType::kGcpVertex:
    case config::ProviderType::kGithubCopilot: break;
  }
  return refusing(provider_not_implemented(
      fmt::format("authentication for provider type `{}` is not implemented yet",
                  config::to_string(provider.type))));
}

}  // namespace sluice::auth
