#include "access/KeySecretCipher.h"

#include "core/Digest.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <vector>

namespace sluice::access {
namespace {

constexpr std::string_view kVersionPrefix = "v1:";
constexpr std::size_t kNonceSize = 12;  // GCM's native nonce size: no extra GHASH pass
constexpr std::size_t kTagSize = 16;

GatewayError cipher_error(std::string message) {
  return {500, "internal_error", "internal_error", std::nullopt, std::move(message)};
}

std::string encode_base64(const std::vector<std::uint8_t>& bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), bytes.data(),
                                      static_cast<int>(bytes.size()));
  text.resize(static_cast<std::size_t>(written));
  return text;
}

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

// Standard base64, padded or not. EVP_DecodeBlock alone would accept whitespace and count padding
// as zero bytes, so the text is checked and the padding subtracted here.
std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view text) {
  std::string padded(text);
  while (padded.size() % 4 != 0) padded.push_back('=');
  if (padded.empty() || text.size() % 4 == 1) return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && padded[padded.size() - 1 - padding] == '=') ++padding;
  for (std::size_t i = 0; i < padded.size() - padding; ++i) {
    if (!is_base64_char(padded[i])) return std::nullopt;
  }
  std::vector<std::uint8_t> bytes(padded.size() / 4 * 3);
  const int written = EVP_DecodeBlock(bytes.data(),
                                      reinterpret_cast<const unsigned char*>(padded.data()),
                                      static_cast<int>(padded.size()));
  if (written < 0) return std::nullopt;
  bytes.resize(static_cast<std::size_t>(written) - padding);
  return bytes;
}

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext new_context() { return CipherContext(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free); }

}  // namespace

Expected<KeySecretCipher> KeySecretCipher::from_base64_key(std::string_view base64_key) {
  const auto bytes = decode_base64(base64_key);
  if (!bytes) return cipher_error("the API key secret encryption key is not valid base64");
  if (bytes->size() != 32) {
    return cipher_error("the API key secret encryption key must decode to 32 bytes, not " +
                        std::to_string(bytes->size()));
  }
  std::array<std::uint8_t, 32> key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return KeySecretCipher(key);
}

Expected<std::optional<KeySecretCipher>> KeySecretCipher::from_environment() {
  for (const std::string_view name : {kEnvironmentVariable, kReferenceEnvironmentVariable}) {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr || *value == '\0') continue;
    auto cipher = from_base64_key(value);
    if (!cipher) return cipher_error(std::string(name) + ": " + cipher.error().message);
    return std::optional<KeySecretCipher>(std::move(*cipher));
  }
  return std::optional<KeySecretCipher>();
}

std::string KeySecretCipher::encrypt(std::string_view plaintext) const {
  std::vector<std::uint8_t> sealed(kNonceSize + plaintext.size() + kTagSize);
  fill_random(sealed.data(), kNonceSize);
  const auto context = new_context();
  int written = 0;
  // With a valid key, nonce and context these calls only fail when memory does; nothing to recover.
  if (!context ||
      EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, key_.data(), sealed.data()) != 1 ||
      EVP_EncryptUpdate(context.get(), sealed.data() + kNonceSize, &written,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(context.get(), sealed.data() + kNonceSize + written, &written) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, kTagSize,
                          sealed.data() + kNonceSize + plaintext.size()) != 1) {
    throw std::runtime_error("AES-256-GCM encryption failed");
  }
  return std::string(kVersionPrefix) + encode_base64(sealed);
}

Expected<std::string> KeySecretCipher::decrypt(std::string_view sealed) const {
  if (!sealed.starts_with(kVersionPrefix)) {
    return cipher_error("encrypted key secret has no v1: prefix");
  }
  const auto bytes = decode_base64(sealed.substr(kVersionPrefix.size()));
  if (!bytes || bytes->size() < kNonceSize + kTagSize) {
    return cipher_error("encrypted key secret is malformed");
  }
  const std::size_t text_size = bytes->size() - kNonceSize - kTagSize;
  std::string plaintext(text_size, '\0');
  std::array<std::uint8_t, kTagSize> tag{};
  std::copy(bytes->end() - kTagSize, bytes->end(), tag.begin());
  const auto context = new_context();
  int written = 0;
  const bool opened =
      context &&
      EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, key_.data(), bytes->data()) == 1 &&
      EVP_DecryptUpdate(context.get(), reinterpret_cast<unsigned char*>(plaintext.data()), &written,
                        bytes->data() + kNonceSize, static_cast<int>(text_size)) == 1 &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(context.get(), reinterpret_cast<unsigned char*>(plaintext.data()) + written,
                          &written) == 1;
  // The tag check happens in DecryptFinal: a failure means another key or altered bytes.
  if (!opened) {
    return cipher_error("encrypted key secret does not decrypt: wrong encryption key or tampered value");
  }
  return plaintext;
}

}  // namespace sluice::access
