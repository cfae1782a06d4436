// SsoHttp: what OidcClient and GitHubOAuthClient share on the wire — form and query encoding,
// HTTP Basic client authentication, and one request whose JSON answer is read whole.
//
// Error messages name the call (`what`: "the OIDC discovery document of `okta`") and the HTTP
// status, never a URL's query, a header or a body: those carry codes, tokens and client secrets.
#pragma once

#include "core/Expected.h"
#include "upstream/UpstreamDeadlines.h"
#include "upstream/UpstreamRequest.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::upstream {
class UpstreamClient;
}

namespace sluice::sso {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// application/x-www-form-urlencoded value: unreserved characters (A-Z a-z 0-9 - . _ ~) as they
// are, every other byte %XX (a space too, which every form decoder reads back as a space).
std::string form_encode(std::string_view text);

// "a=1&b=2", each name and value form_encode()d.
std::string form_body(const FormFields& fields);

// `url` with `fields` appended to its query (after `?`, or `&` when it already has a query).
std::string with_query(std::string_view url, const FormFields& fields);

// The Authorization value of client_secret_basic (RFC 6749 §2.3.1): "Basic " + base64 of the
// form-encoded client id, ":", and the form-encoded secret.
std::string basic_client_authorization(std::string_view client_id, std::string_view client_secret);

// `url` without trailing slashes.
std::string without_trailing_slash(std::string_view url);

// An answer's status and its body parsed as JSON.
struct JsonAnswer {
  unsigned status = 0;
  boost::json::value body;
};

// Sends `request` and reads the whole answer (at most 1 MiB) as JSON, whatever its status. A
// transport failure, an oversized body, or a body that is not JSON is sso_failed naming `what`.
boost::asio::awaitable<Expected<JsonAnswer>> send_for_json(upstream::UpstreamClient& http,
                                                           const upstream::UpstreamRequest& request,
                                                           const upstream::UpstreamDeadlines& deadlines,
                                                           const std::string& what);

// The short, printable OAuth `error` code of an error answer (RFC 6749 §5.2), for messages: the
// `error` member when it is a plain token, else nothing. `error_description` is never used: a
// provider may echo the request in it.
std::string oauth_error_code(const boost::json::value& body);

}  // namespace sluice::sso
