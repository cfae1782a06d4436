// ProviderRequest: the upstream HTTP request for one caller request on one route
// (../shared/reference/api.md §5).
//
// build_upstream_request() is everything between "this route serves this request" and "sign and
// send": the URL for the provider and API style, the body, and the headers in the reference's
// order. Only auth is left, for auth/UpstreamAuthenticator, because it may need to sign the final
// bytes and may have to wait for credentials.
//
// URLs, where {E} is the provider's endpoint_url, {P} the route's openai_base_path without its
// leading and trailing '/', and {M} the upstream_model percent-encoded (an ARN keeps ':' and '/'):
//   openai_compat                       join(base_url, "chat/completions" | "responses" | "embeddings")
//   aws_bedrock mantle_openai_responses {E}/{P}/responses                      (Responses callers)
//               mantle_openai_chat,     {E}/{P}/chat/completions               (chat, Messages)
//               runtime_openai_chat
//               runtime_converse        {E}/model/{M}/converse[-stream]        (chat, Messages,
//                                                                               Responses)
//               runtime_anthropic_invoke {E}/model/{M}/invoke[-with-response-stream] (chat, Messages)
//               mantle_anthropic_messages {E}/anthropic/v1/messages            (chat, Messages)
// A family the style does not serve is a 400 invalid_request (the capability gate normally refuses
// it first). Other provider types are a 501 not_implemented_error / provider_not_implemented.
//
// Body. OpenAI-shaped wires: the caller's JSON with `model` set to the route's upstream_model; the
// route's extra_body keys inserted at the top level (overriding the caller's, `model` included: the
// admin has the last raw word); then, for Chat Completions on openai_compat-family providers only,
// the typed compatibility transforms (providers/ChatCompatibility.h), which win over extra_body.
// An Anthropic Messages caller on such a route is first translated to Chat Completions.
// Converse: the caller's request read into a Conversation and written as a Converse body
// (providers/ConverseRequest.h), then extra_body. Anthropic wires: an Anthropic Messages caller's
// body passes through natively; other callers are translated (providers/AnthropicRequest.h); then
// extra_body; InvokeModel gets `anthropic_version: bedrock-2023-05-31` and loses `model`/`stream`.
// The one key extra_body cannot change is `stream`: whether the answer streams decides how the
// gateway reads it and what the caller gets back, so it stays the caller's choice. Unknown caller
// fields pass through untouched on pass-through wires.
//
// Headers, in order (a later source replaces an earlier header of the same name in place):
// content-type: application/json; accept: application/vnd.amazon.eventstream for streamed
// Converse/InvokeModel, text/event-stream for other streams, else application/json; the provider's
// default_headers and then the route's extra_headers, each in file order; x-request-id; protocol
// headers (`anthropic-version: 2023-06-01` on Mantle Anthropic Messages, `x-amzn-bedrock-accept:
// application/json` on InvokeModel). Inbound caller headers are not an input: there is no
// parameter through which one could arrive (so `anthropic-beta` / `anthropic-version` from a
// caller are not forwarded, as in the reference). Route extra_headers is the only way to send e.g.
// OpenAI-Project.
#pragma once

#include "config/GatewayConfig.h"
#include "core/ApiFamily.h"
#include "core/Expected.h"
#include "streams/WireFormat.h"
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

// The URL alone, with the same errors as build_upstream_request(). `stream` matters only where the
// wire API streams at another URL (Converse, InvokeModel).
Expected<std::string> upstream_url(const config::ProviderConfig& provider,
                                   const config::RouteConfig& route, ApiFamily family,
                                   bool stream = false);

// The API the route's upstream answers `family` requests in: how the gateway reads the answer and
// whether it translates it into the caller's family.
streams::WireFormat wire_format_for(const config::ProviderConfig& provider,
                                    const config::RouteConfig& route, ApiFamily family);

// `base` without its trailing '/'s, then '/', then `suffix` without its leading '/'s.
std::string join_url(std::string_view base, std::string_view suffix);

}  // namespace sluice::providers
