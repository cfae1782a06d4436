// ProviderRequest: the upstream HTTP request for one caller request on one route
// (../shared/reference/api.md §5).
//
// build_upstream_request() is everything between "this route serves this request" and "sign and
// send": the URL for the provider and API style, the body, and the headers in the reference's
// order. Only auth is left, for auth/UpstreamAuthenticator, because it may need to sign the final
// bytes and may have to wait for credentials.
//
// Supported here, all OpenAI-shaped wire APIs passed through as JSON:
//   openai_compat                          join(base_url, "chat/completions" | "responses" |
//                                          "embeddings")
//   aws_bedrock mantle_openai_responses    Responses only: {E}/{P}/responses
//   aws_bedrock mantle_openai_chat,        Chat Completions only: {E}/{P}/chat/completions
//               runtime_openai_chat
// where {E} is the provider's endpoint_url and {P} the route's openai_base_path without its
// leading and trailing '/'. A family the style does not serve is a 400 invalid_request (the
// capability gate normally refuses it first). Every other provider type and api_style is a 501
// not_implemented_error / provider_not_implemented naming it, until its adapter exists.
//
// Body, in order: the caller's JSON with `model` set to the route's upstream_model; the route's
// extra_body keys inserted at the top level (overriding the caller's, `model` included: the admin
// has the last raw word); then, for Chat Completions on openai_compat-family providers only, the
// typed compatibility transforms (providers/ChatCompatibility.h), which win over extra_body.
// The one key extra_body cannot change is `stream`: whether the answer streams decides how the
// gateway reads it and what the caller gets back, so it stays the caller's choice. Unknown caller
// fields pass through untouched.
//
// Headers, in order (a later source replaces an earlier header of the same name in place):
// content-type: application/json; accept: text/event-stream when `stream: true`, else
// application/json; the provider's default_headers and then the route's extra_headers, each in file
// order; x-request-id; protocol headers (none for these styles). Inbound caller headers are not an
// input: there is no parameter through which one could arrive. Route extra_headers is the only way
// to send e.g. OpenAI-Project.
#pragma once

#include "config/GatewayConfig.h"
#include "core/ApiFamily.h"
#include "core/Expected.h"
#include "upstream/UpstreamRequest.h"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace sluice::providers {

Expected<upstream::UpstreamRequest> build_upstream_request(const config::ProviderConfig& provider,
                                                           const config::RouteConfig& route,
                                                           ApiFamily family,
                                                           boost::json::object caller_body,
                                                           std::string_view request_id);

// The URL alone, with the same errors as build_upstream_request().
Expected<std::string> upstream_url(const config::ProviderConfig& provider,
                                   const config::RouteConfig& route, ApiFamily family);

// `base` without its trailing '/'s, then '/', then `suffix` without its leading '/'s.
std::string join_url(std::string_view base, std::string_view suffix);

}  // namespace sluice::providers
