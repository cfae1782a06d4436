#include "streams/ResponsesEventWriter.h"

#include "streams/ResponsesStreamNormalizer.h"
#include "streams/SseWriter.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::streams {
namespace {

namespace json = boost::json;

using BlockKind = GeneratedBlock::Kind;

json::value responses_usage(const TokenUsage& usage) {
  if (!usage.present) return nullptr;
  return json::object{{"input_tokens", usage.input},
                      {"input_tokens_details", json::object{{"cached_tokens", usage.cached_input}}},
                      {"output_tokens", usage.output},
                      {"output_tokens_details",
                       json::object{{"reasoning_tokens", usage.reasoning}}},
                      {"total_tokens", usage.total}};
}

std::string_view item_prefix(BlockKind kind) {
  switch (kind) {
    case BlockKind::kText: return "msg_";
    case BlockKind::kReasoning: return "rs_";
    case BlockKind::kToolCall: return "fc_";
  }
  return "item_";
}

}  // namespace

ResponsesEventWriter::ResponsesEventWriter(StreamIdentity identity)
    : GenerationStreamWriter(std::move(identity)) {}

std::unique_ptr<GenerationStreamWriter> make_responses_event_writer(StreamIdentity identity) {
  return std::make_unique<ResponsesEventWriter>(std::move(identity));
}

void ResponsesEventWriter::write_message_start(std::string& out) {
  response_id_ = answer_id("resp_");
  write_event("response.created", {{"response", response_object("in_progress")}}, out);
  write_event("response.in_progress", {{"response", response_object("in_progress")}}, out);
}

void ResponsesEventWriter::write_block_start(const Block& block, std::string& out) {
  open_kind_ = block.kind;
  // Item ids only need to be unique within the response; the request id makes them unique
  // across responses too.
  open_item_id_ = std::string(item_prefix(block.kind)) + identity().fallback_id + "_" +
                  std::to_string(block.index);
  open_text_.clear();
  open_call_id_ = block.tool_call_id;
  open_name_ = block.tool_name;
  write_event("response.output_item.added",
              {{"output_index", block.index}, {"item", open_item(false)}}, out);
  if (block.kind == BlockKind::kToolCall) return;
  write_event("response.content_part.added",
              {{"item_id", open_item_id_},
               {"output_index", block.index},
               {"content_index", 0},
               {"part", open_part()}},
              out);
}

void ResponsesEventWriter::write_delta(const Block& block, GenerationEvent::Kind kind,
                                       std::string_view text, std::string& out) {
  json::object payload{{"item_id", open_item_id_}, {"output_index", block.index}};
  switch (kind) {
    case GenerationEvent::Kind::kTextDelta:
      payload["content_index"] = 0;
      payload["delta"] = text;
      payload["logprobs"] = json::array{};
      open_text_.append(text);
      return write_event("response.output_text.delta", std::move(payload), out);
    case GenerationEvent::Kind::kReasoningDelta:
      payload["content_index"] = 0;
      payload["delta"] = text;
      open_text_.append(text);
      return write_event("response.reasoning_text.delta", std::move(payload), out);
    case GenerationEvent::Kind::kToolCallArguments:
      payload["delta"] = text;
      open_text_.append(text);
      return write_event("response.function_call_arguments.delta", std::move(payload), out);
    default: return;  // a reasoning signature has no field in the Responses API
  }
}

void ResponsesEventWriter::write_block_stop(const Block& block, std::string& out) {
  json::object where{{"item_id", open_item_id_}, {"output_index", block.index}};
  switch (block.kind) {
    case BlockKind::kText: {
      json::object text_done = where;
      text_done["content_index"] = 0;
      text_done["text"] = open_text_;
      text_done["logprobs"] = json::array{};
      write_event("response.output_text.done", std::move(text_done), out);
      break;
    }
    case BlockKind::kReasoning: {
      json::object text_done = where;
      text_done["content_index"] = 0;
      text_done["text"] = open_text_;
      write_event("response.reasoning_text.done", std::move(text_done), out);
      break;
    }
    case BlockKind::kToolCall: {
      json::object arguments_done = where;
      arguments_done["name"] = open_name_;
      arguments_done["arguments"] = open_text_;
      write_event("response.function_call_arguments.done", std::move(arguments_done), out);
      break;
    }
  }
  if (block.kind != BlockKind::kToolCall) {
    json::object part_done = where;
    part_done["content_index"] = 0;
    part_done["part"] = open_part();
    write_event("response.content_part.done", std::move(part_done), out);
  }
  finished_items_.push_back(open_item(true));
  write_event("response.output_item.done",
              {{"output_index", block.index}, {"item", finished_items_.back()}}, out);
}

void ResponsesEventWriter::write_success_ending(std::string& out) {
  const bool incomplete = responses_is_incomplete(stop_reason());
  json::object response = response_object(incomplete ? "incomplete" : "completed");
  if (incomplete) {
    response["incomplete_details"] =
        json::object{{"reason", responses_incomplete_reason(stop_reason())}};
  }
  write_event(incomplete ? "response.incomplete" : "response.completed",
              {{"response", std::move(response)}}, out);
}

void ResponsesEventWriter::write_error_ending(const GatewayError& error, std::string& out) {
  append_responses_error_event(out, error, sequence_number_);
}

json::object ResponsesEventWriter::response_object(std::string_view status) const {
  json::array output;
  for (const auto& item : finished_items_) output.push_back(item);
  return {{"id", response_id_},
          {"object", "response"},
          {"created_at", identity().created_unix_seconds},
          {"status", status},
          {"error", nullptr},
          {"incomplete_details", nullptr},
          {"instructions", nullptr},
          {"model", identity().model},
          {"output", std::move(output)},
          {"parallel_tool_calls", true},
          {"tool_choice", "auto"},
          {"tools", json::array{}},
          {"metadata", json::object{}},
          {"temperature", nullptr},
          {"top_p", nullptr},
          {"usage", status == "in_progress" ? json::value(nullptr) : responses_usage(usage())}};
}

json::object ResponsesEventWriter::open_item(bool finished) const {
  const std::string_view status = finished ? "completed" : "in_progress";
  switch (open_kind_) {
    case BlockKind::kText:
      return {{"id", open_item_id_},
              {"type", "message"},
              {"status", status},
              {"role", "assistant"},
              {"content", finished ? json::array{open_part()} : json::array{}}};
    case BlockKind::kReasoning:
      return {{"id", open_item_id_},
              {"type", "reasoning"},
              {"summary", json::array{}},
              {"content", finished ? json::array{open_part()} : json::array{}}};
    case BlockKind::kToolCall:
      return {{"id", open_item_id_},
              {"type", "function_call"},
              {"status", status},
              {"call_id", open_call_id_},
              {"name", open_name_},
              {"arguments", finished ? open_text_ : std::string()}};
  }
  return {};
}

json::object ResponsesEventWriter::open_part() const {
  if (open_kind_ == BlockKind::kReasoning) {
    return {{"type", "reasoning_text"}, {"text", open_text_}};
  }
  return {{"type", "output_text"}, {"text", open_text_}, {"annotations", json::array{}}};
}

void ResponsesEventWriter::write_event(std::string_view type, json::object payload,
                                       std::string& out) {
  json::object framed{{"type", type}};
  for (auto& member : payload) framed[member.key()] = std::move(member.value());
  framed["sequence_number"] = sequence_number_++;
  append_sse_event(out, type, json::serialize(framed));
}

}  // namespace sluice::streams
