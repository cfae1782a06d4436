#include "streams/GenerationWriters.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>

namespace sluice::streams {
namespace {

namespace json = boost::json;

using Kind = GeneratedBlock::Kind;

bool has_block(const Generation& generation, Kind kind) {
  return std::any_of(generation.blocks.begin(), generation.blocks.end(),
                     [kind](const GeneratedBlock& block) { return block.kind == kind; });
}

// Every block of `kind` joined with nothing between: the caller formats with a single string field
// (Chat's content, reasoning_content) take the model's output as one piece.
std::string joined_text(const Generation& generation, Kind kind) {
  std::string text;
  for (const auto& block : generation.blocks) {
    if (block.kind == kind) text += block.text;
  }
  return text;
}

// --- Chat -----------------------------------------------------------------------------------------

json::array chat_tool_calls(const Generation& generation) {
  json::array calls;
  for (const auto& block : generation.blocks) {
    if (block.kind != Kind::kToolCall) continue;
    calls.push_back(json::object{
        {"id", block.tool_call_id},
        {"type", "function"},
        {"function", json::object{{"name", block.tool_name}, {"arguments", block.arguments}}}});
  }
  return calls;
}

// content is null only when the model answered with tool calls alone, as OpenAI writes it; an
// answer with nothing at all keeps "" so callers that concatenate content do not trip on null.
// Reasoning goes out under both names the ecosystem reads — `reasoning_content` (DeepSeek, vLLM,
// LiteLLM) and `reasoning` (OpenRouter, and what the gateway's Chat streams carry, api.md §7) —
// since the OpenAI SDKs keep unknown message fields and each client looks for its own. Reasoning
// signatures have no place in Chat and are dropped.
json::object chat_message(const Generation& generation) {
  json::object message;
  message["role"] = "assistant";
  json::array tool_calls = chat_tool_calls(generation);
  if (has_block(generation, Kind::kText) || tool_calls.empty()) {
    message["content"] = joined_text(generation, Kind::kText);
  } else {
    message["content"] = nullptr;
  }
  message["refusal"] = nullptr;
  if (const std::string reasoning = joined_text(generation, Kind::kReasoning); !reasoning.empty()) {
    message["reasoning_content"] = reasoning;
    message["reasoning"] = reasoning;
  }
  if (!tool_calls.empty()) message["tool_calls"] = std::move(tool_calls);
  return message;
}

json::object chat_usage(const TokenUsage& usage) {
  return json::object{
      {"prompt_tokens", usage.input},
      {"completion_tokens", usage.output},
      {"total_tokens", usage.total},
      {"prompt_tokens_details",
       json::object{{"cached_tokens", usage.cached_input},
                    {"cache_write_tokens", usage.cache_write_input}}},
      {"completion_tokens_details", json::object{{"reasoning_tokens", usage.reasoning}}}};
}

// --- Responses ------------------------------------------------------------------------------------

// Output item ids are derived from the response id and the item's position, so the same answer
// always gets the same ids: resp_X → rs_X_0, msg_X_1, fc_X_2 …
std::string item_id(std::string_view prefix, std::string_view response_id, std::size_t index) {
  std::string_view base = response_id;
  if (base.starts_with("resp_")) base.remove_prefix(5);
  std::string id(prefix);
  id.append(base).append("_").append(std::to_string(index));
  return id;
}

json::object output_text_part(const GeneratedBlock& block) {
  return json::object{{"type", "output_text"},
                      {"text", block.text},
                      {"annotations", json::array{}},
                      {"logprobs", json::array{}}};
}

json::object message_item(std::string id) {
  return json::object{{"type", "message"},
                      {"id", std::move(id)},
                      {"status", "completed"},
                      {"role", "assistant"},
                      {"content", json::array{}}};
}

// Reasoning text goes in `content` (reasoning_text parts), not `summary`: it is the model's own
// reasoning, not a summary of it. The provider's signature rides in `encrypted_content`, the
// Responses field for opaque reasoning state a caller sends back next turn.
json::object reasoning_item(const GeneratedBlock& block, std::string id) {
  json::object item{{"type", "reasoning"},
                    {"id", std::move(id)},
                    {"summary", json::array{}},
                    {"content", json::array{json::object{{"type", "reasoning_text"},
                                                         {"text", block.text}}}}};
  if (!block.signature.empty()) item["encrypted_content"] = block.signature;
  return item;
}

json::object function_call_item(const GeneratedBlock& block, std::string id) {
  return json::object{{"type", "function_call"},   {"id", std::move(id)},
                      {"call_id", block.tool_call_id}, {"name", block.tool_name},
                      {"arguments", block.arguments}, {"status", "completed"}};
}

// Consecutive text blocks share one message item, one output_text part each, as OpenAI writes a
// message; the SDKs' `output_text` is the join of those parts.
json::array responses_output(const Generation& generation, std::string_view response_id) {
  json::array output;
  json::array* open_message_content = nullptr;
  for (const auto& block : generation.blocks) {
    const std::size_t index = output.size();
    if (block.kind == Kind::kText) {
      if (open_message_content == nullptr) {
        output.push_back(message_item(item_id("msg_", response_id, index)));
        open_message_content = &output.back().as_object()["content"].as_array();
      }
      open_message_content->push_back(output_text_part(block));
      continue;
    }
    open_message_content = nullptr;
    if (block.kind == Kind::kReasoning) {
      output.push_back(reasoning_item(block, item_id("rs_", response_id, index)));
    } else {
      output.push_back(function_call_item(block, item_id("fc_", response_id, index)));
    }
  }
  return output;
}

// The item being written when a limit or filter cut the answer is the one left unfinished; OpenAI
// marks it `incomplete` and callers that check item status should see the same.
void mark_last_item_incomplete(json::array& output) {
  if (output.empty()) return;
  json::object& last = output.back().as_object();
  if (last.contains("status")) last["status"] = "incomplete";
}

json::object responses_usage(const TokenUsage& usage) {
  return json::object{
      {"input_tokens", usage.input},
      {"input_tokens_details",
       json::object{{"cached_tokens", usage.cached_input},
                    {"cache_write_tokens", usage.cache_write_input}}},
      {"output_tokens", usage.output},
      {"output_tokens_details", json::object{{"reasoning_tokens", usage.reasoning}}},
      {"total_tokens", usage.total}};
}

json::value incomplete_details(StopReason reason) {
  if (!responses_is_incomplete(reason)) return nullptr;
  return json::object{{"reason", responses_incomplete_reason(reason)}};
}

// --- Anthropic ------------------------------------------------------------------------------------

// Anthropic's tool_use input is an object, not text. Arguments that are not a JSON object (a model
// that emitted broken JSON through an OpenAI upstream) become {}: the caller still learns which
// tool was called and the rest of the answer is kept, where failing the whole answer would lose it.
json::value tool_input(std::string_view arguments) {
  boost::system::error_code ec;
  json::value parsed = json::parse(arguments, ec);
  if (ec || !parsed.is_object()) return json::object{};
  return parsed;
}

json::object anthropic_block(const GeneratedBlock& block) {
  switch (block.kind) {
    case Kind::kText: return json::object{{"type", "text"}, {"text", block.text}};
    case Kind::kReasoning:
      return json::object{
          {"type", "thinking"}, {"thinking", block.text}, {"signature", block.signature}};
    case Kind::kToolCall:
      return json::object{{"type", "tool_use"},
                          {"id", block.tool_call_id},
                          {"name", block.tool_name},
                          {"input", tool_input(block.arguments)}};
  }
  return {};
}

// Anthropic counts cache reads and writes apart from input_tokens, where the gateway's `input`
// holds all three. Written even when the upstream reported none (as zeros): `usage` is a required
// member of an Anthropic message and clients read it unconditionally.
json::object anthropic_usage(const TokenUsage& usage) {
  const std::int64_t uncached =
      std::max<std::int64_t>(0, usage.input - usage.cached_input - usage.cache_write_input);
  return json::object{{"input_tokens", uncached},
                      {"output_tokens", usage.output},
                      {"cache_read_input_tokens", usage.cached_input},
                      {"cache_creation_input_tokens", usage.cache_write_input}};
}

}  // namespace

std::string answer_id(const Generation& generation, const AnswerIdentity& identity,
                      std::string_view prefix) {
  if (!generation.id.empty()) return generation.id;
  std::string id(prefix);
  id.append(identity.fallback_id);
  return id;
}

std::string write_chat_answer(const Generation& generation, const AnswerIdentity& identity) {
  json::object choice{{"index", 0},
                      {"message", chat_message(generation)},
                      {"logprobs", nullptr},
                      {"finish_reason", chat_finish_reason(generation.stop_reason)}};
  json::object answer{{"id", answer_id(generation, identity, "chatcmpl-")},
                      {"object", "chat.completion"},
                      {"created", identity.created_unix_seconds},
                      {"model", identity.model},
                      {"choices", json::array{std::move(choice)}}};
  if (generation.usage.present) answer["usage"] = chat_usage(generation.usage);
  return json::serialize(answer);
}

// The Response object's request echoes (instructions, tools, tool_choice, temperature, top_p,
// metadata, parallel_tool_calls) are required members the SDKs expect, but the writer sees only the
// answer; they are written as the API's defaults.
std::string write_responses_answer(const Generation& generation, const AnswerIdentity& identity) {
  const std::string id = answer_id(generation, identity, "resp_");
  const bool incomplete = responses_is_incomplete(generation.stop_reason);
  json::array output = responses_output(generation, id);
  if (incomplete) mark_last_item_incomplete(output);
  json::object answer{{"id", id},
                      {"object", "response"},
                      {"created_at", identity.created_unix_seconds},
                      {"status", incomplete ? "incomplete" : "completed"},
                      {"error", nullptr},
                      {"incomplete_details", incomplete_details(generation.stop_reason)},
                      {"instructions", nullptr},
                      {"model", identity.model},
                      {"output", std::move(output)},
                      {"parallel_tool_calls", true},
                      {"metadata", json::object{}},
                      {"tool_choice", "auto"},
                      {"tools", json::array{}},
                      {"temperature", nullptr},
                      {"top_p", nullptr}};
  if (generation.usage.present) answer["usage"] = responses_usage(generation.usage);
  return json::serialize(answer);
}

// stop_sequence is null even for kStopSequence: no wire reader keeps which sequence matched.
std::string write_anthropic_answer(const Generation& generation, const AnswerIdentity& identity) {
  json::array content;
  for (const auto& block : generation.blocks) content.push_back(anthropic_block(block));
  json::object answer{{"id", answer_id(generation, identity, "msg_")},
                      {"type", "message"},
                      {"role", "assistant"},
                      {"model", identity.model},
                      {"content", std::move(content)},
                      {"stop_reason", anthropic_stop_reason(generation.stop_reason)},
                      {"stop_sequence", nullptr},
                      {"usage", anthropic_usage(generation.usage)}};
  return json::serialize(answer);
}

}  // namespace sluice::streams
