#include "access/ApiKeyMint.h"

#include "core/Digest.h"

#include <array>

namespace sluice::access {

std::string mint_api_key() {
  static constexpr char kAlnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";

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

  return key + random_url_token(32);  // 32 bytes encode to exactly 43 characters
}

}  // namespace sluice::access
