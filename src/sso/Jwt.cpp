#include "sso/Jwt.h"

#include "core/JsonMembers.h"
#include "sso/Pkce.h"

#include <boost/json/parse.hpp>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

namespace sluice::sso {
namespace {

using json_members::string_if;
using json_members::string_member;

// Far above any real id_token (a few KiB), low enough that a hostile answer costs nothing.
constexpr std::size_t kMaxTokenBytes = 64 * 1024;
constexpr int kMinRsaBits = 2048;
constexpr std::size_t kP256CoordinateBytes = 32;

GatewayError refused(std::string_view why) {
  return GatewayError::sso_failed(fmt::format("the identity provider's id_token was refused: {}", why));
}

// A claim or header value fit to quote in a message: short and printable, else not quoted at all.
std::string quoted(std::string_view value) {
  if (value.size() > 200) return "(too long to show)";
  for (const char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) return "(not printable)";
  }
  return fmt::format("`{}`", value);
}

std::optional<boost::json::object> decode_json_object(std::string_view part) {
  const auto bytes = base64url_decode(part);
  if (!bytes) return std::nullopt;
  boost::system::error_code error;
  boost::json::value value = boost::json::parse(*bytes, error);
  if (error || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

struct OpenSslFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  void operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
  void operator()(BIGNUM* number) const { BN_free(number); }
  void operator()(OSSL_PARAM_BLD* builder) const { OSSL_PARAM_BLD_free(builder); }
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
  void operator()(ECDSA_SIG* signature) const { ECDSA_SIG_free(signature); }
};
template <typename T>
using OpenSslPtr = std::unique_ptr<T, OpenSslFree>;

OpenSslPtr<BIGNUM> big_number(std::string_view bytes) {
  return OpenSslPtr<BIGNUM>(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()), nullptr));
}

// Builds a public key of `type` ("RSA", "EC") from the parameters `fill` pushes.
template <typename Fill>
OpenSslPtr<EVP_PKEY> public_key_from(const char* type, Fill fill) {
  OpenSslPtr<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
  if (!builder || !fill(builder.get())) return nullptr;
  OpenSslPtr<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(builder.get()));
  OpenSslPtr<EVP_PKEY_CTX> context(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!params || !context || EVP_PKEY_fromdata_init(context.get()) != 1) return nullptr;
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_fromdata(context.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) return nullptr;
  return OpenSslPtr<EVP_PKEY>(key);
}

Expected<OpenSslPtr<EVP_PKEY>> rsa_public_key(const boost::json::object& jwk) {
  const auto n = base64url_decode(string_member(jwk, "n"));
  const auto e = base64url_decode(string_member(jwk, "e"));
  if (!n || !e || n->empty() || e->empty()) return refused("the RSA key in the JWKS has no valid `n` and `e`");
  const OpenSslPtr<BIGNUM> modulus = big_number(*n);
  const OpenSslPtr<BIGNUM> exponent = big_number(*e);
  if (!modulus || !exponent) return refused("the RSA key in the JWKS could not be read");
  auto key = public_key_from("RSA", [&](OSSL_PARAM_BLD* builder) {
    return OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, modulus.get()) == 1 &&
           OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, exponent.get()) == 1;
  });
  if (!key) return refused("the RSA key in the JWKS could not be read");
  if (EVP_PKEY_get_bits(key.get()) < kMinRsaBits) {
    return refused(fmt::format("the RSA key in the JWKS is shorter than {} bits", kMinRsaBits));
  }
  return key;
}

Expected<OpenSslPtr<EVP_PKEY>> p256_public_key(const boost::json::object& jwk) {
  if (string_member(jwk, "crv") != "P-256") return refused("the EC key in the JWKS is not on curve P-256");
  const auto x = base64url_decode(string_member(jwk, "x"));
  const auto y = base64url_decode(string_member(jwk, "y"));
  if (!x || !y || x->size() != kP256CoordinateBytes || y->size() != kP256CoordinateBytes) {
    return refused("the EC key in the JWKS has no valid `x` and `y`");
  }
  const std::string point = "\x04" + *x + *y;  // SEC 1 uncompressed point
  auto key = public_key_from("EC", [&](OSSL_PARAM_BLD* builder) {
    return OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
           OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 1;
  });
  if (!key) return refused("the EC key in the JWKS is not a point on P-256");
  OpenSslPtr<EVP_PKEY_CTX> check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    return refused("the EC key in the JWKS is not a point on P-256");
  }
  return key;
}

// JWS's ES256 signature is r||s, 32 bytes each; OpenSSL verifies the DER ECDSA-Sig-Value.
std::optional<std::string> ecdsa_der_signature(std::string_view raw) {
  if (raw.size() != 2 * kP256CoordinateBytes) return std::nullopt;
  OpenSslPtr<ECDSA_SIG> signature(ECDSA_SIG_new());
  OpenSslPtr<BIGNUM> r = big_number(raw.substr(0, kP256CoordinateBytes));
  OpenSslPtr<BIGNUM> s = big_number(raw.substr(kP256CoordinateBytes));
  if (!signature || !r || !s || ECDSA_SIG_set0(signature.get(), r.get(), s.get()) != 1) return std::nullopt;
  (void)r.release();  // owned by `signature` now
  (void)s.release();
  const int size = i2d_ECDSA_SIG(signature.get(), nullptr);
  if (size <= 0) return std::nullopt;
  std::string der(static_cast<std::size_t>(size), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(signature.get(), &out) != size) return std::nullopt;
  return der;
}

bool sha256_signature_verifies(EVP_PKEY* key, std::string_view signed_data, std::string_view signature) {
  OpenSslPtr<EVP_MD_CTX> context(EVP_MD_CTX_new());
  if (!context || EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key) != 1) return false;
  return EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(signed_data.data()),
                          signed_data.size()) == 1;
}

std::string_view key_type_for(std::string_view alg) {
  if (alg == "RS256") return "RSA";
  if (alg == "ES256") return "EC";
  return {};
}

// A NumericDate claim (seconds since the epoch, integer or not) as whole seconds.
std::optional<std::int64_t> numeric_date(const boost::json::value& value) {
  if (const auto* i = value.if_int64()) return *i;
  if (const auto* u = value.if_uint64()) {
    if (*u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return static_cast<std::int64_t>(*u);
    }
    return std::nullopt;
  }
  if (const auto* d = value.if_double()) {
    if (std::isfinite(*d) && std::fabs(*d) < 9.0e18) return static_cast<std::int64_t>(std::floor(*d));
  }
  return std::nullopt;
}

}  // namespace

Expected<Jws> parse_jws(std::string_view compact) {
  if (compact.empty()) return refused("it is empty");
  if (compact.size() > kMaxTokenBytes) return refused("it is too long");
  const auto first_dot = compact.find('.');
  const auto second_dot = first_dot == std::string_view::npos ? first_dot : compact.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos || compact.find('.', second_dot + 1) != std::string_view::npos) {
    return refused("it is not a compact JWS of three parts");
  }
  const std::string_view header_part = compact.substr(0, first_dot);
  const std::string_view payload_part = compact.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature_part = compact.substr(second_dot + 1);

  Jws jws;
  auto header = decode_json_object(header_part);
  if (!header) return refused("its header is not a base64url-encoded JSON object");
  auto payload = decode_json_object(payload_part);
  if (!payload) return refused("its payload is not a base64url-encoded JSON object");
  auto signature = base64url_decode(signature_part);
  if (!signature) return refused("its signature is not base64url");
  jws.header = std::move(*header);
  jws.payload = std::move(*payload);
  jws.signing_input = std::string(compact.substr(0, second_dot));
  jws.signature = std::move(*signature);
  jws.alg = std::string(string_member(jws.header, "alg"));
  if (const auto* kid = string_if(jws.header, "kid")) jws.kid = std::string(*kid);
  return jws;
}

bool is_supported_jws_alg(std::string_view alg) { return !key_type_for(alg).empty(); }

const boost::json::object* find_signing_key(const boost::json::value& jwks, const Jws& jws) {
  const std::string_view kty = key_type_for(jws.alg);
  const auto* set = jwks.if_object();
  const auto* keys = set != nullptr ? json_members::array_member(*set, "keys") : nullptr;
  if (kty.empty() || keys == nullptr) return nullptr;
  const boost::json::object* only = nullptr;
  std::size_t suitable = 0;
  for (const auto& entry : *keys) {
    const auto* jwk = entry.if_object();
    if (jwk == nullptr || string_member(*jwk, "kty") != kty) continue;
    if (const auto* use = string_if(*jwk, "use"); use != nullptr && *use != "sig") continue;
    if (const auto* alg = string_if(*jwk, "alg"); alg != nullptr && *alg != jws.alg) continue;
    if (jws.kid) {
      if (const auto* kid = string_if(*jwk, "kid"); kid != nullptr && *kid == *jws.kid) return jwk;
      continue;
    }
    only = jwk;
    ++suitable;
  }
  return suitable == 1 ? only : nullptr;
}

std::optional<GatewayError> verify_jws_signature(const Jws& jws, const boost::json::value& jwks) {
  if (jws.alg.empty()) return refused("its header names no `alg`");
  if (jws.alg == "none" || jws.alg == "None" || jws.alg == "NONE") return refused("it is unsigned (`alg: none`)");
  if (jws.alg.starts_with("HS")) {
    return refused(fmt::format("it is signed with a shared secret ({}), not the provider's key", quoted(jws.alg)));
  }
  if (key_type_for(jws.alg).empty()) return refused(fmt::format("algorithm {} is not supported", quoted(jws.alg)));
  if (jws.header.contains("crit")) return refused("its header has `crit` extensions");

  const boost::json::object* jwk = find_signing_key(jwks, jws);
  if (jwk == nullptr) {
    return refused(jws.kid ? fmt::format("the provider's JWKS has no {} key with kid {}", jws.alg, quoted(*jws.kid))
                           : fmt::format("its header names no `kid` and the JWKS has no single {} key", jws.alg));
  }
  auto key = jws.alg == "RS256" ? rsa_public_key(*jwk) : p256_public_key(*jwk);
  if (!key) {
    ERR_clear_error();
    return key.error();
  }
  std::string signature = jws.signature;
  if (jws.alg == "ES256") {
    auto der = ecdsa_der_signature(jws.signature);
    if (!der) {
      ERR_clear_error();
      return refused("its ES256 signature is not 64 bytes of r||s");
    }
    signature = std::move(*der);
  }
  const bool verified = sha256_signature_verifies(key->get(), jws.signing_input, signature);
  ERR_clear_error();  // a failed verification leaves entries no one else should read
  if (!verified) return refused("its signature does not verify");
  return std::nullopt;
}

Expected<boost::json::object> check_id_token_claims(const boost::json::object& claims,
                                                    const IdTokenExpectations& expected) {
  const auto* iss = string_if(claims, "iss");
  if (iss == nullptr) return refused("it has no `iss`");
  if (*iss != expected.issuer) {
    return refused(fmt::format("its issuer {} is not the configured issuer {}", quoted(*iss), quoted(expected.issuer)));
  }
  const auto* sub = string_if(claims, "sub");
  if (sub == nullptr || sub->empty()) return refused("it has no `sub`");

  const boost::json::value* aud = claims.if_contains("aud");
  std::size_t audiences = 0;
  bool ours = false;
  if (aud != nullptr && aud->is_string()) {
    audiences = 1;
    ours = aud->get_string() == expected.client_id;
  } else if (aud != nullptr && aud->is_array()) {
    for (const auto& entry : aud->get_array()) {
      if (!entry.is_string()) return refused("its `aud` is not a list of strings");
      ++audiences;
      ours = ours || entry.get_string() == expected.client_id;
    }
  }
  if (audiences == 0) return refused("it has no `aud`");
  if (!ours) return refused("it was issued for another client (`aud` does not contain our client_id)");
  const auto* azp = string_if(claims, "azp");
  if (claims.contains("azp") && (azp == nullptr || *azp != expected.client_id)) {
    return refused("its authorized party (`azp`) is another client");
  }
  if (audiences > 1 && azp == nullptr) return refused("it has several audiences and no `azp`");

  const auto now = std::chrono::duration_cast<std::chrono::seconds>(expected.now.time_since_epoch()).count();
  const auto leeway = expected.leeway.count();
  const boost::json::value* exp = claims.if_contains("exp");
  const auto expires = exp != nullptr ? numeric_date(*exp) : std::nullopt;
  if (!expires) return refused("it has no numeric `exp`");
  if (now >= *expires + leeway) return refused("it has expired");
  for (const std::string_view name : {"iat", "nbf"}) {
    const boost::json::value* claim = claims.if_contains(name);
    if (claim == nullptr) continue;
    const auto when = numeric_date(*claim);
    if (!when) return refused(fmt::format("its `{}` is not a number", name));
    if (*when > now + leeway) {
      return refused(name == "iat" ? "it was issued in the future (`iat`)" : "it is not valid yet (`nbf`)");
    }
  }

  if (!expected.nonce.empty()) {
    const auto* nonce = string_if(claims, "nonce");
    if (nonce == nullptr) return refused("it has no `nonce`");
    if (*nonce != expected.nonce) return refused("its `nonce` is not the one this login sent");
  }
  return claims;
}

Expected<boost::json::object> verify_id_token(std::string_view compact, const boost::json::value& jwks,
                                              const IdTokenExpectations& expected) {
  auto jws = parse_jws(compact);
  if (!jws) return jws.error();
  if (auto failure = verify_jws_signature(*jws, jwks)) return *failure;
  return check_id_token_claims(jws->payload, expected);
}

}  // namespace sluice::sso
