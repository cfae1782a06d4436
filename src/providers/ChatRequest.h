// ChatRequest: a Conversation written as an OpenAI Chat Completions request body, for Anthropic
// Messages callers (/v1/messages) on routes that speak OpenAI chat.
//
// The mapping:
//   system texts              one `system` message, the texts joined by a blank line
//   user turn                 first a `tool` message per tool result (chat wants them right after
//                             the assistant's tool_calls), then a `user` message with the rest:
//                             text parts, images as image_url parts (inline ones as data URLs)
//   assistant turn            one `assistant` message: its text, and tool_calls with the
//                             arguments as JSON text; reasoning is dropped (chat has no standard
//                             field to send it back in)
//   content                   a string when the message has a single text, else an array of parts
//   tools / tool_choice       function tools; auto | none | required | {type:function, function:
//                             {name}}; parallel_tool_calls; all three only when there are tools,
//                             since OpenAI refuses them otherwise
//   max_tokens                max_completion_tokens
//   stop_sequences            stop
//   reasoning                 reasoning_effort: the caller's effort word, or for a thinking budget
//                             ≤1024 low, ≤4096 medium, else high
//   user_id                   user
//   stream                    stream: true and stream_options.include_usage: true, so usage
//                             arrives for the ledger
// top_k has no chat field and is dropped.
//
// Images in tool results are refused (400, param naming the image): a chat `tool` message carries
// text only, and silently dropping an image would leave the model answering about something it
// never saw.
#pragma once

#include "core/Expected.h"
#include "providers/Conversation.h"

#include <boost/json/object.hpp>

#include <string_view>

namespace sluice::providers {

Expected<boost::json::object> chat_request_body(const Conversation& conversation,
                                                std::string_view model_id);

}  // namespace sluice::providers
