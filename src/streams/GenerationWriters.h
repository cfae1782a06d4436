// GenerationWriters: a Generation written as the whole (non-streamed) answer body the caller's API
// expects.
//
// The other half of GenerationReaders.h: once a wire answer has been read into a Generation, one of
// these renders it as a Chat Completions `chat.completion`, a Responses `response` or an Anthropic
// Messages `message`, shaped so the official SDKs parse it (required fields present, even those
// whose value the writer cannot know, such as a Responses object's echoed `tools`). Writers never
// look at the wire format; what it could not say (a stop sequence's text, a reasoning signature in
// Chat) is left out rather than guessed.
#pragma once

#include "streams/Generation.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::streams {

// What the answer is called and when it was made: not part of the upstream's answer but of the
// gateway's reply to this caller.
struct AnswerIdentity {
  std::string_view model;              // the gateway model id the caller asked for
  std::int64_t created_unix_seconds = 0;
  std::string_view fallback_id;        // the request id, used when the upstream gave the answer none
};

// The answer's id: generation.id when the upstream gave one, otherwise `prefix` + fallback_id.
std::string answer_id(const Generation& generation, const AnswerIdentity& identity,
                      std::string_view prefix);

// A `chat.completion` with one choice. Text blocks are joined into message.content (null when the
// answer is only tool calls), reasoning into reasoning_content, tool calls into tool_calls.
std::string write_chat_answer(const Generation& generation, const AnswerIdentity& identity);

// A Responses `response` object: reasoning, message and function_call output items in block order.
std::string write_responses_answer(const Generation& generation, const AnswerIdentity& identity);

// An Anthropic Messages `message`: thinking, text and tool_use content blocks in block order.
std::string write_anthropic_answer(const Generation& generation, const AnswerIdentity& identity);

}  // namespace sluice::streams
