// AwsCredentialDocument: reads the JSON credentials documents that AWS credential helpers return.
//
// Three sources answer with nearly the same JSON object: the container endpoint and instance
// metadata ({AccessKeyId, SecretAccessKey, Token, Expiration}) and credential_process ({Version: 1,
// AccessKeyId, SecretAccessKey, SessionToken, Expiration}). One reader serves all three, told
// which field holds the session token. Expiration is ISO 8601 (RFC 3339) in UTC or with an
// offset, with or without fractional seconds. Error messages name fields, never their values.
#pragma once

#include "auth/AwsCredentials.h"
#include "core/Expected.h"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::auth {

// "2024-05-01T12:34:56Z", "2024-05-01T12:34:56.789Z", "2024-05-01T14:34:56+02:00"; nullopt for
// anything else.
std::optional<std::chrono::system_clock::time_point> parse_aws_timestamp(std::string_view text);

struct AwsCredentialDocumentShape {
  std::string_view session_token_field = "Token";  // credential_process: "SessionToken"
  bool requires_version_1 = false;                  // credential_process: {"Version": 1}
};

// The credentials in `json`, labelled `source`; 502 upstream_credentials naming `what` ("the
// container endpoint's answer") when the document is not JSON, lacks a key or has a bad Expiration.
Expected<AwsCredentials> parse_credential_document(std::string_view json,
                                                   const AwsCredentialDocumentShape& shape,
                                                   std::string source, std::string_view what);

// application/x-www-form-urlencoded component: RFC 3986 unreserved bytes stay, all else is %XX.
// (STS signs and reads its query API bodies this way.)
std::string aws_form_encode(std::string_view text);

}  // namespace sluice::auth
