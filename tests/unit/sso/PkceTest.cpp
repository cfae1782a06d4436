// PKCE S256 (RFC 7636), the random login tokens and the base64url codec they and JWS use.
#include "sso/Pkce.h"

#include <gtest/gtest.h>

#include <set>

namespace sluice::sso {
namespace {

TEST(Pkce, S256ChallengeMatchesRfc7636AppendixB) {
  EXPECT_EQ(pkce_challenge_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(Pkce, RandomTokenOf32BytesIs43UrlSafeCharacters) {
  const std::string token = random_url_token(32);
  EXPECT_EQ(token.size(), 43u);
  EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  const auto bytes = base64url_decode(token);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->size(), 32u);
}

TEST(Pkce, RandomTokensDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) seen.insert(random_url_token());
  EXPECT_EQ(seen.size(), 200u);
}

TEST(Base64Url, EncodesWithoutPaddingInTheUrlAlphabet) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("\xfb\xff\xbf"), "-_-_");
}

TEST(Base64Url, DecodesWhatItEncodes) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t length = 0; length < all.size(); length += 7) {
    const std::string bytes = all.substr(0, length);
    EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes) << length;
  }
}

TEST(Base64Url, RefusesPaddingStandardAlphabetWhitespaceAndImpossibleLengths) {
  EXPECT_FALSE(base64url_decode("Zg=="));
  EXPECT_FALSE(base64url_decode("+/+/"));
  EXPECT_FALSE(base64url_decode("Zm 9v"));
  EXPECT_FALSE(base64url_decode("Zm9vY"));  // 5 characters: no byte count encodes to that
  EXPECT_FALSE(base64url_decode("Zh"));     // stray bits in the last character
}

}  // namespace
}  // namespace sluice::sso
