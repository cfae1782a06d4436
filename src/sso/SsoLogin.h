// SsoLogin: the two plain values a single sign-on login passes around.
//
// A login is two requests apart. start() makes a PendingSsoLogin: the caller sends the browser to
// its `authorization_url` and keeps the rest (in the database, keyed by `state`) until the identity
// provider sends the browser back to the callback with `code` and `state`. The caller then looks
// the pending login up by that state — which is what proves the callback belongs to a login this
// gateway started — and hands it to finish(), which answers the SsoIdentity the provider vouched
// for. Nothing here is stored by sso/ itself.
//
// `code_verifier` and `nonce` are login secrets: keep them server-side and out of logs.
#pragma once

#include <string>

namespace sluice::sso {

struct PendingSsoLogin {
  std::string provider_kind;      // "oidc" or "oauth"
  std::string provider_key;       // OidcProviderConfig::key / OAuthProviderConfig::key
  std::string state;              // random_url_token(): the callback's `state`, the storage key
  std::string nonce;              // random_url_token() for OIDC; empty for GitHub
  std::string code_verifier;      // PKCE verifier; its S256 challenge went to the provider
  std::string authorization_url;  // where to send the browser
};

struct SsoIdentity {
  std::string subject;          // the provider's stable id: OIDC `sub`, GitHub's numeric user id
  std::string email;            // lower-cased
  bool email_verified = false;  // true only when the provider says the address is verified
  std::string name;             // display name; may be empty (OIDC) or the login (GitHub)
};

}  // namespace sluice::sso
