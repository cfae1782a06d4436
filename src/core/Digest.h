// Small cryptographic primitives on OpenSSL: SHA-256, hex, constant-time comparison, random bytes.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

using Sha256Digest = std::array<std::uint8_t, 32>;

Sha256Digest sha256(std::string_view data);
std::string to_hex(const std::uint8_t* data, std::size_t size);
inline std::string to_hex(const Sha256Digest& digest) { return to_hex(digest.data(), digest.size()); }

// Compares in time that depends only on the length, never on where the inputs first differ.
bool constant_time_equal(const Sha256Digest& a, const Sha256Digest& b);

// Cryptographically strong random bytes (RAND_bytes); throws std::runtime_error if the CSPRNG fails.
void fill_random(std::uint8_t* out, std::size_t size);

// `bytes` random bytes as unpadded base64url: session ids, CSRF and invitation tokens.
std::string random_url_token(std::size_t bytes = 32);

// SHA-256 of `text` as lower-case hex: how bearer tokens (session ids, invitation tokens) are
// stored, so the database never holds a usable one.
inline std::string sha256_hex(std::string_view text) { return to_hex(sha256(text)); }

}  // namespace sluice
