#include "sso/Pkce.h"

namespace sluice::sso {

std::string pkce_challenge_s256(std::string_view verifier) {
  const Sha256Digest digest = sha256(verifier);
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

}  // namespace sluice::sso
