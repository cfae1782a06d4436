// GatewayError: why a request failed, as a small value.
//
// Every module that can refuse a request produces one of these (status, type, code, param, message);
// api/ renders it once, in the caller's dialect (OpenAI's {"error":{...}} or Anthropic's). The
// constructors below name the rows of the reference's error table (../shared/reference/api.md §3), so
// a status/type/code triple is written in exactly one place.
#pragma once

#include <optional>
#include <string>

namespace sluice {

struct GatewayError {
  int status = 500;
  std::string type;
  std::string code;
  std::optional<std::string> param;
  std::string message;

  // 400 invalid_request_error / invalid_request: malformed body, bad header, capability refusal.
  static GatewayError invalid_request(std::string message, std::optional<std::string> param = {});
  // 401 authentication_error with the given code (missing_authorization_header, api_key_not_found...).
  static GatewayError authentication(std::string code, std::string message);
  // 403 authentication_error / model_not_granted.
  static GatewayError model_not_granted(const std::string& model);
  // 404 not_found_error / model_not_found.
  static GatewayError model_not_found(const std::string& model);
  // 404 not_found_error / not_found for a path the gateway does not serve.
  static GatewayError unknown_path(const std::string& path);
  // 405 invalid_request_error / method_not_allowed.
  static GatewayError method_not_allowed(const std::string& method, const std::string& path);
  // 408 invalid_request_error / request_timeout: the caller was too slow sending its request.
  static GatewayError request_timeout();
  // 413 invalid_request_error / request_body_too_large.
  static GatewayError body_too_large(std::uint64_t limit_bytes);
  // 431 invalid_request_error / request_header_fields_too_large.
  static GatewayError headers_too_large(std::uint64_t limit_bytes);
  // 503 service_unavailable / server_draining: the gateway is shutting down.
  static GatewayError draining();
  // 401 authentication_error / sso_failed: a single sign-on login could not be completed (the
  // identity provider refused, answered something unusable, or the identity did not qualify). The
  // message says why, and never carries codes, tokens or client secrets.
  static GatewayError sso_failed(std::string message);
  // 500 internal_error / internal_error. The message never carries internals to the caller.
  static GatewayError internal();
};

}  // namespace sluice
