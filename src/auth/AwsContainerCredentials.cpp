#include "auth/AwsContainerCredentials.h"

#include "auth/AwsCredentialDocument.h"
#include "upstream/UpstreamClient.h"

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>

namespace sluice::auth {

namespace {

constexpr std::string_view kEcsEndpoint = "http://169.254.170.2";
constexpr std::size_t kMaxAnswerBytes = 64 * 1024;
constexpr int kAttempts = 2;

bool is_allowed_address(const boost::asio::ip::address& address) {
  if (address.is_loopback()) return true;
  if (address.is_v4()) {
    const auto text = address.to_string();
    return text == "169.254.170.2" || text == "169.254.170.23";
  }
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return is_allowed_address(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6()));
  }
  return address == boost::asio::ip::make_address("fd00:ec2::23");
}

}  // namespace

bool container_endpoint_allowed(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return false;
  const std::string scheme(parsed->scheme());
  if (scheme == "https") return true;
  if (scheme != "http") return false;
  std::string host(parsed->encoded_host());
  if (host == "localhost") return true;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(host, error);
  return !error && is_allowed_address(address);
}

AwsContainerCredentials::AwsContainerCredentials(AwsCredentialContext context)
    : context_(std::move(context)) {}

boost::asio::awaitable<Expected<AwsCredentials>> AwsContainerCredentials::load() {
  std::string url;
  if (auto relative = context_.variable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    url = std::string(kEcsEndpoint) + (relative->starts_with('/') ? "" : "/") + *relative;
  } else if (auto full = context_.variable("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    if (!container_endpoint_allowed(*full)) {
      co_return credentials_unavailable(
          "AWS_CONTAINER_CREDENTIALS_FULL_URI is not https and its host is neither loopback nor "
          "169.254.170.2, 169.254.170.23 or fd00:ec2::23");
    }
    url = std::move(*full);
  } else {
    co_return credentials_unavailable(
        "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI set");
  }
  if (context_.http == nullptr) {
    co_return credentials_unavailable("the container source needs an HTTP client (gateway bug)");
  }

  upstream::UpstreamRequest request;
  request.method = boost::beast::http::verb::get;
  request.url = url;
  request.headers = {{"Accept", "application/json"}};
  std::optional<std::string> token;
  if (auto token_file = context_.variable("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    token = read_credential_file(*token_file);
    if (!token) {
      co_return credentials_unavailable(fmt::format(
          "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {} cannot be read", *token_file));
    }
    while (!token->empty() && (token->back() == '\n' || token->back() == '\r')) token->pop_back();
  } else {
    token = context_.variable("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  }
  if (token) {
    if (token->find_first_of("\r\n") != std::string::npos) {
      co_return credentials_unavailable("the container authorization token contains a line break");
    }
    request.headers.emplace_back("Authorization", std::move(*token));
  }

  GatewayError last_error = credentials_unavailable("the container endpoint was not asked");
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    auto response = co_await context_.http->send(request, context_.container_deadlines);
    if (!response) {
      last_error = credentials_unavailable(
          fmt::format("container endpoint: {}", response.error().message));
      continue;
    }
    auto body = co_await response->read_all(kMaxAnswerBytes);
    if (!body) {
      last_error = credentials_unavailable(fmt::format("container endpoint: {}", body.error().message));
      continue;
    }
    const unsigned status = response->status();
    if (status != 200) {
      last_error = credentials_unavailable(fmt::format("container endpoint answered HTTP {}", status));
      if (status >= 500) continue;
      break;
    }
    co_return parse_credential_document(*body, {"Token", false}, "container",
                                        "the container endpoint's answer");
  }
  co_return last_error;
}

}  // namespace sluice::auth
