#include "auth/AwsStsClient.h"

#include "auth/AwsCredentialDocument.h"
#include "auth/SigV4Signer.h"
#include "upstream/UpstreamClient.h"

#include <fmt/format.h>

#include <stdexcept>

namespace sluice::auth {

namespace {

constexpr std::size_t kMaxStsAnswerBytes = 256 * 1024;
constexpr std::size_t kMaxErrorMessageChars = 400;

// Decodes the five predefined XML entities and numeric character references (ASCII and UTF-8).
std::string xml_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    const auto semicolon = text.find(';', i);
    if (semicolon == std::string_view::npos || semicolon - i > 10) {
      out += text[i];
      continue;
    }
    const std::string_view entity = text.substr(i + 1, semicolon - i - 1);
    std::optional<unsigned long> code;
    if (entity == "amp") code = '&';
    else if (entity == "lt") code = '<';
    else if (entity == "gt") code = '>';
    else if (entity == "quot") code = '"';
    else if (entity == "apos") code = '\'';
    else if (entity.size() > 1 && entity[0] == '#') {
      const bool hex = entity[1] == 'x' || entity[1] == 'X';
      const std::string digits(entity.substr(hex ? 2 : 1));
      if (!digits.empty() && digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") ==
                                 std::string::npos) {
        code = std::stoul(digits, nullptr, hex ? 16 : 10);
      }
    }
    if (!code || *code > 0x10FFFF) {
      out += text[i];
      continue;
    }
    // UTF-8 encode the code point.
    const unsigned long c = *code;
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
    i = semicolon;
  }
  return out;
}

// The raw inside of the first <element ...>...</element>; a self-closing <element/> is empty.
std::optional<std::string_view> xml_element_raw(std::string_view xml, std::string_view element) {
  const std::string open = "<" + std::string(element);
  std::size_t search = 0;
  while (true) {
    const auto start = xml.find(open, search);
    if (start == std::string_view::npos) return std::nullopt;
    const auto after_name = start + open.size();
    if (after_name >= xml.size()) return std::nullopt;
    const char next = xml[after_name];
    // `<AccessKeyIdX>` is another element; `<AccessKeyId>` or `<AccessKeyId attr=...>` is ours.
    if (next != '>' && next != ' ' && next != '\t' && next != '\r' && next != '\n' && next != '/') {
      search = after_name;
      continue;
    }
    const auto head_end = xml.find('>', after_name);
    if (head_end == std::string_view::npos) return std::nullopt;
    if (xml[head_end - 1] == '/') return std::string_view{};
    const std::string close = "</" + std::string(element) + ">";
    const auto end = xml.find(close, head_end + 1);
    if (end == std::string_view::npos) return std::nullopt;
    return xml.substr(head_end + 1, end - head_end - 1);
  }
}

std::string trimmed(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

upstream::UpstreamRequest form_post(const std::string& endpoint, std::string body) {
  upstream::UpstreamRequest request;
  request.method = boost::beast::http::verb::post;
  request.url = endpoint;
  if (request.url.find('/', request.url.find("://") + 3) == std::string::npos) request.url += '/';
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                     {"Accept", "text/xml"}};
  request.body = std::move(body);
  return request;
}

void append_field(std::string& body, std::string_view name, std::string_view value) {
  body += '&';
  body += name;
  body += '=';
  body += aws_form_encode(value);
}

}  // namespace

AwsStsClient::AwsStsClient(upstream::UpstreamClient& http, std::string endpoint, std::string region,
                           upstream::UpstreamDeadlines deadlines, AwsClock now)
    : http_(http),
      endpoint_(std::move(endpoint)),
      region_(std::move(region)),
      deadlines_(deadlines),
      now_(std::move(now)) {}

boost::asio::awaitable<Expected<AwsCredentials>> AwsStsClient::assume_role(
    const AwsAssumeRoleParameters& parameters, const AwsCredentials& source_credentials) {
  std::string body = "Action=AssumeRole&Version=2011-06-15";
  append_field(body, "RoleArn", parameters.role_arn);
  append_field(body, "RoleSessionName", parameters.role_session_name);
  if (parameters.duration_seconds) {
    append_field(body, "DurationSeconds", std::to_string(*parameters.duration_seconds));
  }
  if (parameters.external_id) append_field(body, "ExternalId", *parameters.external_id);
  upstream::UpstreamRequest request = form_post(endpoint_, std::move(body));
  try {
    SigV4Signer(region_, "sts").sign(request, source_credentials, now_());
  } catch (const std::invalid_argument& error) {
    co_return credentials_unavailable(fmt::format("STS AssumeRole could not be signed: {}", error.what()));
  }
  co_return co_await call("AssumeRole", std::move(request));
}

boost::asio::awaitable<Expected<AwsCredentials>> AwsStsClient::assume_role_with_web_identity(
    const AwsWebIdentityParameters& parameters) {
  std::string body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15";
  append_field(body, "RoleArn", parameters.role_arn);
  append_field(body, "RoleSessionName", parameters.role_session_name);
  if (parameters.duration_seconds) {
    append_field(body, "DurationSeconds", std::to_string(*parameters.duration_seconds));
  }
  append_field(body, "WebIdentityToken", parameters.web_identity_token.reveal());
  co_return co_await call("AssumeRoleWithWebIdentity", form_post(endpoint_, std::move(body)));
}

boost::asio::awaitable<Expected<AwsCredentials>> AwsStsClient::call(std::string_view action,
                                                                     upstream::UpstreamRequest request) {
  const std::string what(action);  // `action` names a literal, but the frame outlives nothing here
  auto response = co_await http_.send(request, deadlines_);
  if (!response) {
    co_return credentials_unavailable(
        fmt::format("STS {} failed: {}", what, response.error().message));
  }
  auto body = co_await response->read_all(kMaxStsAnswerBytes);
  if (!body) {
    co_return credentials_unavailable(fmt::format("STS {} failed: {}", what, body.error().message));
  }
  if (response->status() != 200) co_return sts_error(what, response->status(), *body);
  co_return parse_sts_credentials(
      *body, action == "AssumeRole" ? "sts-assume-role" : "sts-assume-role-with-web-identity");
}

std::string sts_region(const AwsCredentialContext& context, const AwsProfile* profile) {
  if (auto region = context.variable("AWS_REGION")) return *region;
  if (auto region = context.variable("AWS_DEFAULT_REGION")) return *region;
  if (profile) {
    if (auto region = profile_value(*profile, "region")) return *region;
  }
  if (!context.region.empty()) return context.region;
  return "us-east-1";
}

std::string sts_endpoint(const AwsCredentialContext& context, std::string_view region) {
  if (auto endpoint = context.variable("AWS_ENDPOINT_URL_STS")) return *endpoint;
  const bool china = region.starts_with("cn-");
  return fmt::format("https://sts.{}.amazonaws.com{}", region, china ? ".cn" : "");
}

std::string generated_role_session_name(std::chrono::system_clock::time_point now) {
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  return fmt::format("sluice-{}", millis);
}

std::optional<std::string> xml_element_text(std::string_view xml, std::string_view element) {
  auto raw = xml_element_raw(xml, element);
  if (!raw) return std::nullopt;
  return trimmed(xml_unescape(*raw));
}

Expected<AwsCredentials> parse_sts_credentials(std::string_view xml, std::string source) {
  const auto block = xml_element_raw(xml, "Credentials");
  if (!block) return credentials_unavailable("the STS answer has no Credentials element");
  auto access_key = xml_element_text(*block, "AccessKeyId");
  auto secret_key = xml_element_text(*block, "SecretAccessKey");
  auto session_token = xml_element_text(*block, "SessionToken");
  auto expiration = xml_element_text(*block, "Expiration");
  if (!access_key || access_key->empty()) {
    return credentials_unavailable("the STS answer has no AccessKeyId");
  }
  if (!secret_key || secret_key->empty()) {
    return credentials_unavailable("the STS answer has no SecretAccessKey");
  }
  if (!session_token || session_token->empty()) {
    return credentials_unavailable("the STS answer has no SessionToken");
  }
  if (!expiration) return credentials_unavailable("the STS answer has no Expiration");
  auto when = parse_aws_timestamp(*expiration);
  if (!when) return credentials_unavailable("the STS answer's Expiration is not ISO 8601");
  AwsCredentials credentials;
  credentials.access_key_id = config::Secret(std::move(*access_key));
  credentials.secret_access_key = config::Secret(std::move(*secret_key));
  credentials.session_token = config::Secret(std::move(*session_token));
  credentials.expiration = *when;
  credentials.source = std::move(source);
  return credentials;
}

GatewayError sts_error(std::string_view action, unsigned status, std::string_view xml) {
  const auto error_block = xml_element_raw(xml, "Error");
  const std::string_view scope = error_block ? *error_block : xml;
  const auto code = xml_element_text(scope, "Code");
  auto message = xml_element_text(scope, "Message");
  if (message && message->size() > kMaxErrorMessageChars) {
    message->resize(kMaxErrorMessageChars);
    *message += "...";
  }
  std::string text = fmt::format("STS {} failed: HTTP {}", action, status);
  if (code) text += " " + *code;
  if (message) text += ": " + *message;
  return credentials_unavailable(std::move(text));
}

}  // namespace sluice::auth
