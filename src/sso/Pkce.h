// Pkce: the random values of an authorization-code login and the PKCE challenge (RFC 7636).
//
// A login needs unguessable one-time values — `state` (binds the callback to the login that
// started it), `nonce` (binds the id_token to it) and the PKCE `code_verifier` (proves to the token
// endpoint that whoever redeems the code is whoever asked for it). All three come from
// random_url_token() (core/Digest.h): CSPRNG bytes in unpadded base64url, safe in a URL without
// escaping. The base64url codec itself is core/Base64Url.h.
#pragma once

#include "core/Base64Url.h"
#include "core/Digest.h"

#include <string>
#include <string_view>

namespace sluice::sso {

// BASE64URL(SHA-256(ASCII(verifier))), the `code_challenge` for code_challenge_method=S256.
std::string pkce_challenge_s256(std::string_view verifier);

}  // namespace sluice::sso
