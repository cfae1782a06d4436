#include "auth/SigV4Canonical.h"

#include "core/PercentEncoding.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>
#include <vector>

namespace sluice::auth::sigv4 {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Splits on `separator`, keeping empty pieces ("/a//b" gives "", "a", "", "b").
std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      pieces.push_back(text.substr(start));
      return pieces;
    }
    pieces.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

std::string encode_segment(std::string_view segment, bool double_encode) {
  return double_encode ? uri_encode(segment) : uri_encode(percent_decode(segment));
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  return percent_encode(text, keep_slash);
}

std::string percent_decode(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      decoded += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

std::string canonical_uri(std::string_view path, bool double_encode, bool normalize) {
  if (path.empty()) return "/";
  // A target always starts with "/"; UpstreamUrl adds one to a URL without a path, so do the same.
  const std::string rooted = path.front() == '/' ? std::string(path) : "/" + std::string(path);
  std::vector<std::string_view> segments = split(std::string_view(rooted).substr(1), '/');

  if (!normalize) {
    std::string result;
    for (const std::string_view segment : segments) result += "/" + encode_segment(segment, double_encode);
    return result;
  }

  // Dot segments are recognised as written: an escaped "%2E" is a name, not a dot segment, just
  // as the server that resolves the path will see it.
  std::vector<std::string_view> kept;
  for (const std::string_view segment : segments) {
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
      continue;
    }
    kept.push_back(segment);
  }
  std::string result;
  for (const std::string_view segment : kept) result += "/" + encode_segment(segment, double_encode);
  if (kept.empty() || rooted.back() == '/') result += '/';
  return result;
}

std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> parameters;
  for (const std::string_view parameter : split(query, '&')) {
    if (parameter.empty()) continue;
    const std::size_t equals = parameter.find('=');
    const std::string_view name = parameter.substr(0, equals);
    const std::string_view value =
        equals == std::string_view::npos ? std::string_view() : parameter.substr(equals + 1);
    parameters.emplace_back(uri_encode(percent_decode(name)), uri_encode(percent_decode(value)));
  }
  // Sorted on the encoded bytes: that is what AWS compares, and it differs from sorting the
  // decoded text for anything outside ASCII letters and digits.
  std::sort(parameters.begin(), parameters.end());
  std::string result;
  for (const auto& [name, value] : parameters) {
    if (!result.empty()) result += '&';
    result += name;
    result += '=';
    result += value;
  }
  return result;
}

std::string canonical_header_value(std::string_view value) {
  std::string result;
  result.reserve(value.size());
  bool in_blank_run = false;
  for (const char c : value) {
    if (is_blank(c)) {
      in_blank_run = true;
      continue;
    }
    if (in_blank_run && !result.empty()) result += ' ';
    in_blank_run = false;
    result += c;
  }
  return result;
}

bool is_signed_header(std::string_view lower_case_name) {
  static constexpr std::array<std::string_view, 12> kUnsigned = {
      "authorization", "user-agent", "x-amzn-trace-id",  "expect",  "connection", "keep-alive",
      "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"};
  return std::find(kUnsigned.begin(), kUnsigned.end(), lower_case_name) == kUnsigned.end();
}

std::string amz_date(std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  const auto seconds = floor<std::chrono::seconds>(now);
  const auto day = floor<days>(seconds);
  const year_month_day date{day};
  const hh_mm_ss time{seconds - day};
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     time.hours().count(), time.minutes().count(), time.seconds().count());
}

std::string amz_day(std::chrono::system_clock::time_point now) { return amz_date(now).substr(0, 8); }

UrlTarget split_url_target(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    throw std::invalid_argument("SigV4: the request URL is not absolute (no scheme://)");
  }
  const std::string_view after_scheme = url.substr(scheme_end + 3);
  const std::size_t authority_end = after_scheme.find_first_of("/?#");
  if (authority_end == std::string_view::npos) return {};
  std::string_view target = after_scheme.substr(authority_end);
  target = target.substr(0, target.find('#'));  // a fragment is never sent
  const std::size_t question = target.find('?');
  if (question == std::string_view::npos) return {target, {}};
  return {target.substr(0, question), target.substr(question + 1)};
}

}  // namespace sluice::auth::sigv4
