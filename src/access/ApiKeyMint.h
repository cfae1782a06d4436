// ApiKeyMint: makes new gateway API keys, gwk_<public_id>.<secret>.
// The public id is 12 lower-case alphanumerics (it is logged and shown in admin pages); the secret
// is 32 bytes from the CSPRNG in unpadded base64url (43 characters, 256 bits).
#pragma once

#include <string>

namespace sluice::access {

std::string mint_api_key();

}  // namespace sluice::access
