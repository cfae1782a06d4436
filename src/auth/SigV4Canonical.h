// SigV4Canonical: the text transformations of AWS Signature Version 4's canonical request.
//
// SigV4 signs a canonical form of the request, not the bytes on the wire, so the signer and AWS
// must agree on every rule below character for character. They are pure functions on strings,
// kept apart from SigV4Signer so each rule can be tested on its own against the AWS signing test
// suites (../shared/vectors/sigv4/). Rules, per AWS's "Create a canonical request":
//   URI encoding  RFC 3986 unreserved bytes (A-Z a-z 0-9 - _ . ~) stay; every other byte becomes
//                 %XX with upper-case hex.
//   path          non-S3 services encode the path *as it appears in the request* once more, so an
//                 already-escaped `%3A` becomes `%253A` (double encoding); S3 encodes it once.
//                 Non-S3 services also normalize it (drop `.`, resolve `..`, collapse `//`).
//   query         each name and value percent-decoded, then URI-encoded; sorted by encoded name,
//                 then value; `name=` when there is no value.
//   header value  leading and trailing whitespace trimmed; runs of spaces and tabs inside, quoted
//                 or not, collapsed to one space.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace sluice::auth::sigv4 {

// `text` with every byte outside the RFC 3986 unreserved set written as %XX (upper-case hex);
// `/` too unless keep_slash.
std::string uri_encode(std::string_view text, bool keep_slash = false);

// `text` with each valid %XX escape replaced by its byte. A `%` not followed by two hex digits is
// kept as it is (it is then encoded as %25); `+` is a plus sign, not a space (RFC 3986, not HTML
// forms).
std::string percent_decode(std::string_view text);

// The canonical URI for `path` as written in the request target (percent-encoding preserved, no
// query). An empty path is `/`.
//   double_encode  true (non-S3): every segment is URI-encoded as written, so `%3A` → `%253A`.
//                  false (S3): every segment is decoded, then encoded once, so `%3A` stays `%3A`.
//   normalize      remove `.` segments, resolve `..` against the previous segment, drop empty
//                  segments (`//`); a trailing `/` on the input stays on the result.
std::string canonical_uri(std::string_view path, bool double_encode, bool normalize);

// The canonical query string for `query` as written after the `?` (without it); "" for none.
std::string canonical_query(std::string_view query);

// A header value as the canonical request carries it: trimmed, inner whitespace runs collapsed.
std::string canonical_header_value(std::string_view value);

// Whether a header, by its lower-case name, is signed. Every header the request carries is, except:
//   authorization                 it carries the signature itself;
//   user-agent, x-amzn-trace-id   proxies and tracing layers rewrite them in flight (the AWS SDKs
//                                 leave them unsigned for that reason);
//   expect, connection, keep-alive, proxy-authorization, proxy-connection, te, trailer,
//   transfer-encoding, upgrade    hop-by-hop: they describe one connection, and the HTTP client or
//                                 any intermediary may add, drop or change them.
// content-length is signed when the request carries it, as the AWS suite expects; our client writes
// its own from the body size, which matches because the body is final before signing.
bool is_signed_header(std::string_view lower_case_name);

// `now` in SigV4's two forms: "20150830T123600Z" (x-amz-date) and "20150830" (credential scope).
std::string amz_date(std::chrono::system_clock::time_point now);
std::string amz_day(std::chrono::system_clock::time_point now);

// The path and query of an absolute URL exactly as written: "https://host/a%3Ab?x=1#f" gives
// "/a%3Ab" and "x=1". No validation beyond finding "://": SigV4 must see the bytes the request
// will carry, and the AWS suites include bytes a strict URL parser refuses (a raw space, raw
// UTF-8), so this is a plain RFC 3986 split (the authority ends at the first `/`, `?` or `#`).
// Throws std::invalid_argument (without echoing the URL) when there is no "scheme://".
struct UrlTarget {
  std::string_view path;
  std::string_view query;
};
UrlTarget split_url_target(std::string_view url);

}  // namespace sluice::auth::sigv4
