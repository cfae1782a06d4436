#include "upstream/UpstreamErrors.h"

#include <fmt/format.h>

namespace sluice::upstream {

GatewayError upstream_timeout(std::string message) {
  return {504, "upstream_error", "upstream_timeout", std::nullopt, std::move(message)};
}

GatewayError upstream_transport(std::string message) {
  return {502, "upstream_error", "upstream_transport", std::nullopt, std::move(message)};
}

GatewayError transport_failed(std::string_view doing, std::string_view peer, const boost::system::error_code& error) {
  return upstream_transport(fmt::format("{} {} failed: {}", doing, peer, error.message()));
}

GatewayError timed_out(std::string_view doing, std::string_view peer, const Deadline& deadline) {
  return upstream_timeout(fmt::format("{} {} timed out: the {} deadline of {} ms passed", doing, peer,
                                      deadline.rule, deadline.budget.count()));
}

GatewayError tls_verification_failed(std::string_view host, std::string_view reason) {
  return upstream_transport(fmt::format("TLS verification failed for host {}: {}", host, reason));
}

GatewayError response_incomplete(std::string_view peer) {
  return upstream_transport(fmt::format("{} closed the connection before the response was complete", peer));
}

GatewayError response_malformed(std::string_view peer, const boost::system::error_code& error) {
  return upstream_transport(fmt::format("the response from {} is not valid HTTP: {}", peer, error.message()));
}

GatewayError exchange_cancelled(std::string_view peer) {
  return upstream_transport(fmt::format("the exchange with {} was cancelled", peer));
}

GatewayError response_too_large(std::string_view peer, std::uint64_t limit_bytes) {
  return upstream_transport(fmt::format("the response body from {} exceeds the limit of {} bytes", peer, limit_bytes));
}

GatewayError invalid_upstream_url(std::string_view why) {
  return upstream_transport(fmt::format("the upstream URL is not usable: {}", why));
}

GatewayError invalid_request_header(std::string_view name) {
  if (name.empty()) return upstream_transport("an upstream request header has an invalid name");
  return upstream_transport(fmt::format("upstream request header `{}` has a value with forbidden characters", name));
}

}  // namespace sluice::upstream
