// ConverseRequest: a Conversation written as the body of a Bedrock Converse or ConverseStream
// request (runtime_converse routes, api.md §5.4). The two operations take the same body; the URL
// decides whether the answer streams, and the model id travels in the URL, not the body.
//
// The body, in the Bedrock service model's shapes:
//   system                        [{text}] per system text
//   messages                      [{role, content}] with {text}, {image:{format, source:{bytes}}},
//                                 {toolUse:{toolUseId, name, input}},
//                                 {toolResult:{toolUseId, content:[{text}|{image}], status}},
//                                 {reasoningContent:{reasoningText:{text, signature}}} or
//                                 {reasoningContent:{redactedContent}}
//   toolConfig                    {tools:[{toolSpec:{name, description, inputSchema:{json},
//                                 strict}}], toolChoice: {auto:{}} | {any:{}} | {tool:{name}}}
//   inferenceConfig               maxTokens, temperature, topP, stopSequences
//   additionalModelRequestFields  what Converse has no field for, in the model family's own words
//                                 (top_k and thinking for Claude, reasoningConfig for Nova,
//                                 reasoning_effort for gpt-oss)
//   requestMetadata, performanceConfig, guardrailConfig, additionalModelResponseFieldPaths
//                                 the caller's Converse controls, as checked by the readers
//
// Refusals (400 invalid_request, param naming the caller's field): remote image URLs (Converse
// only takes bytes or S3 locations) and image media types other than png, jpeg, gif and webp.
#pragma once

#include "core/Expected.h"
#include "providers/Conversation.h"

#include <boost/json/object.hpp>

#include <optional>
#include <string_view>

namespace sluice::providers {

struct ConverseTarget {
  std::string_view model_id;  // the route's upstream_model: a model id, profile id or ARN
  // The route's word on `strict` in tool specs; unset means "decide from the model id".
  std::optional<bool> supports_strict_tools;
};

Expected<boost::json::object> converse_request_body(const Conversation& conversation,
                                                    const ConverseTarget& target);

}  // namespace sluice::providers
