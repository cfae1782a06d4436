// Jwt: checks an OpenID Connect id_token — a compact JWS — against the identity provider's keys.
//
// verify_id_token() is the whole check, in this order:
//   1. parse_jws(): three base64url parts, a JSON object header and payload;
//   2. the header's `alg` is RS256 or ES256 — `none`, the HMAC family (a public key must never
//      be used as a shared secret), anything else, and a `crit` header are refused;
//   3. find_signing_key(): the JWK with the header's `kid`, or the only suitable key when the
//      header names none (right `kty`, `use` absent or `sig`, `alg` absent or equal);
//   4. the signature: RS256 is RSASSA-PKCS1-v1_5 with SHA-256 and a modulus of at least 2048 bits;
//      ES256 is ECDSA P-256 with SHA-256, its signature the raw 64-byte r||s of RFC 7518 §3.4;
//   5. check_id_token_claims(): `iss`, `aud`/`azp`, `exp`/`iat`/`nbf` with leeway, `nonce`, `sub`.
//
// Every refusal is GatewayError::sso_failed with a message saying which check failed; no message
// carries the token or any part of it beyond the claim it is about.
#pragma once

#include "core/Expected.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::sso {

// A compact JWS, split and decoded; nothing is verified yet.
struct Jws {
  boost::json::object header;
  boost::json::object payload;  // the claims
  std::string signing_input;    // "<base64url header>.<base64url payload>", as received
  std::string signature;        // the decoded signature bytes
  std::string alg;              // header `alg` ("" when absent or not a string)
  std::optional<std::string> kid;
};

// Splits and decodes `compact`; refuses anything that is not three base64url parts with JSON
// object header and payload.
Expected<Jws> parse_jws(std::string_view compact);

// RS256 or ES256: the algorithms verify_jws_signature() accepts.
bool is_supported_jws_alg(std::string_view alg);

// The key in `jwks` ({"keys": [...]}) that should verify `jws`, or nullptr when there is none —
// the cue to fetch the key set again, since providers rotate keys.
const boost::json::object* find_signing_key(const boost::json::value& jwks, const Jws& jws);

// nullopt when `jws` carries an accepted algorithm and its signature verifies with a key of `jwks`;
// otherwise why not.
std::optional<GatewayError> verify_jws_signature(const Jws& jws, const boost::json::value& jwks);

struct IdTokenExpectations {
  std::string issuer;     // `iss` must equal it exactly
  std::string client_id;  // must be in `aud`; `azp`, when present, must equal it
  std::string nonce;      // `nonce` must equal it (checked whenever this is non-empty)
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  std::chrono::seconds leeway{60};  // clock skew allowed on exp, iat and nbf
};

// Checks the claims of an id_token whose signature has been verified; answers them unchanged.
Expected<boost::json::object> check_id_token_claims(const boost::json::object& claims,
                                                    const IdTokenExpectations& expected);

// parse_jws + verify_jws_signature + check_id_token_claims: the claims of a valid id_token.
Expected<boost::json::object> verify_id_token(std::string_view compact, const boost::json::value& jwks,
                                              const IdTokenExpectations& expected);

}  // namespace sluice::sso
