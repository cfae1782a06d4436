// OidcClient: single sign-on with an OpenID Connect provider (auth.oidc.providers[]), by the
// authorization code flow with PKCE (S256) and a nonce.
//
//   start()   discovery → a PendingSsoLogin whose authorization_url carries response_type=code,
//             client_id, redirect_uri, scope, state, nonce and the PKCE challenge. The caller
//             stores the pending login under its state and redirects the browser.
//   finish()  the code is redeemed at the token endpoint (client_secret_basic, the PKCE verifier)
//             and the id_token in the answer is verified (sso/Jwt.h: signature against the JWKS,
//             iss, aud/azp, exp/iat/nbf, the nonce) → the SsoIdentity. Refused without an `email`
//             claim, or when `email_verified` is present and false.
//
// The discovery document ({issuer_url}/.well-known/openid-configuration; its `issuer` must be the
// configured one, up to a trailing slash) and the JWKS are cached per issuer for `metadata_ttl`;
// an id_token whose `kid` is not in the cached JWKS makes the client fetch the JWKS once more
// (providers rotate keys). Failures are not cached.
//
// Every refusal is GatewayError::sso_failed; messages never carry the code, tokens or the secret.
//
// Threading: like the UpstreamClient it sends with, one client per I/O thread, used only from
// coroutines on that thread (the cache is unsynchronised). Arguments are taken by reference and
// must stay alive until the call completes — bind them to locals and co_await at once.
#pragma once

#include "config/GatewayConfig.h"
#include "core/Expected.h"
#include "sso/SsoLogin.h"
#include "upstream/UpstreamDeadlines.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace sluice::upstream {
class UpstreamClient;
}

namespace sluice::sso {

using SsoClock = std::function<std::chrono::system_clock::time_point()>;

// What discovery says about a provider, checked.
struct OidcProviderMetadata {
  std::string issuer;  // exactly as the provider writes it: id_tokens' `iss` must equal it
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
};

struct OidcClientOptions {
  std::chrono::seconds metadata_ttl{3600};
  upstream::UpstreamDeadlines deadlines = upstream::UpstreamDeadlines::for_total(std::chrono::seconds(10));
  std::chrono::seconds leeway{60};  // clock skew allowed on exp, iat and nbf
  SsoClock now = [] { return std::chrono::system_clock::now(); };
};

class OidcClient {
 public:
  explicit OidcClient(upstream::UpstreamClient& http, OidcClientOptions options = {});

  // `redirect_uri` is the gateway's callback URL; finish() must be given the same one.
  boost::asio::awaitable<Expected<PendingSsoLogin>> start(const config::OidcProviderConfig& provider,
                                                          const std::string& redirect_uri);

  // `pending` is what start() answered for this login (looked up by the callback's state); `code`
  // is the callback's code.
  boost::asio::awaitable<Expected<SsoIdentity>> finish(const config::OidcProviderConfig& provider,
                                                       const std::string& redirect_uri,
                                                       const PendingSsoLogin& pending, const std::string& code);

 private:
  struct ProviderKeys {
    OidcProviderMetadata metadata;
    boost::json::value jwks;
    std::chrono::system_clock::time_point fetched_at;
  };
  using ProviderKeysPtr = std::shared_ptr<const ProviderKeys>;

  // The cached discovery document and JWKS of the provider's issuer, fetched when absent or stale
  // (or always, with `refresh_jwks`, keeping a fresh discovery document).
  boost::asio::awaitable<Expected<ProviderKeysPtr>> provider_keys(const config::OidcProviderConfig& provider,
                                                                  bool refresh_jwks);
  boost::asio::awaitable<Expected<OidcProviderMetadata>> discover(const config::OidcProviderConfig& provider);
  boost::asio::awaitable<Expected<boost::json::value>> fetch_jwks(const config::OidcProviderConfig& provider,
                                                                  const std::string& jwks_uri);

  upstream::UpstreamClient& http_;
  OidcClientOptions options_;
  std::map<std::string, ProviderKeysPtr> cache_;  // by configured issuer_url
};

// Checks a discovery document for `configured_issuer`: a JSON object whose `issuer` is the
// configured one (a trailing slash aside) and whose three endpoints are http(s) URLs.
Expected<OidcProviderMetadata> read_discovery_document(const boost::json::value& document,
                                                       const std::string& configured_issuer);

// The identity in verified id_token claims; refused without an email, or with email_verified false.
Expected<SsoIdentity> identity_from_id_token_claims(const boost::json::object& claims);

}  // namespace sluice::sso
