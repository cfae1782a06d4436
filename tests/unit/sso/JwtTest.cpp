// id_token verification (sso/Jwt.h): RS256 and ES256 signatures against a JWKS, key choice by
// kid, the algorithms refused outright, and every claim check.
#include "sso/Jwt.h"

#include "sso/Pkce.h"

#include "SsoTestKeys.h"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <openssl/hmac.h>

namespace sluice::sso {
namespace {

using test::TestSigningKey;

constexpr std::int64_t kNow = 1'900'000'000;
const std::string kIssuer = "https://idp.example.com";
const std::string kClientId = "sluice-client";
const std::string kNonce = "n-0S6_WzA2Mj";

boost::json::object good_claims() {
  return {{"iss", kIssuer},       {"sub", "user-123"},  {"aud", kClientId},         {"exp", kNow + 300},
          {"iat", kNow - 10},     {"nonce", kNonce},    {"email", "Ada@Example.com"}};
}

IdTokenExpectations expectations() {
  IdTokenExpectations expected;
  expected.issuer = kIssuer;
  expected.client_id = kClientId;
  expected.nonce = kNonce;
  expected.now = std::chrono::system_clock::time_point(std::chrono::seconds(kNow));
  return expected;
}

boost::json::value jwks_of(std::initializer_list<boost::json::object> keys) {
  boost::json::array list;
  for (const auto& key : keys) list.push_back(key);
  return boost::json::object{{"keys", std::move(list)}};
}

const boost::json::value& provider_jwks() {
  static const boost::json::value jwks =
      jwks_of({TestSigningKey::rsa().jwk("rsa-1"), TestSigningKey::p256().jwk("ec-1")});
  return jwks;
}

std::string rsa_token(const boost::json::object& claims, std::string_view kid = "rsa-1") {
  return TestSigningKey::rsa().token({{"kid", kid}, {"typ", "JWT"}}, claims);
}

// The message of the refusal `token` gets; fails the test when it is accepted.
std::string refusal(const std::string& token, const boost::json::value& jwks = provider_jwks(),
                    const IdTokenExpectations& expected = expectations()) {
  const auto claims = verify_id_token(token, jwks, expected);
  if (claims) {
    ADD_FAILURE() << "the token was accepted";
    return {};
  }
  EXPECT_EQ(claims.error().status, 401);
  EXPECT_EQ(claims.error().code, "sso_failed");
  if (!token.empty()) {
    EXPECT_EQ(claims.error().message.find(token), std::string::npos) << "the message quotes the token";
  }
  return claims.error().message;
}

std::string with_claims(const boost::json::object& changes, std::initializer_list<std::string_view> removed = {}) {
  boost::json::object claims = good_claims();
  for (const auto& [key, value] : changes) claims[key] = value;
  for (const auto key : removed) claims.erase(key);
  return rsa_token(claims);
}

std::string unsigned_part(const boost::json::object& object) { return base64url_encode(boost::json::serialize(object)); }

// --- accepted ---------------------------------------------------------------------------------

TEST(Jwt, AcceptsRs256TokenSignedWithTheKeyItsKidNames) {
  const auto claims = verify_id_token(rsa_token(good_claims()), provider_jwks(), expectations());
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->at("sub").as_string(), "user-123");
  EXPECT_EQ(claims->at("email").as_string(), "Ada@Example.com");
}

TEST(Jwt, AcceptsEs256TokenWithRawRAndSSignature) {
  const std::string token = TestSigningKey::p256().token({{"kid", "ec-1"}}, good_claims());
  const auto claims = verify_id_token(token, provider_jwks(), expectations());
  ASSERT_TRUE(claims) << claims.error().message;
}

TEST(Jwt, UsesTheOnlySuitableKeyWhenTheTokenNamesNoKid) {
  const std::string token = TestSigningKey::rsa().token({}, good_claims());
  const auto jwks = jwks_of({TestSigningKey::rsa().jwk(""), TestSigningKey::p256().jwk("ec-1")});
  const auto claims = verify_id_token(token, jwks, expectations());
  ASSERT_TRUE(claims) << claims.error().message;
}

TEST(Jwt, AcceptsAnAudienceListWithOurClientAndAzp) {
  const auto claims = verify_id_token(
      with_claims({{"aud", boost::json::array{kClientId, "another"}}, {"azp", kClientId}}), provider_jwks(),
      expectations());
  ASSERT_TRUE(claims) << claims.error().message;
}

TEST(Jwt, AcceptsASingleEntryAudienceListWithoutAzp) {
  const auto claims = verify_id_token(with_claims({{"aud", boost::json::array{kClientId}}}), provider_jwks(),
                                      expectations());
  ASSERT_TRUE(claims) << claims.error().message;
}

TEST(Jwt, AllowsSixtySecondsOfClockSkew) {
  const auto claims = verify_id_token(
      with_claims({{"exp", kNow - 59}, {"iat", kNow + 59}, {"nbf", kNow + 59}}), provider_jwks(), expectations());
  ASSERT_TRUE(claims) << claims.error().message;
}

// --- signature and algorithm ------------------------------------------------------------------

TEST(Jwt, RefusesATokenWhosePayloadWasChangedAfterSigning) {
  const std::string token = rsa_token(good_claims());
  const auto first_dot = token.find('.');
  const auto second_dot = token.find('.', first_dot + 1);
  boost::json::object forged = good_claims();
  forged["email"] = "root@example.com";
  const std::string tampered =
      token.substr(0, first_dot + 1) + unsigned_part(forged) + token.substr(second_dot);
  EXPECT_NE(refusal(tampered).find("signature does not verify"), std::string::npos);
}

TEST(Jwt, RefusesATokenSignedByAnotherKeyUnderAKnownKid) {
  const std::string token = TestSigningKey::other_rsa().token({{"kid", "rsa-1"}}, good_claims());
  EXPECT_NE(refusal(token).find("signature does not verify"), std::string::npos);
}

TEST(Jwt, RefusesAMangledEs256Signature) {
  std::string token = TestSigningKey::p256().token({{"kid", "ec-1"}}, good_claims());
  token.back() = token.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(refusal(token).empty());
}

TEST(Jwt, RefusesAnEs256SignatureThatIsNotSixtyFourBytes) {
  const std::string token = TestSigningKey::p256().token({{"kid", "ec-1"}}, good_claims());
  const std::string truncated = token.substr(0, token.rfind('.') + 1) + base64url_encode(std::string(63, 'x'));
  EXPECT_NE(refusal(truncated).find("64 bytes"), std::string::npos);
}

TEST(Jwt, RefusesAKidTheJwksDoesNotHave) {
  EXPECT_NE(refusal(rsa_token(good_claims(), "rotated-away")).find("no RS256 key with kid `rotated-away`"),
            std::string::npos);
  const auto jws = parse_jws(rsa_token(good_claims(), "rotated-away"));
  ASSERT_TRUE(jws);
  EXPECT_EQ(find_signing_key(provider_jwks(), *jws), nullptr);
}

TEST(Jwt, RefusesNoKidWhenSeveralKeysWouldDo) {
  const std::string token = TestSigningKey::rsa().token({}, good_claims());
  const auto jwks = jwks_of({TestSigningKey::rsa().jwk("a"), TestSigningKey::other_rsa().jwk("b")});
  EXPECT_NE(refusal(token, jwks).find("no single RS256 key"), std::string::npos);
}

TEST(Jwt, RefusesAKidThatNamesAKeyOfAnotherType) {
  const std::string token = TestSigningKey::p256().token({{"kid", "rsa-1"}}, good_claims());
  EXPECT_NE(refusal(token).find("no ES256 key with kid"), std::string::npos);
}

TEST(Jwt, RefusesAlgNone) {
  const std::string token = unsigned_part({{"alg", "none"}, {"kid", "rsa-1"}}) + "." + unsigned_part(good_claims()) + ".";
  EXPECT_NE(refusal(token).find("alg: none"), std::string::npos);
}

TEST(Jwt, RefusesHs256EvenWithThePublicKeyAsTheSecret) {
  // The classic key-confusion forgery: HMAC keyed with the public modulus a verifier might use.
  const std::string signing_input =
      unsigned_part({{"alg", "HS256"}, {"kid", "rsa-1"}}) + "." + unsigned_part(good_claims());
  const std::string secret(TestSigningKey::rsa().jwk("rsa-1").at("n").as_string());
  unsigned char mac[32];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac, &length);
  const std::string token =
      signing_input + "." + base64url_encode(std::string_view(reinterpret_cast<const char*>(mac), length));
  EXPECT_NE(refusal(token).find("shared secret"), std::string::npos);
}

TEST(Jwt, RefusesAlgorithmsItDoesNotSupport) {
  const std::string token = TestSigningKey::rsa().token({{"alg", "RS512"}, {"kid", "rsa-1"}}, good_claims());
  EXPECT_NE(refusal(token).find("algorithm `RS512` is not supported"), std::string::npos);
}

TEST(Jwt, RefusesCriticalHeaderExtensions) {
  const std::string token =
      TestSigningKey::rsa().token({{"kid", "rsa-1"}, {"crit", boost::json::array{"exp"}}}, good_claims());
  EXPECT_NE(refusal(token).find("crit"), std::string::npos);
}

TEST(Jwt, RefusesRsaKeysShorterThan2048Bits) {
  const TestSigningKey weak = TestSigningKey::generate_rsa(1024);
  const std::string token = weak.token({{"kid", "weak"}}, good_claims());
  EXPECT_NE(refusal(token, jwks_of({weak.jwk("weak")})).find("shorter than 2048 bits"), std::string::npos);
}

// --- claims -----------------------------------------------------------------------------------

TEST(Jwt, RefusesAnotherIssuer) {
  EXPECT_NE(refusal(with_claims({{"iss", "https://evil.example.com"}})).find("issuer"), std::string::npos);
  EXPECT_NE(refusal(with_claims({}, {"iss"})).find("no `iss`"), std::string::npos);
}

TEST(Jwt, RefusesAnotherAudience) {
  EXPECT_NE(refusal(with_claims({{"aud", "someone-else"}})).find("another client"), std::string::npos);
  EXPECT_NE(refusal(with_claims({{"aud", boost::json::array{"a", "b"}}, {"azp", "a"}})).find("another client"),
            std::string::npos);
  EXPECT_NE(refusal(with_claims({}, {"aud"})).find("no `aud`"), std::string::npos);
}

TEST(Jwt, RefusesSeveralAudiencesWithoutOrWithAnotherAzp) {
  EXPECT_NE(refusal(with_claims({{"aud", boost::json::array{kClientId, "other"}}})).find("no `azp`"),
            std::string::npos);
  EXPECT_NE(refusal(with_claims({{"aud", boost::json::array{kClientId, "other"}}, {"azp", "other"}}))
                .find("authorized party"),
            std::string::npos);
  EXPECT_NE(refusal(with_claims({{"azp", "other"}})).find("authorized party"), std::string::npos);
}

TEST(Jwt, RefusesAnExpiredToken) {
  EXPECT_NE(refusal(with_claims({{"exp", kNow - 61}})).find("expired"), std::string::npos);
  EXPECT_NE(refusal(with_claims({}, {"exp"})).find("no numeric `exp`"), std::string::npos);
  EXPECT_NE(refusal(with_claims({{"exp", "tomorrow"}})).find("no numeric `exp`"), std::string::npos);
}

TEST(Jwt, RefusesATokenNotValidYet) {
  EXPECT_NE(refusal(with_claims({{"nbf", kNow + 120}})).find("not valid yet"), std::string::npos);
  EXPECT_NE(refusal(with_claims({{"iat", kNow + 120}})).find("issued in the future"), std::string::npos);
}

TEST(Jwt, RefusesAnotherNonce) {
  EXPECT_NE(refusal(with_claims({{"nonce", "replayed"}})).find("`nonce` is not the one"), std::string::npos);
  EXPECT_NE(refusal(with_claims({}, {"nonce"})).find("no `nonce`"), std::string::npos);
}

TEST(Jwt, RefusesATokenWithoutSubject) {
  EXPECT_NE(refusal(with_claims({}, {"sub"})).find("no `sub`"), std::string::npos);
}

// --- malformed --------------------------------------------------------------------------------

TEST(Jwt, RefusesMissingParts) {
  const std::string token = rsa_token(good_claims());
  EXPECT_NE(refusal("").find("empty"), std::string::npos);
  EXPECT_NE(refusal(token.substr(0, token.rfind('.'))).find("three parts"), std::string::npos);
  EXPECT_NE(refusal(token + ".extra").find("three parts"), std::string::npos);
  EXPECT_NE(refusal("no-dots-at-all").find("three parts"), std::string::npos);
  EXPECT_NE(refusal(token.substr(0, token.rfind('.') + 1)).find("signature does not verify"), std::string::npos);
}

TEST(Jwt, RefusesMalformedBase64) {
  const std::string token = rsa_token(good_claims());
  const auto first_dot = token.find('.');
  EXPECT_NE(refusal("!!!" + token.substr(first_dot)).find("header"), std::string::npos);
  EXPECT_NE(refusal(token.substr(0, first_dot + 1) + "a+b/" + token.substr(token.find('.', first_dot + 1)))
                .find("payload"),
            std::string::npos);
  EXPECT_NE(refusal(token + "=").find("signature is not base64url"), std::string::npos);
}

TEST(Jwt, RefusesHeaderOrPayloadThatIsNotAJsonObject) {
  const std::string body = unsigned_part(good_claims());
  EXPECT_NE(refusal(base64url_encode("{\"alg\":") + "." + body + ".c2ln").find("header"), std::string::npos);
  EXPECT_NE(refusal(base64url_encode("[\"RS256\"]") + "." + body + ".c2ln").find("header"), std::string::npos);
  EXPECT_NE(refusal(unsigned_part({{"alg", "RS256"}}) + "." + base64url_encode("not json") + ".c2ln").find("payload"),
            std::string::npos);
}

TEST(Jwt, RefusesAHeaderWithoutAlg) {
  const std::string token = unsigned_part({{"kid", "rsa-1"}}) + "." + unsigned_part(good_claims()) + ".c2ln";
  EXPECT_NE(refusal(token).find("no `alg`"), std::string::npos);
}

}  // namespace
}  // namespace sluice::sso
