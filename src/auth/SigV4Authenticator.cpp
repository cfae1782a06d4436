#include "auth/SigV4Authenticator.h"

namespace sluice::auth {

SigV4Authenticator::SigV4Authenticator(SigV4Signer signer,
                                       std::shared_ptr<AwsCredentialCache> credentials)
    : signer_(std::move(signer)), cache_(std::move(credentials)) {}

SigV4Authenticator::SigV4Authenticator(SigV4Signer signer, AwsCredentials fixed_credentials)
    : signer_(std::move(signer)), fixed_(std::move(fixed_credentials)) {}

namespace {

// The signer refuses a request it cannot sign (not an absolute URL, empty credentials) before
// touching it; its message names neither the URL nor a credential.
std::optional<GatewayError> sign(const SigV4Signer& signer, upstream::UpstreamRequest& request,
                                 const AwsCredentials& credentials) {
  try {
    signer.sign(request, credentials, std::chrono::system_clock::now());
    return std::nullopt;
  } catch (const std::invalid_argument& unusable) {
    return GatewayError{500, "internal_error", "internal_error", std::nullopt,
                        std::string("cannot sign the upstream request: ") + unusable.what()};
  }
}

}  // namespace

boost::asio::awaitable<std::optional<GatewayError>> SigV4Authenticator::authorize(
    upstream::UpstreamRequest& request) {
  if (fixed_) co_return sign(signer_, request, *fixed_);
  auto credentials = co_await cache_->get();
  if (!credentials) co_return credentials.error();
  co_return sign(signer_, request, *credentials);
}

}  // namespace sluice::auth
