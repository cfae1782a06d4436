#include "access/ApiKeyMint.h"

#include "core/Digest.h"

#include <array>

namespace sluice::access {

std::string mint_api_key() {
  static constexpr char kAlnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  static constexpr char kBase64Url[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  std::array<std::uint8_t, 12> id_bytes{};
  fill_random(id_bytes.data(), id_bytes.size());
  std::string key = "gwk_";
  // Bytes of 252 and up are drawn again: 252 = 7 * 36, so every character is equally likely.
  for (std::size_t i = 0; i < id_bytes.size(); ++i) {
    std::uint8_t byte = id_bytes[i];
    while (byte >= 252) fill_random(&byte, 1);
    key.push_back(kAlnum[byte % 36]);
  }
  key.push_back('.');

  std::array<std::uint8_t, 33> secret{};  // 33 bytes encode to exactly 44 characters; keep 43
  fill_random(secret.data(), 32);
  std::string encoded;
  for (std::size_t i = 0; i < secret.size(); i += 3) {
    const std::uint32_t group = (std::uint32_t{secret[i]} << 16) |
                                (std::uint32_t{secret[i + 1]} << 8) | std::uint32_t{secret[i + 2]};
    for (int shift = 18; shift >= 0; shift -= 6) encoded.push_back(kBase64Url[(group >> shift) & 63]);
  }
  encoded.resize(43);  // the last character only carried the zero padding byte
  return key + encoded;
}

}  // namespace sluice::access
