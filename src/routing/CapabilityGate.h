// CapabilityGate: may this route serve this request? (../shared/reference/api.md §4 step 6)
//
// A request needs its API family (chat completions, responses, embeddings) plus whatever features
// its body uses: streaming, tools, image or file inputs, JSON-schema output, developer-role
// messages. required_capabilities() reads those from the caller's JSON body; refusal_for_route()
// checks them against the route's effective capabilities — the route's `capabilities` flags
// intersected with the provider's built-in truth (providers/ProviderCapabilities.h) — and explains
// a refusal as the 400 `invalid_request` the caller will see.
//
// What counts as "uses a feature" follows the reference:
//   stream          `stream: true` (a boolean; anything else is not a streaming request).
//   tools           `tools` present and not empty: a non-empty array or object, or any other
//                   non-null value. An empty `tools: []` does not need tool support: no tool can be
//                   called, and clients send it routinely (the empty_tools compatibility setting
//                   exists for exactly those clients).
//   vision          any non-text input part. Chat: a messages[].content part (or a content object)
//                   whose type is image_url, input_image, video_url, input_video, file, input_file
//                   or document, or that carries an `image_url` key. Responses: an input item, or a
//                   part of an item's content, whose type is input_image, input_video or
//                   input_file. Files and video count because `vision` is the only gate for
//                   non-text inputs.
//   json_schema     chat `response_format.type == "json_schema"`; responses
//                   `text.format.type == "json_schema"`. (`json_object` needs no schema support.)
//   developer_role  chat: a message with role `developer`; responses: an input item with role
//                   `developer` (either compared case-insensitively).
// Embeddings requests need only the embeddings family.
#pragma once

#include "config/GatewayConfig.h"
#include "core/ApiFamily.h"
#include "core/GatewayError.h"

#include <boost/json/object.hpp>

#include <optional>
#include <string_view>

namespace sluice::routing {

struct RequiredCapabilities {
  ApiFamily family = ApiFamily::kChatCompletions;
  bool stream = false;
  bool tools = false;
  bool vision = false;
  bool json_schema = false;
  bool developer_role = false;
};

RequiredCapabilities required_capabilities(ApiFamily family, const boost::json::object& body);

// Route flags ∩ the provider's built-in capabilities.
config::Capabilities effective_capabilities(const config::RouteConfig& route,
                                            const config::ProviderConfig& provider);

// nullopt when the route can serve the request; otherwise the 400 invalid_request_error /
// invalid_request naming the first missing capability (family first, then stream, tools, vision,
// json_schema, developer_role) with the body field to blame in `param`. `model_id` is the gateway
// model the caller reached, for the message. A family refusal points the caller at the endpoint the
// route does serve: "model `gpt-55-bedrock` does not support /v1/chat/completions; use
// /v1/responses".
std::optional<GatewayError> refusal_for_route(const config::RouteConfig& route,
                                              const config::ProviderConfig& provider,
                                              const RequiredCapabilities& required,
                                              std::string_view model_id);

}  // namespace sluice::routing
