// ApiKeyFormat: the shape of a gateway API key, `gwk_<public_id>.<secret>`.
//
// The public id (4..64 of [A-Za-z0-9]) names the key in logs, the admin UI and the store's lookup
// index; the secret (16..256 of [A-Za-z0-9_-]) is what is verified and never shown again. The config
// loader checks configured `service_accounts[].keys[].value`s with this; access/ parses callers'
// keys with it, so the two can never disagree about what a key looks like.
#pragma once

#include <optional>
#include <string_view>

namespace sluice::config {

inline constexpr std::string_view kApiKeyPrefix = "gwk_";

struct ParsedApiKey {
  std::string_view public_id;  // views into the parsed text
  std::string_view secret;
};

// nullopt unless `text` is exactly one well-formed key (no surrounding whitespace).
std::optional<ParsedApiKey> parse_api_key(std::string_view text);

}  // namespace sluice::config
