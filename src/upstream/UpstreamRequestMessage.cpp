#include "upstream/UpstreamRequestMessage.h"

#include "upstream/UpstreamErrors.h"

#include <boost/algorithm/string/predicate.hpp>

#include <algorithm>
#include <array>
#include <string_view>

namespace sluice::upstream {

namespace http = boost::beast::http;

namespace {

constexpr std::string_view kDefaultUserAgent = "sluice/0.1";

// Headers that frame the message on this connection; the client writes them itself.
constexpr std::array<std::string_view, 4> kClientOwnedHeaders = {"host", "content-length", "connection",
                                                                 "transfer-encoding"};

// RFC 9110 token characters: the only ones a header name may hold.
bool is_token(std::string_view text) {
  constexpr std::string_view kTokenPunctuation = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           kTokenPunctuation.find(c) != std::string_view::npos;
  });
}

// CR and LF would end the header line early (header injection); NUL is refused by most servers.
bool is_safe_value(std::string_view value) { return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos; }

bool is_client_owned(std::string_view name) {
  return std::any_of(kClientOwnedHeaders.begin(), kClientOwnedHeaders.end(),
                     [&](std::string_view owned) { return boost::algorithm::iequals(name, owned); });
}

// Methods whose requests carry a body by definition: they always state its length, even zero.
bool carries_body(http::verb method) {
  return method == http::verb::post || method == http::verb::put || method == http::verb::patch;
}

}  // namespace

Expected<RequestMessage> build_request_message(const UpstreamRequest& request, const UpstreamUrl& url) {
  bool has_user_agent = false;
  for (const auto& [name, value] : request.headers) {
    if (!is_token(name)) return invalid_request_header("");
    if (!is_safe_value(value)) return invalid_request_header(name);
    if (boost::algorithm::iequals(name, "user-agent")) has_user_agent = true;
  }

  RequestMessage message{request.method, url.target, 11};
  const std::string* host = request.find_header("host");
  message.set(http::field::host, host != nullptr ? *host : url.host_header);
  if (carries_body(request.method) || !request.body.empty()) {
    message.set(http::field::content_length, std::to_string(request.body.size()));
  }
  message.set(http::field::connection, "keep-alive");
  for (const auto& [name, value] : request.headers) {
    if (!is_client_owned(name)) message.insert(name, value);
  }
  if (!has_user_agent) message.set(http::field::user_agent, kDefaultUserAgent);
  message.body() = http::span_body<const char>::value_type(request.body.data(), request.body.size());
  return message;
}

}  // namespace sluice::upstream
