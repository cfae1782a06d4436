#include "access/PasswordHasher.h"

#include <gtest/gtest.h>

namespace sluice::access {
namespace {

// Cheap parameters keep the suite fast; the encoded form carries them, so verify needs none.
const Argon2Parameters kFast{1, 1024, 1};

TEST(PasswordHasher, HashIsArgon2idAndVerifiesOnlyTheRightPassword) {
  const std::string hash = hash_password("correct horse", kFast);
  EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=1024,t=1,p=1$")) << hash;
  EXPECT_TRUE(verify_password(hash, "correct horse"));
  EXPECT_FALSE(verify_password(hash, "correct horsE"));
  EXPECT_FALSE(verify_password(hash, ""));
}

TEST(PasswordHasher, SaltMakesEveryHashDifferent) {
  EXPECT_NE(hash_password("same", kFast), hash_password("same", kFast));
}

TEST(PasswordHasher, DefaultParametersAreOwaspArgon2id) {
  const std::string hash = hash_password("pw");
  EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << hash;
  EXPECT_TRUE(verify_password(hash, "pw"));
}

TEST(PasswordHasher, ForeignOrBrokenEncodingsNeverVerify) {
  EXPECT_FALSE(verify_password("", "pw"));
  EXPECT_FALSE(verify_password("pw", "pw"));
  EXPECT_FALSE(verify_password("$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA", "pw"));
  std::string tampered = hash_password("pw", kFast);
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_password(tampered, "pw"));
}

}  // namespace
}  // namespace sluice::access
