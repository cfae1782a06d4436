// AnthropicRequest: a Conversation written as an Anthropic Messages request body, for Bedrock
// InvokeModel on Claude (runtime_anthropic_invoke) and for Messages API endpoints
// (mantle_anthropic_messages, Anthropic itself).
//
// The dialects differ only at the top: kBedrockInvoke has no `model` (it is in the URL) and no
// `stream` (the operation decides), and names the API version in the body as
// `anthropic_version: "bedrock-2023-05-31"`; kMessagesApi carries `model` and, when streaming,
// `stream: true`.
//
// The rest follows the Messages API: `system` as a string (one text) or text blocks (several);
// content blocks text / image (base64 source, or a url source for remote images) / tool_use /
// tool_result / thinking (with signature) / redacted_thinking; `tools` with input_schema;
// `tool_choice` {type: auto|any|tool|none, name, disable_parallel_tool_use}; max_tokens,
// temperature, top_p, top_k, stop_sequences, thinking {type: enabled, budget_tokens},
// metadata.user_id.
//
// Choices where the caller's request leaves a gap:
//   - max_tokens is required by Anthropic. Without a caller value it is 4096 plus the thinking
//     budget, so thinking (which must stay below max_tokens) still leaves 4096 tokens to answer.
//   - an effort word becomes a thinking budget: low 1024, medium 4096, high 16384 tokens
//     (Conversation.h, thinking_budget_for); none / minimal mean no thinking.
//   - remote image URLs are refused for kBedrockInvoke (Bedrock does not fetch URLs) and sent as
//     url sources for kMessagesApi.
//   - reasoning without a signature is left out: Anthropic refuses thinking blocks it cannot
//     verify.
//   - tool-use ids outside [a-zA-Z0-9_-]{1,64}, which Anthropic refuses, are replaced as for
//     Converse (portable_tool_use_id).
//   - Converse request controls are Bedrock Converse fields, not sent here.
#pragma once

#include "core/Expected.h"
#include "providers/Conversation.h"

#include <boost/json/object.hpp>

#include <string_view>

namespace sluice::providers {

enum class AnthropicDialect { kBedrockInvoke, kMessagesApi };

Expected<boost::json::object> anthropic_request_body(const Conversation& conversation,
                                                     AnthropicDialect dialect,
                                                     std::string_view model_id);

}  // namespace sluice::providers
