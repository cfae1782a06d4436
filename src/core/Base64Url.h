// Base64Url: the URL-safe base64 alphabet without padding (RFC 4648 §5) — JWS parts, PKCE
// challenges and the gateway's random tokens (session ids, CSRF, invitation and OAuth state values).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sluice {

// Unpadded base64url of `bytes`.
std::string base64url_encode(std::string_view bytes);

// The bytes `text` encodes, or nullopt when it is not unpadded base64url (padding, whitespace, a
// character outside the URL-safe alphabet, an impossible length, or stray bits in the last
// character are all refused).
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace sluice
