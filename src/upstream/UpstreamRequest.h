// UpstreamRequest: one HTTP request to an upstream provider, fully built.
//
// providers/ fills it (URL, ordered headers, body) from the route and the caller's request; auth/
// adds credentials last; upstream/ sends it. Headers keep their order: the reference fixes the
// order in which sources are applied (content type, accept, provider default_headers, route
// extra_headers, x-request-id, protocol headers, auth), and a later source replaces an earlier
// header of the same name (case-insensitively) in place.
#pragma once

#include <boost/beast/http/verb.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::upstream {

struct UpstreamRequest {
  boost::beast::http::verb method = boost::beast::http::verb::post;
  std::string url;  // absolute: http(s)://host[:port]/path[?query]
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool expects_event_stream = false;  // the answer is streamed (SSE or AWS EventStream)

  // Sets `name` to `value`, replacing an existing header of that name (case-insensitive) where it
  // stands, or appending it.
  void set_header(std::string_view name, std::string value);
  void remove_header(std::string_view name);
  // The value of `name`, or nullptr.
  const std::string* find_header(std::string_view name) const;
};

}  // namespace sluice::upstream
