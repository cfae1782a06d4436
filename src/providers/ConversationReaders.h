// ConversationReaders: a caller's request body, in any of the three generation APIs the gateway
// serves, read into a Conversation (providers/Conversation.h) for a route whose wire API differs.
//
// Each reader takes what its format has and refuses what a translation cannot carry: every
// malformed or unsupported field is a 400 invalid_request whose param names the field as the caller
// wrote it ("messages[2].content[0].image_url", "tools[1].type"). Unknown top-level fields are
// ignored, as OpenAI and Anthropic do.
//
// Where the formats differ, the choices are:
//   - system and developer messages anywhere in a chat conversation (and Responses system/developer
//     items) join Conversation::system in order: Converse and Anthropic only have a top-level
//     system prompt.
//   - a tool's result is a part of the user turn (chat `role: tool`, Responses
//     `function_call_output`), as Converse and Anthropic carry it; consecutive same-role messages
//     merge into one turn.
//   - tool-call arguments must be a JSON object (an empty string counts as {}): Converse and
//     Anthropic send them as an object, so bad JSON is refused here rather than upstream.
//   - images are data URLs (`data:image/png;base64,...`) or http(s) URLs; which ones a route can
//     send is the writer's decision.
//   - Responses `previous_response_id` is refused: the earlier turns live in OpenAI's store,
//     which a translated route cannot read, and dropping them silently would answer a different
//     question.
//   - Responses `reasoning` items are kept when they carry reasoning text, with their
//     `encrypted_content` as the signature (where the gateway's own Responses answers put a Claude
//     signature).
//   - The Converse request controls of api.md §5.4 (requestMetadata, performanceConfig,
//     guardrailConfig, additionalModelResponseFieldPaths, or their snake_case spellings) are read
//     and checked in all three formats; only the Converse writer sends them.
#pragma once

#include "core/Expected.h"
#include "providers/Conversation.h"

#include <boost/json/object.hpp>

namespace sluice::providers {

// OpenAI /v1/chat/completions.
Expected<Conversation> read_chat_request(const boost::json::object& body);
// OpenAI /v1/responses.
Expected<Conversation> read_responses_request(const boost::json::object& body);
// Anthropic /v1/messages.
Expected<Conversation> read_messages_request(const boost::json::object& body);

}  // namespace sluice::providers
