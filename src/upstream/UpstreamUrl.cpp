#include "upstream/UpstreamUrl.h"

#include "upstream/UpstreamErrors.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <charconv>

namespace sluice::upstream {

namespace urls = boost::urls;

namespace {

std::string lower_case(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return text;
}

}  // namespace

Expected<UpstreamUrl> UpstreamUrl::parse(std::string_view text) {
  const auto parsed = urls::parse_uri(text);
  if (!parsed) return invalid_upstream_url("not an absolute URL");
  const urls::url_view& url = *parsed;

  UpstreamUrl result;
  std::uint16_t default_port = 0;
  if (url.scheme_id() == urls::scheme::https) {
    result.tls = true;
    default_port = 443;
  } else if (url.scheme_id() == urls::scheme::http) {
    default_port = 80;
  } else {
    return invalid_upstream_url("the scheme must be http or https");
  }
  if (url.has_userinfo()) return invalid_upstream_url("user information in URLs is not supported");

  switch (url.host_type()) {
    case urls::host_type::name:
      result.host = lower_case(url.host_address());
      // What DNS and certificate names can hold; percent-decoding must not smuggle in anything else.
      if (result.host.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-_") != std::string::npos) {
        return invalid_upstream_url("the host name holds characters DNS names cannot");
      }
      break;
    case urls::host_type::ipv4:
    case urls::host_type::ipv6:
      result.host = lower_case(url.host_address());
      result.host_is_ip = true;
      break;
    default:
      return invalid_upstream_url("the host must be a name or an IP address");
  }
  if (result.host.empty()) return invalid_upstream_url("the host is empty");

  result.port = default_port;
  if (url.has_port() && !url.port().empty()) {
    const std::string_view digits = url.port();
    unsigned value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size() || value == 0 || value > 65535) {
      return invalid_upstream_url("the port must be between 1 and 65535");
    }
    result.port = static_cast<std::uint16_t>(value);
  }

  const std::string bracketed_host =
      url.host_type() == urls::host_type::ipv6 ? "[" + result.host + "]" : result.host;
  result.host_header = bracketed_host;
  if (result.port != default_port) result.host_header += ":" + std::to_string(result.port);
  result.peer = bracketed_host + ":" + std::to_string(result.port);
  result.origin = std::string(result.tls ? "https://" : "http://") + result.peer;

  result.target = std::string(url.encoded_target());
  if (result.target.empty() || result.target.front() != '/') result.target.insert(0, "/");
  return result;
}

}  // namespace sluice::upstream
