// ChatCompatibility: the typed request-shape fixes a route declares for OpenAI-compatible servers
// that are not quite OpenAI (../shared/reference/config.md §12.2, api.md §6).
//
// Applied to a Chat Completions body bound for an openai_compat-family provider (openai_compat and
// gcp_cloud_run_openai_compat: the providers that speak OpenAI's wire API through a base_url),
// after the route's extra_body, so a typed setting wins over a raw one. Never applied to
// /v1/responses or /v1/embeddings bodies, nor to Bedrock's OpenAI-shaped styles (the reference
// does not apply them there either). In the order applied:
//
//   empty_tools: omit                    drop `tools: []` with a neutral `tool_choice` (absent,
//                                        null, "auto", "none"); any other tool_choice ("required",
//                                        a named function) cannot survive the drop: 400.
//   empty_tools: preserve_with_tool_history
//                                        the same, unless the conversation has function-tool
//                                        history (a `tool` message or non-empty `tool_calls`).
//   supports_store: false                drop `store`.
//   max_tokens_field: max_tokens         `max_completion_tokens` becomes `max_tokens` (a caller's
//                                        own `max_tokens` is kept and wins).
//   developer_role: system               `developer` messages become `system` messages.
//   reasoning_effort: omit               drop `reasoning_effort`.
//   reasoning_effort: reasoning_object   `reasoning_effort: X` becomes `reasoning: {effort: X}`
//                                        (a caller's own `reasoning` object is kept and wins).
//   openrouter.provider                  the policy object becomes the body's `provider`.
//   supports_stream_usage: true          on `stream: true`, `stream_options.include_usage: true`,
//                                        keeping any other stream_options.
//
// Everything else in the body passes through untouched.
#pragma once

#include "config/GatewayConfig.h"
#include "core/GatewayError.h"

#include <boost/json/object.hpp>

#include <optional>

namespace sluice::providers {

// True for the provider types whose Chat Completions bodies take these transforms.
bool takes_chat_compatibility(const config::ProviderConfig& provider);

// Rewrites `body` in place; a 400 invalid_request (param `tool_choice`) when empty_tools would drop
// the tools a non-neutral tool_choice depends on. On error `body` is left unchanged.
std::optional<GatewayError> apply_chat_compatibility(
    const config::RouteCompatibility& compatibility, boost::json::object& body);

}  // namespace sluice::providers
