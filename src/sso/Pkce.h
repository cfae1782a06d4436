// Pkce: the random values of an authorization-code login and the PKCE challenge (RFC 7636).
//
// A login needs unguessable one-time values — `state` (binds the callback to the login that
// started it), `nonce` (binds the id_token to it) and the PKCE `code_verifier` (proves to the token
// endpoint that whoever redeems the code is whoever asked for it). All three come from
// random_url_token(): CSPRNG bytes in unpadded base64url, safe in a URL without escaping.
//
// Also here: the base64url codec (RFC 4648 §5, no padding) that JWS uses too.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::sso {

// `bytes` random bytes (OpenSSL RAND_bytes) as unpadded base64url: 32 bytes → 43 characters.
// Throws std::runtime_error when the CSPRNG fails.
std::string random_url_token(std::size_t bytes = 32);

// BASE64URL(SHA-256(ASCII(verifier))), the `code_challenge` for code_challenge_method=S256.
std::string pkce_challenge_s256(std::string_view verifier);

// Unpadded base64url of `bytes`.
std::string base64url_encode(std::string_view bytes);

// The bytes `text` encodes, or nullopt when it is not unpadded base64url (padding, whitespace, a
// character outside the URL-safe alphabet, an impossible length, or stray bits in the last
// character are all refused).
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace sluice::sso
