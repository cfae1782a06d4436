#include "access/CallerCredential.h"

#include <boost/beast/core/string.hpp>

namespace sluice::access {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

Expected<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "Bearer";
  authorization = trim(authorization);
  if (authorization.size() < kScheme.size() ||
      !boost::beast::iequals(authorization.substr(0, kScheme.size()), kScheme) ||
      (authorization.size() > kScheme.size() && authorization[kScheme.size()] != ' ')) {
    return GatewayError::authentication("invalid_authorization_header",
                                        "Authorization header must use the Bearer scheme");
  }
  const auto token = trim(authorization.substr(kScheme.size()));
  if (token.empty()) {
    return GatewayError::authentication("missing_bearer_token",
                                        "Authorization header has no bearer token");
  }
  return token;
}

}  // namespace

Expected<std::string_view> presented_api_key(const boost::beast::http::fields& headers,
                                             CredentialHeaders accepted) {
  namespace http = boost::beast::http;
  const auto authorization = headers.find(http::field::authorization);
  if (authorization != headers.end()) return bearer_token(authorization->value());
  if (accepted == CredentialHeaders::kBearerOrXApiKey) {
    const auto x_api_key = headers.find("x-api-key");
    if (x_api_key != headers.end() && !trim(x_api_key->value()).empty()) {
      return trim(x_api_key->value());
    }
  }
  return GatewayError::authentication("missing_authorization_header",
                                      "missing Authorization header with a gateway API key");
}

}  // namespace sluice::access
