#include "config/ValueSyntax.h"

#include <boost/url/parse.hpp>
#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <vector>

namespace sluice::config {

namespace {

bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::vector<std::string_view> split_whitespace(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  return fields;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  if (text.empty() || !std::all_of(text.begin(), text.end(), is_ascii_digit)) return std::nullopt;
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

bool looks_like_ipv4(std::string_view host) {
  return std::all_of(host.begin(), host.end(), [](char c) { return is_ascii_digit(c) || c == '.'; });
}

bool is_dns_label(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(),
                     [](char c) { return is_ascii_alpha(c) || is_ascii_digit(c) || c == '-'; });
}

std::optional<unsigned> parse_small_number(std::string_view text) {
  if (text.empty() || !std::all_of(text.begin(), text.end(), is_ascii_digit)) return std::nullopt;
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

std::optional<bool> yaml_bool(std::string_view text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  return std::nullopt;
}

std::optional<double> yaml_special_float(std::string_view text) {
  const bool negative = text.starts_with('-');
  if (negative || text.starts_with('+')) text.remove_prefix(1);
  if (text == ".inf" || text == ".Inf" || text == ".INF") {
    return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  if (!negative && (text == ".nan" || text == ".NaN" || text == ".NAN")) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return std::nullopt;
}

std::optional<SocketAddress> parse_socket_address(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (text.starts_with('[')) {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    if (!boost::urls::parse_ipv6_address(host)) return std::nullopt;
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    // A bare IPv6 address is ambiguous about where the port starts: brackets are required.
    if (host.find(':') != std::string_view::npos) return std::nullopt;
    const bool valid_host =
        looks_like_ipv4(host) ? static_cast<bool>(boost::urls::parse_ipv4_address(host)) : is_hostname(host);
    if (!valid_host) return std::nullopt;
  }
  const auto port_number = parse_port(port);
  if (!port_number) return std::nullopt;
  return SocketAddress{std::string(host), *port_number};
}

std::optional<UriParts> parse_uri(std::string_view text) {
  const auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return std::nullopt;
  UriParts parts;
  parts.scheme = lower_ascii(parsed->scheme());
  parts.host = std::string(parsed->encoded_host());
  parts.origin = parts.scheme + "://" + std::string(parsed->encoded_host_and_port());
  parts.path = std::string(parsed->encoded_path());
  parts.has_userinfo = parsed->has_userinfo();
  parts.has_query = parsed->has_query();
  parts.has_fragment = parsed->has_fragment();
  return parts;
}

bool is_hostname(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  const auto labels = split(text, '.');
  return std::all_of(labels.begin(), labels.end(), is_dns_label);
}

bool is_valid_email(std::string_view email) {
  const auto at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view local = email.substr(0, at);
  const std::string_view domain = email.substr(at + 1);
  const bool local_ok = !local.empty() && local.size() <= 64 &&
                        std::all_of(local.begin(), local.end(), [](char c) {
                          return c > ' ' && c < 0x7f && c != '"' && c != '(' && c != ')' &&
                                 c != ',' && c != ':' && c != ';' && c != '<' && c != '>' &&
                                 c != '[' && c != ']' && c != '\\';
                        });
  // Single-label domains are valid here on purpose: the reference's own default is `admin@local`.
  return local_ok && is_hostname(domain);
}

std::string normalize_email(std::string_view text) { return lower_ascii(trimmed(text)); }

std::string normalize_key(std::string_view text) { return lower_ascii(trimmed(text)); }

std::optional<std::string> normalize_email_domain(std::string_view text, std::string& why) {
  std::string domain = lower_ascii(trimmed(text));
  if (domain.ends_with('.')) domain.pop_back();
  if (domain.empty()) {
    why = "is empty";
  } else if (domain.find('@') != std::string::npos) {
    why = "is an email address, not a domain";
  } else if (domain.find("://") != std::string::npos || domain.find('/') != std::string::npos) {
    why = "is a URL, not a domain";
  } else if (domain.find('*') != std::string::npos) {
    why = "contains a wildcard; list each domain";
  } else if (domain.find('.') == std::string::npos) {
    why = "is a single-label name; use a full domain such as example.com";
  } else if (!is_hostname(domain)) {
    why = "contains characters not allowed in a DNS name";
  } else {
    return domain;
  }
  return std::nullopt;
}

std::optional<std::string> daily_cron_problem(std::string_view schedule) {
  const auto fields = split_whitespace(schedule);
  if (fields.size() != 5) {
    return fmt::format("must have exactly 5 fields (minute hour day month weekday), got {}",
                       fields.size());
  }
  for (const std::string_view field : fields) {
    const bool ok = std::all_of(field.begin(), field.end(), [](char c) {
      return is_ascii_digit(c) || is_ascii_alpha(c) || c == '*' || c == ',' || c == '-' || c == '/';
    });
    if (!ok) return fmt::format("field `{}` is not a cron field", field);
  }
  // Once a day at most means one fixed minute of one fixed hour; the day fields may be anything.
  const auto minute = parse_small_number(fields[0]);
  const auto hour = parse_small_number(fields[1]);
  if (!minute || !hour) return std::string("must not run more frequently than once per day");
  if (*minute > 59) return fmt::format("minute {} is out of range (0..59)", *minute);
  if (*hour > 23) return fmt::format("hour {} is out of range (0..23)", *hour);
  return std::nullopt;
}

std::optional<std::string> redaction_path_problem(std::string_view path) {
  if (path.empty()) return std::string("is empty");
  for (const std::string_view segment : split(path, '.')) {
    if (segment.empty()) return std::string("has an empty segment");
    if (segment.find_first_of("[]") != std::string_view::npos) {
      return std::string("uses an index; paths are dot-separated keys, `*` matches any one key");
    }
    if (segment != "*" && segment.find('*') != std::string_view::npos) {
      return std::string("uses `*` inside a segment; `*` must be a whole segment");
    }
  }
  return std::nullopt;
}

bool is_oauth_scope(std::string_view scope) {
  return !scope.empty() && std::all_of(scope.begin(), scope.end(), [](char c) {
    return c >= 0x21 && c <= 0x7e && c != '"' && c != '\\';
  });
}

bool is_http_token(std::string_view text) {
  constexpr std::string_view kTokenPunctuation = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) {
    return is_ascii_alpha(c) || is_ascii_digit(c) || kTokenPunctuation.find(c) != std::string_view::npos;
  });
}

std::optional<std::size_t> base64_decoded_size(std::string_view text) {
  std::size_t padding = 0;
  while (!text.empty() && text.back() == '=' && padding < 2) {
    text.remove_suffix(1);
    ++padding;
  }
  const bool alphabet_ok = std::all_of(text.begin(), text.end(), [](char c) {
    return is_ascii_alpha(c) || is_ascii_digit(c) || c == '+' || c == '/';
  });
  if (!alphabet_ok || text.size() % 4 == 1) return std::nullopt;
  if (padding > 0 && (text.size() + padding) % 4 != 0) return std::nullopt;
  return text.size() * 3 / 4;
}

}  // namespace sluice::config
