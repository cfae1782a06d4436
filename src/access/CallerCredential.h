// CallerCredential: finds the gateway API key in a request's headers, by the reference's rules
// (../shared/reference/api.md §2): `Authorization: Bearer <key>` on the OpenAI paths; on the
// Anthropic paths `Authorization` when present, else `x-api-key`.
#pragma once

#include "core/Expected.h"

#include <boost/beast/http/fields.hpp>

#include <string_view>

namespace sluice::access {

enum class CredentialHeaders {
  kBearerOnly,           // /v1/chat/completions, /v1/responses, /v1/embeddings, /v1/models
  kBearerOrXApiKey,      // /v1/messages, /messages
};

// The presented key (a view into `headers`), or the 401 explaining what is missing or malformed.
Expected<std::string_view> presented_api_key(const boost::beast::http::fields& headers,
                                             CredentialHeaders accepted);

}  // namespace sluice::access
