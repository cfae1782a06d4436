// TokenUsage: the token counts an upstream reported for one request, in the gateway's own terms.
//
// Pricing, budgets and the request log all read usage from here, whichever API family produced it:
// Chat Completions' prompt/completion tokens, Responses' input/output tokens and Embeddings' prompt
// tokens land in the same fields. Counts are only ever copied from what the upstream reported
// (api.md §8: never estimated from text length); `present` says whether there was anything to copy,
// which is how the ledger tells `usage_missing` from a genuine zero.
#pragma once

#include "core/ApiFamily.h"

#include <boost/json/fwd.hpp>

#include <cstdint>

namespace sluice::streams {

struct TokenUsage {
  bool present = false;
  std::int64_t input = 0;        // prompt_tokens / input_tokens
  std::int64_t output = 0;       // completion_tokens / output_tokens (0 for embeddings)
  std::int64_t total = 0;        // total_tokens, or input + output when the upstream left it out
  std::int64_t cached_input = 0; // prompt_tokens_details / input_tokens_details .cached_tokens
  std::int64_t reasoning = 0;    // completion_tokens_details / output_tokens_details .reasoning_tokens
  // Input tokens written to the prompt cache (…_tokens_details.cache_write_tokens): priced apart
  // from plain input where the catalog knows a cache-write rate (api.md §8 "cache read/write").
  std::int64_t cache_write_input = 0;
};

// A Chat Completions `usage` object (CompletionUsage). Not present unless it is an object holding at
// least one of prompt_tokens / completion_tokens / total_tokens.
TokenUsage read_chat_usage(const boost::json::value& usage);

// A Responses `usage` object (ResponseUsage), same rule with input_tokens / output_tokens / total_tokens.
TokenUsage read_responses_usage(const boost::json::value& usage);

// An Embeddings `usage` object: prompt_tokens and total_tokens; output is always 0.
TokenUsage read_embeddings_usage(const boost::json::value& usage);

// An Anthropic Messages `usage` object (input_tokens, output_tokens, cache_read_input_tokens,
// cache_creation_input_tokens). Anthropic counts cache reads and writes apart from input_tokens;
// here `input` is all of them together (as OpenAI's prompt_tokens), `cached_input` the reads and
// `cache_write_input` the writes. Present when input_tokens or output_tokens is there.
TokenUsage read_anthropic_usage(const boost::json::value& usage);

// A Bedrock Converse `usage` object (inputTokens, outputTokens, totalTokens, cacheReadInputTokens,
// cacheWriteInputTokens), read the same way as Anthropic's.
TokenUsage read_converse_usage(const boost::json::value& usage);

// Usage from a whole (non-streamed) response body of `family`. Chat bodies whose only usage sits on
// a choice (some OpenAI-compatible servers) are read from the first choice that has one.
TokenUsage usage_from_body(ApiFamily family, const boost::json::value& body);

}  // namespace sluice::streams
