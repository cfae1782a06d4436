// UpstreamAuthenticator: puts a provider's credentials on a fully built upstream request.
//
// It runs last, after providers/ has built the URL, body and every other header
// (../shared/reference/api.md §5.1): a signature such as AWS SigV4 covers the final body and
// headers, and auth must override any Authorization or x-api-key an admin set through
// default_headers or extra_headers. authorize() is a coroutine because credentials may have to be
// fetched first (the AWS default credential chain, Google ID tokens); a static bearer token simply
// never suspends. One authenticator is built per (provider, route) and may be shared by concurrent
// requests, so authorize() touches nothing but the request it is given.
//
// Secrets leave their config::Secret only through reveal(), at the moment they are written into a
// header; no error message ever carries one.
#pragma once

#include "config/GatewayConfig.h"
#include "core/GatewayError.h"
#include "upstream/UpstreamRequest.h"

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>

namespace sluice::auth {

class AwsCredentialCache;

class UpstreamAuthenticator {
 public:
  virtual ~UpstreamAuthenticator();

  // nullopt: `request` is ready to send. Otherwise why it cannot be sent (and it must not be).
  virtual boost::asio::awaitable<std::optional<GatewayError>> authorize(
      upstream::UpstreamRequest& request) = 0;
};

// For providers configured without auth (openai_compat with no `auth` block): sends the request as
// built. Headers an admin configured, an Authorization among them, stay: with no gateway-held
// credential there is nothing for auth to win over, and that is how a server with an unusual
// scheme is reached.
class NoAuthenticator final : public UpstreamAuthenticator {
 public:
  boost::asio::awaitable<std::optional<GatewayError>> authorize(
      upstream::UpstreamRequest& request) override;
};

// A static token in one header: `Authorization: Bearer <token>` for OpenAI-shaped APIs, or the bare
// token in `x-api-key` for Anthropic-shaped ones (Bedrock mantle_anthropic_messages).
class BearerAuthenticator final : public UpstreamAuthenticator {
 public:
  enum class TokenForm {
    kBearer,  // "Bearer <token>"
    kBare,    // "<token>"
  };

  BearerAuthenticator(config::Secret token, std::string header_name = "Authorization",
                      TokenForm form = TokenForm::kBearer);

  // Removes every Authorization and x-api-key header (and any header of this authenticator's name),
  // then appends its own, so the credential is the last header and the only one.
  boost::asio::awaitable<std::optional<GatewayError>> authorize(
      upstream::UpstreamRequest& request) override;

  const std::string& header_name() const { return header_name_; }
  TokenForm form() const { return form_; }

 private:
  config::Secret token_;
  std::string header_name_;
  TokenForm form_;
};

// Refuses every request with a fixed error. Stands in for auth schemes not built yet, so a route
// that needs one fails clearly at request time instead of reaching the provider unauthenticated.
class RefusingAuthenticator final : public UpstreamAuthenticator {
 public:
  explicit RefusingAuthenticator(GatewayError why);

  boost::asio::awaitable<std::optional<GatewayError>> authorize(
      upstream::UpstreamRequest& request) override;

  const GatewayError& why() const { return why_; }

 private:
  GatewayError why_;
};

// The authenticator a (provider, route) pair needs:
//   openai_compat with auth.token            Bearer, Authorization
//   openai_compat without auth               NoAuthenticator
//   aws_bedrock auth.mode bearer             Bearer, Authorization; for api_style
//                                            mantle_anthropic_messages the bare token in x-api-key
//   aws_bedrock static_credentials           SigV4 with the configured keys
//   aws_bedrock default_chain                SigV4 with credentials from `default_chain`, the
//                                            provider's credential cache (shared by its routes)
//   any other provider type                  Refusing, 501 not_implemented_error /
//                                            provider_not_implemented
// Never null.
std::shared_ptr<UpstreamAuthenticator> authenticator_for(
    const config::ProviderConfig& provider, const config::RouteConfig& route,
    const std::shared_ptr<AwsCredentialCache>& default_chain = nullptr);

}  // namespace sluice::auth
