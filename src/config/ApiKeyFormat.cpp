#include "config/ApiKeyFormat.h"

#include <algorithm>

namespace sluice::config {

namespace {

constexpr std::size_t kPublicIdMin = 4;
constexpr std::size_t kPublicIdMax = 64;
constexpr std::size_t kSecretMin = 16;
constexpr std::size_t kSecretMax = 256;

// Locale-independent on purpose: std::isalnum would follow the global locale.
bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_secret_char(char c) { return is_ascii_alnum(c) || c == '_' || c == '-'; }

}  // namespace

std::optional<ParsedApiKey> parse_api_key(std::string_view text) {
  if (!text.starts_with(kApiKeyPrefix)) return std::nullopt;
  text.remove_prefix(kApiKeyPrefix.size());
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view public_id = text.substr(0, dot);
  const std::string_view secret = text.substr(dot + 1);
  if (public_id.size() < kPublicIdMin || public_id.size() > kPublicIdMax ||
      !std::all_of(public_id.begin(), public_id.end(), is_ascii_alnum)) {
    return std::nullopt;
  }
  if (secret.size() < kSecretMin || secret.size() > kSecretMax ||
      !std::all_of(secret.begin(), secret.end(), is_secret_char)) {
    return std::nullopt;
  }
  return ParsedApiKey{public_id, secret};
}

}  // namespace sluice::config
