#include "auth/AwsInstanceMetadataCredentials.h"

#include "auth/AwsCredentialDocument.h"
#include "upstream/UpstreamClient.h"

#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include <cctype>
#include <charconv>

namespace sluice::auth {

namespace {

constexpr std::string_view kTokenPath = "/latest/api/token";
constexpr std::string_view kRolesPath = "/latest/meta-data/iam/security-credentials/";
constexpr std::string_view kTokenTtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";
constexpr std::string_view kTokenHeader = "X-aws-ec2-metadata-token";
constexpr std::string_view kTokenTtlSeconds = "21600";  // six hours, the SDKs' choice
constexpr std::size_t kMaxAnswerBytes = 64 * 1024;

bool is_true(const std::optional<std::string>& value) {
  if (!value) return false;
  std::string lowered = *value;
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lowered == "true";
}

int positive_integer(const std::optional<std::string>& value, int fallback) {
  if (!value) return fallback;
  int parsed = 0;
  const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), parsed);
  if (error != std::errc() || end != value->data() + value->size() || parsed <= 0) return fallback;
  return parsed;
}

struct Answer {
  unsigned status = 0;
  std::string body;
};

}  // namespace

AwsInstanceMetadataCredentials::AwsInstanceMetadataCredentials(AwsCredentialContext context)
    : context_(std::move(context)) {}

boost::asio::awaitable<Expected<AwsCredentials>> AwsInstanceMetadataCredentials::load() {
  if (is_true(context_.variable("AWS_EC2_METADATA_DISABLED"))) {
    co_return credentials_unavailable("AWS_EC2_METADATA_DISABLED is true");
  }
  if (context_.http == nullptr) {
    co_return credentials_unavailable("the instance metadata source needs an HTTP client (gateway bug)");
  }
  std::string endpoint = context_.variable("AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or("");
  if (endpoint.empty()) {
    const auto mode = context_.variable("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
    endpoint = mode && (*mode == "IPv6" || *mode == "ipv6") ? "http://[fd00:ec2::254]"
                                                            : "http://169.254.169.254";
  }
  while (endpoint.ends_with('/')) endpoint.pop_back();

  const std::chrono::milliseconds timeout{
      1000 * positive_integer(context_.variable("AWS_METADATA_SERVICE_TIMEOUT"), 1)};
  const upstream::UpstreamDeadlines deadlines{timeout, timeout, 2 * timeout};
  const int attempts = positive_integer(context_.variable("AWS_METADATA_SERVICE_NUM_ATTEMPTS"), 1);
  upstream::UpstreamClient& http = *context_.http;

  // One call, tried `attempts` times on transport failures and 5xx.
  auto ask = [&](boost::beast::http::verb method, std::string path,
                 std::vector<std::pair<std::string, std::string>> headers)
      -> boost::asio::awaitable<Expected<Answer>> {
    upstream::UpstreamRequest request;
    request.method = method;
    request.url = endpoint + path;
    request.headers = std::move(headers);
    std::optional<GatewayError> last_error;
    for (int attempt = 1; attempt <= attempts; ++attempt) {
      auto response = co_await http.send(request, deadlines);
      if (!response) {
        last_error = response.error();
        continue;
      }
      auto body = co_await response->read_all(kMaxAnswerBytes);
      if (!body) {
        last_error = body.error();
        continue;
      }
      if (response->status() >= 500 && attempt < attempts) continue;
      co_return Answer{response->status(), std::move(*body)};
    }
    co_return credentials_unavailable(last_error ? last_error->message : "no answer");
  };

  // (Header lists are built as named vectors: g++ 12 miscompiles braced lists inside co_await.)
  std::vector<std::pair<std::string, std::string>> ttl_headers;
  ttl_headers.emplace_back(kTokenTtlHeader, kTokenTtlSeconds);
  std::vector<std::pair<std::string, std::string>> token_headers;
  auto token_answer = co_await ask(boost::beast::http::verb::put, std::string(kTokenPath), ttl_headers);
  if (!token_answer) co_return token_answer.error();
  if (token_answer->status == 200 && !token_answer->body.empty()) {
    token_headers.emplace_back(std::string(kTokenHeader), std::move(token_answer->body));
  } else if (token_answer->status == 404 || token_answer->status == 405) {
    if (is_true(context_.variable("AWS_EC2_METADATA_V1_DISABLED"))) {
      co_return credentials_unavailable(fmt::format(
          "instance metadata gave no session token (HTTP {}) and AWS_EC2_METADATA_V1_DISABLED is true",
          token_answer->status));
    }
    // IMDSv1 only: ask on without a token.
  } else {
    co_return credentials_unavailable(
        fmt::format("instance metadata refused a session token (HTTP {})", token_answer->status));
  }

  auto roles = co_await ask(boost::beast::http::verb::get, std::string(kRolesPath), token_headers);
  if (!roles) co_return roles.error();
  if (roles->status == 404) co_return credentials_unavailable("no IAM role is attached to this instance");
  if (roles->status != 200) {
    co_return credentials_unavailable(
        fmt::format("instance metadata answered HTTP {} for the role name", roles->status));
  }
  std::string_view listing = roles->body;
  const std::string role(listing.substr(0, listing.find_first_of("\r\n")));
  if (role.empty()) co_return credentials_unavailable("no IAM role is attached to this instance");

  auto document = co_await ask(boost::beast::http::verb::get, std::string(kRolesPath) + role, token_headers);
  if (!document) co_return document.error();
  if (document->status != 200) {
    co_return credentials_unavailable(fmt::format(
        "instance metadata answered HTTP {} for the credentials of role {}", document->status, role));
  }
  // {"Code": "Success", ...}: any other Code means the instance profile is broken.
  boost::system::error_code error;
  const auto parsed = boost::json::parse(document->body, error);
  if (!error && parsed.is_object()) {
    const auto* code = parsed.get_object().if_contains("Code");
    if (code && code->is_string() && code->get_string() != "Success") {
      co_return credentials_unavailable(fmt::format(
          "instance metadata reports Code {} for role {}", std::string(code->get_string()), role));
    }
  }
  co_return parse_credential_document(document->body, {"Token", false},
                                      "instance-metadata:role " + role,
                                      "the instance metadata credentials document");
}

}  // namespace sluice::auth
