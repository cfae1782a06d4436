#include "access/PasswordHasher.h"

#include "core/Digest.h"

#include <argon2.h>

#include <array>
#include <stdexcept>
#include <vector>

namespace sluice::access {

namespace {
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
}  // namespace

std::string hash_password(std::string_view password, const Argon2Parameters& parameters) {
  std::array<std::uint8_t, kSaltBytes> salt{};
  fill_random(salt.data(), salt.size());
  const std::size_t encoded_length =
      argon2_encodedlen(parameters.time_cost, parameters.memory_kib, parameters.parallelism,
                        kSaltBytes, kHashBytes, Argon2_id);
  std::vector<char> encoded(encoded_length);
  const int result = argon2id_hash_encoded(parameters.time_cost, parameters.memory_kib,
                                           parameters.parallelism, password.data(), password.size(),
                                           salt.data(), salt.size(), kHashBytes, encoded.data(),
                                           encoded.size());
  if (result != ARGON2_OK) {
    // Only memory exhaustion or a programming error gets here; the message names neither input.
    throw std::runtime_error(std::string("argon2id hashing failed: ") + argon2_error_message(result));
  }
  return std::string(encoded.data());
}

bool verify_password(std::string_view encoded, std::string_view password) {
  if (!encoded.starts_with("$argon2id$")) return false;
  const std::string terminated(encoded);  // argon2 reads a C string
  return argon2id_verify(terminated.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace sluice::access
