// ValueSyntax: the small languages that live inside configuration values — socket addresses, URLs,
// email addresses and domains, cron schedules, redaction paths, OAuth scopes, header names, base64.
//
// Pure functions with no diagnostics of their own: the section readers decide what a failure means
// and word the message, these only answer "is this well-formed, and what are its parts".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::config {

// The text without surrounding spaces, tabs and line breaks.
std::string trimmed(std::string_view text);

// YAML 1.2 core-schema spellings, as the reference's parser reads plain scalars: only
// true/True/TRUE/false/False/FALSE are booleans (`yes` and `on` are strings), and `.inf`, `-.inf`,
// `.nan` (with their capitalised forms) are the special floats.
std::optional<bool> yaml_bool(std::string_view text);
std::optional<double> yaml_special_float(std::string_view text);

// `host:port`, `[ipv6]:port`. The host is returned without brackets, ready for an address parser.
struct SocketAddress {
  std::string host;
  std::uint16_t port = 0;
};
std::optional<SocketAddress> parse_socket_address(std::string_view text);

// An absolute URI split into what the rules look at. Scheme is lower-cased.
struct UriParts {
  std::string scheme;
  std::string host;     // without port; brackets kept for IPv6 literals
  std::string origin;   // scheme://host[:port]
  std::string path;
  bool has_userinfo = false;
  bool has_query = false;
  bool has_fragment = false;
};
std::optional<UriParts> parse_uri(std::string_view text);

bool is_hostname(std::string_view text);
bool is_valid_email(std::string_view email);  // after normalize_email

// Trimmed and lower-cased; what emails and team keys are compared as.
std::string normalize_email(std::string_view text);
std::string normalize_key(std::string_view text);

// An `allowed_email_domains` entry: trimmed, lower-cased, trailing dot removed. On failure returns
// nullopt and sets `why` ("is an email address", "contains a wildcard", ...).
std::optional<std::string> normalize_email_domain(std::string_view text, std::string& why);

// A 5-field cron schedule that fires at most once a day; nullopt when fine, else the reason.
std::optional<std::string> daily_cron_problem(std::string_view schedule);

// A request_logging redaction path (`body.metadata.*`); nullopt when fine, else the reason.
std::optional<std::string> redaction_path_problem(std::string_view path);

// RFC 6749 scope-token: printable ASCII except space, `"` and `\`.
bool is_oauth_scope(std::string_view scope);

// RFC 9110 token, what an HTTP header name must be.
bool is_http_token(std::string_view text);

// Bytes a standard (padded or unpadded) base64 string decodes to; nullopt when it is not base64.
std::optional<std::size_t> base64_decoded_size(std::string_view text);

}  // namespace sluice::config
