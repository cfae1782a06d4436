// KeySecretCipher: encrypts the secrets of managed gateway keys for storage, and decrypts them.
//
// A key the gateway mints for the config (`auto_create: true` without a `value`) is verified by its
// SHA-256 like every other key, but unlike a caller's key its secret must be recoverable: a team
// admin may reveal it (`reveal_api_key`), and the service that uses it gets it from the gateway.
// So the secret is stored beside the hash, sealed with AES-256-GCM under a 32-byte key the operator
// provides in SLUICE_API_KEY_SECRET_ENCRYPTION_KEY (or the reference's name for it,
// OCEANS_API_KEY_SECRET_ENCRYPTION_KEY), base64. GCM's tag makes a tampered or wrongly keyed value
// fail to decrypt instead of decrypting to garbage.
//
// Stored form: "v1:" + base64(12-byte random nonce || ciphertext || 16-byte tag). The version
// prefix leaves room for a later key rotation scheme without guessing at old rows.
#pragma once

#include "core/Expected.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::access {

class KeySecretCipher {
 public:
  static constexpr std::string_view kEnvironmentVariable = "SLUICE_API_KEY_SECRET_ENCRYPTION_KEY";
  static constexpr std::string_view kReferenceEnvironmentVariable =
      "OCEANS_API_KEY_SECRET_ENCRYPTION_KEY";

  // A cipher from base64 text that decodes to exactly 32 bytes; otherwise an error saying why.
  static Expected<KeySecretCipher> from_base64_key(std::string_view base64_key);
  // From the environment (Sluice's variable first, then the reference's): nullopt when neither is
  // set, an error naming the variable when one is set but is not a base64 32-byte key.
  static Expected<std::optional<KeySecretCipher>> from_environment();

  // "v1:…" for `plaintext`, under a fresh random nonce each call.
  std::string encrypt(std::string_view plaintext) const;
  // The plaintext, or an error when the value is malformed, tampered with or sealed under another key.
  Expected<std::string> decrypt(std::string_view sealed) const;

 private:
  explicit KeySecretCipher(const std::array<std::uint8_t, 32>& key) : key_(key) {}

  std::array<std::uint8_t, 32> key_;
};

}  // namespace sluice::access
