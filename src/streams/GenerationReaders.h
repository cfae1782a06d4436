// GenerationReaders: a whole (non-streamed) upstream answer, read from its wire format into a
// Generation.
//
// Used when the route's wire API is not the caller's API: the reader for the wire format turns the
// upstream's 200 body into the gateway's neutral answer, and a writer (streams/GenerationWriters.h)
// turns that into the caller's body. Readers keep what every caller format can carry — text,
// reasoning (with its signature) and function tool calls, in the order the model produced them,
// plus the stop reason and usage — and skip the rest (images, citations, server-side tool runs),
// which no caller format we write has a place for.
//
// A body that is not the expected JSON shape is the upstream's fault, not the caller's: it reads as
// 502 upstream_error / upstream_transport with a message naming what was missing.
#pragma once

#include "core/Expected.h"
#include "streams/Generation.h"

#include <string_view>

namespace sluice::streams {

// A Bedrock ConverseResponse: output.message.content[], stopReason, usage. Converse gives the
// answer no id, so Generation::id is "".
Expected<Generation> read_converse_answer(std::string_view body);

// An Anthropic Messages response (also the body of Bedrock InvokeModel for Anthropic models):
// content[], stop_reason, usage, id.
Expected<Generation> read_anthropic_answer(std::string_view body);

// An OpenAI chat.completion: the first choice's message, its finish_reason, usage (top level, or
// on a choice as some OpenAI-compatible servers write it), id.
Expected<Generation> read_chat_answer(std::string_view body);

}  // namespace sluice::streams
