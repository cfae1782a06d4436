// ProviderCapabilities: what a provider can serve at all, whatever a route's flags say.
//
// A route's `capabilities` block can only narrow what its provider supports, never widen it
// (../shared/reference/config.md §12.1). This is the other half of that intersection: the built-in
// truth per provider type and, where the wire API depends on it, per route (Bedrock's api_style,
// Vertex's publisher/model, Copilot's declared upstream support). It lives in providers/ because it
// is a fact about each provider's wire API; routing/CapabilityGate intersects it with the route.
//
// The table (Y = served, - = never served):
//
// provider / route                         chat resp emb  stream tools vision json_schema dev_role
// openai_compat                             Y    Y    Y    Y      Y     Y      Y           Y
// gcp_cloud_run_openai_compat               Y    Y    Y    Y      Y     Y      Y           Y
// gcp_vertex google/<embedding model>[1]    -    -    Y    -      -     -      -           -
// gcp_vertex google/gemini-*                Y    -    -    Y      Y     Y      Y           Y
// gcp_vertex anthropic/*                    Y    -    -    Y      Y     Y      -           Y
// gcp_vertex any other model                Y    -    -    Y      -     Y      -           Y
// aws_bedrock runtime_converse              Y    -    -    Y      Y     Y      -           Y
// aws_bedrock runtime_anthropic_invoke      Y    -    -    -      Y     Y      -           Y
// aws_bedrock runtime_openai_chat           Y    -    -    Y      Y     Y      -           Y
// aws_bedrock mantle_openai_chat            Y    -    -    Y      Y     Y      -           Y
// aws_bedrock mantle_openai_responses       -    Y    -    Y      Y     Y      Y           Y
// aws_bedrock mantle_anthropic_messages     Y    -    -    Y      Y     Y      -           Y
// aws_bedrock route without api_style[2]    -    -    -    -      -     -      -           -
// github_copilot                            from compatibility.github_copilot[3]
//
// [1] gemini-embedding-001, gemini-embedding-2, text-embedding-005,
//     text-multilingual-embedding-002.
// [2] Cannot pass config validation; serving nothing keeps a hand-built config from reaching a
//     provider with an unknown wire API.
// [3] chat = chat_api set; responses = supports_responses; embeddings = supports_embeddings;
//     stream / tools / vision = upstream_supports.{streaming, tool_calls, vision} on a route that
//     serves chat or responses; json_schema = upstream_supports.structured_outputs with
//     chat_api: chat_completions or supports_responses; developer_role never.
//
// Bedrock rows follow the api_style table of config.md §12.2 and api.md §5.4: only
// mantle_openai_responses serves Responses or JSON-schema output, it alone does not serve Chat
// Completions, Bedrock serves no embeddings, and runtime_anthropic_invoke has no streaming. (The
// reference reports one row for every Bedrock route and relies on config validation for the rest;
// per-style rows give the same answers for every valid config and stay right for hand-built ones.)
// Vertex and Copilot rows are the reference's.
#pragma once

#include "config/GatewayConfig.h"

namespace sluice::providers {

config::Capabilities builtin_capabilities(const config::ProviderConfig& provider,
                                          const config::RouteConfig& route);

}  // namespace sluice::providers
