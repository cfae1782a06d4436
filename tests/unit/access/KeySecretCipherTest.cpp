#include "access/KeySecretCipher.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace sluice::access {
namespace {

// 32 bytes 0x00..0x1f and 32 bytes 0x01 each, in base64.
constexpr const char* kKeyA = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
constexpr const char* kKeyB = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";

KeySecretCipher cipher(const char* key) {
  auto made = KeySecretCipher::from_base64_key(key);
  EXPECT_TRUE(made) << (made ? "" : made.error().message);
  return *made;
}

TEST(KeySecretCipherTest, RoundTripsASecret) {
  const auto sealed = cipher(kKeyA).encrypt("gwk_abc123def456.s3cret-value");
  ASSERT_TRUE(sealed.starts_with("v1:"));
  const auto opened = cipher(kKeyA).decrypt(sealed);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(*opened, "gwk_abc123def456.s3cret-value");
}

TEST(KeySecretCipherTest, UsesAFreshNonceForEveryEncryption) {
  const auto first = cipher(kKeyA).encrypt("same");
  const auto second = cipher(kKeyA).encrypt("same");
  EXPECT_NE(first, second);
}

TEST(KeySecretCipherTest, DetectsATamperedCiphertext) {
  std::string sealed = cipher(kKeyA).encrypt("a secret worth keeping");
  // Flip one character in the middle of the ciphertext part (past "v1:" and the nonce).
  char& middle = sealed[sealed.size() / 2 + 4];
  middle = middle == 'A' ? 'B' : 'A';
  const auto opened = cipher(kKeyA).decrypt(sealed);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("tampered"), std::string::npos);
}

TEST(KeySecretCipherTest, RefusesAValueSealedUnderAnotherKey) {
  const auto sealed = cipher(kKeyA).encrypt("secret");
  EXPECT_FALSE(cipher(kKeyB).decrypt(sealed));
}

TEST(KeySecretCipherTest, RefusesMalformedSealedValues) {
  const auto key = cipher(kKeyA);
  EXPECT_FALSE(key.decrypt("secret"));        // no version prefix
  EXPECT_FALSE(key.decrypt("v1:not base64!"));
  EXPECT_FALSE(key.decrypt("v1:AAAA"));       // shorter than nonce + tag
}

TEST(KeySecretCipherTest, RejectsAKeyThatIsNotBase64) {
  const auto made = KeySecretCipher::from_base64_key("this is not base64!!");
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().message.find("base64"), std::string::npos);
}

TEST(KeySecretCipherTest, RejectsAKeyOfTheWrongLength) {
  const auto made = KeySecretCipher::from_base64_key("AAECAwQFBgcICQoLDA0ODw==");  // 16 bytes
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().message.find("32 bytes, not 16"), std::string::npos);
}

TEST(KeySecretCipherTest, ReadsTheReferenceEnvironmentVariable) {
  ::unsetenv("SLUICE_API_KEY_SECRET_ENCRYPTION_KEY");
  ::setenv("OCEANS_API_KEY_SECRET_ENCRYPTION_KEY", kKeyA, 1);
  const auto made = KeySecretCipher::from_environment();
  ::unsetenv("OCEANS_API_KEY_SECRET_ENCRYPTION_KEY");
  ASSERT_TRUE(made);
  ASSERT_TRUE(made->has_value());
  EXPECT_TRUE((*made)->decrypt(cipher(kKeyA).encrypt("x")));
}

TEST(KeySecretCipherTest, NamesTheEnvironmentVariableHoldingABadKey) {
  ::setenv("SLUICE_API_KEY_SECRET_ENCRYPTION_KEY", "c2hvcnQ=", 1);
  const auto made = KeySecretCipher::from_environment();
  ::unsetenv("SLUICE_API_KEY_SECRET_ENCRYPTION_KEY");
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().message.find("SLUICE_API_KEY_SECRET_ENCRYPTION_KEY"), std::string::npos);
}

TEST(KeySecretCipherTest, IsAbsentWhenNoVariableIsSet) {
  ::unsetenv("SLUICE_API_KEY_SECRET_ENCRYPTION_KEY");
  ::unsetenv("OCEANS_API_KEY_SECRET_ENCRYPTION_KEY");
  const auto made = KeySecretCipher::from_environment();
  ASSERT_TRUE(made);
  EXPECT_FALSE(made->has_value());
}

}  // namespace
}  // namespace sluice::access
