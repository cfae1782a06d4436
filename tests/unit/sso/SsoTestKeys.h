// Signing keys for the SSO tests: RSA and P-256 keys generated with OpenSSL, their public JWKs,
// and compact JWS tokens signed with them — a provider's half of id_token verification.
#pragma once

#include "sso/Pkce.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sluice::sso::test {

class TestSigningKey {
 public:
  static TestSigningKey generate_rsa(unsigned bits = 2048) {
    return TestSigningKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)), "RS256");
  }
  static TestSigningKey generate_p256() {
    return TestSigningKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), "ES256");
  }

  // Generated once per test run: RSA generation takes a noticeable fraction of a second.
  static const TestSigningKey& rsa() {
    static const TestSigningKey key = generate_rsa();
    return key;
  }
  static const TestSigningKey& other_rsa() {
    static const TestSigningKey key = generate_rsa();
    return key;
  }
  static const TestSigningKey& p256() {
    static const TestSigningKey key = generate_p256();
    return key;
  }

  const std::string& alg() const { return alg_; }

  // The public JWK, as a provider's JWKS lists it.
  boost::json::object jwk(std::string_view kid) const {
    boost::json::object jwk;
    if (alg_ == "RS256") {
      jwk["kty"] = "RSA";
      jwk["n"] = base64url_encode(bn_param(OSSL_PKEY_PARAM_RSA_N));
      jwk["e"] = base64url_encode(bn_param(OSSL_PKEY_PARAM_RSA_E));
    } else {
      unsigned char point[65];
      size_t length = 0;
      if (EVP_PKEY_get_octet_string_param(key_.get(), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &length) != 1 ||
          length != 65) {
        throw std::runtime_error("P-256 public point");
      }
      const std::string_view bytes(reinterpret_cast<const char*>(point), length);
      jwk["kty"] = "EC";
      jwk["crv"] = "P-256";
      jwk["x"] = base64url_encode(bytes.substr(1, 32));
      jwk["y"] = base64url_encode(bytes.substr(33, 32));
    }
    if (!kid.empty()) jwk["kid"] = kid;
    jwk["use"] = "sig";
    jwk["alg"] = alg_;
    return jwk;
  }

  // The JWS signature of `signing_input` (ES256: raw r||s).
  std::string sign(std::string_view signing_input) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    size_t length = 0;
    if (EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
        EVP_DigestSign(context.get(), nullptr, &length,
                       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) != 1) {
      throw std::runtime_error("sign");
    }
    std::string signature(length, '\0');
    if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) != 1) {
      throw std::runtime_error("sign");
    }
    signature.resize(length);
    if (alg_ == "RS256") return signature;
    const auto* der = reinterpret_cast<const unsigned char*>(signature.data());
    std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> parsed(
        d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(signature.size())), &ECDSA_SIG_free);
    std::string raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(parsed.get()), reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(parsed.get()), reinterpret_cast<unsigned char*>(raw.data() + 32), 32);
    return raw;
  }

  // A compact JWS of `header` (its `alg` set to this key's unless given) and `claims`.
  std::string token(boost::json::object header, const boost::json::object& claims) const {
    if (!header.contains("alg")) header["alg"] = alg_;
    const std::string signing_input =
        base64url_encode(boost::json::serialize(header)) + "." + base64url_encode(boost::json::serialize(claims));
    return signing_input + "." + base64url_encode(sign(signing_input));
  }

 private:
  TestSigningKey(EVP_PKEY* key, std::string alg) : key_(key, &EVP_PKEY_free), alg_(std::move(alg)) {
    if (!key_) throw std::runtime_error("key generation failed");
  }

  std::string bn_param(const char* name) const {
    BIGNUM* number = nullptr;
    if (EVP_PKEY_get_bn_param(key_.get(), name, &number) != 1) throw std::runtime_error(name);
    std::string bytes(static_cast<std::size_t>(BN_num_bytes(number)), '\0');
    BN_bn2bin(number, reinterpret_cast<unsigned char*>(bytes.data()));
    BN_free(number);
    return bytes;
  }

  std::shared_ptr<EVP_PKEY> key_;
  std::string alg_;
};

}  // namespace sluice::sso::test
