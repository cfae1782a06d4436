#include "upstream/UpstreamRequestMessage.h"

#include "upstream/UpstreamErrors.h"

#include <boost/beast/core/string.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <iterator>
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
                     [&](std::string_view owned) { return boost::beast::iequals(name, owned); });
}

// Methods whose requests carry a body by definition: they always state its length, even zero.
bool carries_body(http::verb method) {
  return method == http::verb::post || method == http::verb::put || method == http::verb::patch;
}

// One header line: "name: value\r\n".
void append_header(std::string& head, std::string_view name, std::string_view value) {
  head.append(name).append(": ").append(value).append("\r\n");
}

}  // namespace

Expected<RequestMessage> build_request_message(const UpstreamRequest& request, const UpstreamUrl& url) {
  bool has_user_agent = false;
  std::size_t header_bytes = 0;
  for (const auto& [name, value] : request.headers) {
    if (!is_token(name)) return invalid_request_header("");
    if (!is_safe_value(value)) return invalid_request_header(name);
    if (boost::beast::iequals(name, "user-agent")) has_user_agent = true;
    header_bytes += name.size() + value.size() + 4;
  }

  RequestMessage message;
  std::string& head = message.head;
  const std::string_view method = http::to_string(request.method);
  head.reserve(method.size() + url.target.size() + header_bytes + url.host_header.size() + 128);
  head.append(method).append(" ").append(url.target).append(" HTTP/1.1\r\n");
  const std::string* host = request.find_header("host");
  append_header(head, "Host", host != nullptr ? *host : url.host_header);
  if (carries_body(request.method) || !request.body.empty()) {
    char digits[24];
    const auto [end, error] = std::to_chars(std::begin(digits), std::end(digits), request.body.size());
    (void)error;  // 24 digits hold any size_t
    append_header(head, "Content-Length", std::string_view(digits, static_cast<std::size_t>(end - digits)));
  }
  append_header(head, "Connection", "keep-alive");
  for (const auto& [name, value] : request.headers) {
    if (!is_client_owned(name)) append_header(head, name, value);
  }
  if (!has_user_agent) append_header(head, "User-Agent", kDefaultUserAgent);
  head.append("\r\n");
  message.body = request.body;
  return message;
}

}  // namespace sluice::upstream
