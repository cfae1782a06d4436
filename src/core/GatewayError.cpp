#include "core/GatewayError.h"

#include <fmt/format.h>

namespace sluice {

GatewayError GatewayError::invalid_request(std::string message, std::optional<std::string> param) {
  return {400, "invalid_request_error", "invalid_request", std::move(param), std::move(message)};
}

GatewayError GatewayError::authentication(std::string code, std::string message) {
  return {401, "authentication_error", std::move(code), std::nullopt, std::move(message)};
}

GatewayError GatewayError::model_not_granted(const std::string& model) {
  return {403, "authentication_error", "model_not_granted", "model",
          fmt::format("this API key is not allowed to use model `{}`", model)};
}

GatewayError GatewayError::model_not_found(const std::string& model) {
  return {404, "not_found_error", "model_not_found", "model",
          fmt::format("model `{}` does not exist", model)};
}

GatewayError GatewayError::unknown_path(const std::string& path) {
  return {404, "not_found_error", "not_found", std::nullopt,
          fmt::format("no such endpoint: {}", path)};
}

GatewayError GatewayError::method_not_allowed(const std::string& method, const std::string& path) {
  return {405, "invalid_request_error", "method_not_allowed", std::nullopt,
          fmt::format("method {} is not allowed on {}", method, path)};
}

GatewayError GatewayError::request_timeout() {
  return {408, "invalid_request_error", "request_timeout", std::nullopt,
          "the request was not received in time"};
}

GatewayError GatewayError::body_too_large(std::uint64_t limit_bytes) {
  return {413, "invalid_request_error", "request_body_too_large", std::nullopt,
          fmt::format("request body exceeds the limit of {} bytes", limit_bytes)};
}

GatewayError GatewayError::headers_too_large(std::uint64_t limit_bytes) {
  return {431, "invalid_request_error", "request_header_fields_too_large", std::nullopt,
          fmt::format("request head exceeds the limit of {} bytes", limit_bytes)};
}

GatewayError GatewayError::draining() {
  return {503, "service_unavailable", "server_draining", std::nullopt,
          "the gateway is shutting down; retry on another instance"};
}

GatewayError GatewayError::sso_failed(std::string message) {
  return {401, "authentication_error", "sso_failed", std::nullopt, std::move(message)};
}

GatewayError GatewayError::internal() {
  return {500, "internal_error", "internal_error", std::nullopt, "internal error"};
}

}  // namespace sluice
