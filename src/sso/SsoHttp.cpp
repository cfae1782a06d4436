#include "sso/SsoHttp.h"

#include "core/JsonMembers.h"
#include "core/PercentEncoding.h"
#include "upstream/UpstreamClient.h"

#include <boost/json/parse.hpp>

#include <openssl/evp.h>

#include <fmt/format.h>

namespace sluice::sso {
namespace {

constexpr std::size_t kMaxAnswerBytes = 1024 * 1024;

std::string base64(std::string_view bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  text.resize(static_cast<std::size_t>(written));
  return text;
}

}  // namespace

std::string form_encode(std::string_view text) {
  return percent_encode(text);
}

std::string form_body(const FormFields& fields) {
  std::string body;
  for (const auto& [name, value] : fields) {
    if (!body.empty()) body += '&';
    body += form_encode(name);
    body += '=';
    body += form_encode(value);
  }
  return body;
}

std::string with_query(std::string_view url, const FormFields& fields) {
  std::string out(url);
  if (fields.empty()) return out;
  const auto question = out.find('?');
  if (question == std::string::npos) {
    out += '?';
  } else if (out.back() != '?' && out.back() != '&') {
    out += '&';
  }
  out += form_body(fields);
  return out;
}

std::string basic_client_authorization(std::string_view client_id, std::string_view client_secret) {
  return "Basic " + base64(form_encode(client_id) + ":" + form_encode(client_secret));
}

std::string without_trailing_slash(std::string_view url) {
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return std::string(url);
}

boost::asio::awaitable<Expected<JsonAnswer>> send_for_json(upstream::UpstreamClient& http,
                                                           const upstream::UpstreamRequest& request,
                                                           const upstream::UpstreamDeadlines& deadlines,
                                                           const std::string& what) {
  auto response = co_await http.send(request, deadlines);
  if (!response) {
    co_return GatewayError::sso_failed(fmt::format("{} could not be fetched: {}", what, response.error().message));
  }
  auto body = co_await response->read_all(kMaxAnswerBytes);
  if (!body) {
    co_return GatewayError::sso_failed(fmt::format("{} could not be read: {}", what, body.error().message));
  }
  JsonAnswer answer;
  answer.status = response->status();
  boost::system::error_code error;
  answer.body = boost::json::parse(*body, error);
  if (error) {
    co_return GatewayError::sso_failed(fmt::format("{} answered HTTP {} that is not JSON", what, answer.status));
  }
  co_return answer;
}

std::string oauth_error_code(const boost::json::value& body) {
  const auto* object = body.if_object();
  if (object == nullptr) return {};
  const std::string_view code = json_members::string_member(*object, "error");
  if (code.empty() || code.size() > 64) return {};
  for (const char c : code) {
    const bool token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                       c == '-' || c == '.';
    if (!token) return {};
  }
  return std::string(code);
}

}  // namespace sluice::sso
