// GitHubOAuthClient: single sign-on with GitHub's OAuth apps (auth.oauth.providers[], the only
// provider_type the reference accepts), by the authorization code flow with PKCE (S256).
//
//   start()   a PendingSsoLogin (no nonce: GitHub issues no id_token) whose authorization_url is
//             {base}/login/oauth/authorize?client_id&redirect_uri&scope&state&code_challenge&
//             code_challenge_method=S256.
//   finish()  POST {base}/login/oauth/access_token (form: client_id, client_secret, code,
//             redirect_uri, code_verifier; Accept: application/json), then GET {api}/user and
//             {api}/user/emails with the access token. The identity is the user's numeric id, their
//             primary email and their name (or login). Refused when there is no primary email, when
//             it is unverified and sso_email_verification_enabled, or when allowed_email_domains is
//             not empty and does not hold the email's domain (exact match, lower-cased).
//
// GitHub answers a bad code with HTTP 200 and {"error": "bad_verification_code"}; that is a refusal
// like any other. Every refusal is GatewayError::sso_failed; messages never carry the code, the
// access token or the client secret.
//
// Threading and arguments: as OidcClient (one per I/O thread; references must outlive the call).
#pragma once

#include "config/GatewayConfig.h"
#include "core/Expected.h"
#include "sso/SsoLogin.h"
#include "upstream/UpstreamDeadlines.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include <string>

namespace sluice::upstream {
class UpstreamClient;
}

namespace sluice::sso {

// Where GitHub is: github.com, or a GitHub Enterprise Server (https://ghe.example.com and
// https://ghe.example.com/api/v3), or a test's fake.
struct GitHubEndpoints {
  std::string base_url = "https://github.com";          // /login/oauth/...
  std::string api_base_url = "https://api.github.com";  // /user, /user/emails

  // The defaults, overridden by SLUICE_GITHUB_BASE_URL and SLUICE_GITHUB_API_BASE_URL when set
  // and non-empty (trailing slashes dropped).
  static GitHubEndpoints from_environment();
};

class GitHubOAuthClient {
 public:
  // `endpoints` is read once, here; the default reads the environment.
  explicit GitHubOAuthClient(upstream::UpstreamClient& http,
                             GitHubEndpoints endpoints = GitHubEndpoints::from_environment(),
                             upstream::UpstreamDeadlines deadlines =
                                 upstream::UpstreamDeadlines::for_total(std::chrono::seconds(10)));

  boost::asio::awaitable<Expected<PendingSsoLogin>> start(const config::OAuthProviderConfig& provider,
                                                          const std::string& redirect_uri);

  boost::asio::awaitable<Expected<SsoIdentity>> finish(const config::OAuthProviderConfig& provider,
                                                       const std::string& redirect_uri,
                                                       const PendingSsoLogin& pending, const std::string& code);

  const GitHubEndpoints& endpoints() const { return endpoints_; }

 private:
  boost::asio::awaitable<Expected<boost::json::value>> api_get(const config::OAuthProviderConfig& provider,
                                                               const std::string& path,
                                                               const std::string& access_token);

  upstream::UpstreamClient& http_;
  GitHubEndpoints endpoints_;
  upstream::UpstreamDeadlines deadlines_;
};

// The identity in GitHub's /user and /user/emails answers, checked against the provider's rules.
Expected<SsoIdentity> github_identity(const config::OAuthProviderConfig& provider, const boost::json::value& user,
                                      const boost::json::value& emails);

}  // namespace sluice::sso
