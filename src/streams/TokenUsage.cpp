#include "streams/TokenUsage.h"

#include "core/JsonMembers.h"

#include <boost/json/value.hpp>

#include <optional>
#include <string_view>

namespace sluice::streams {
namespace {

namespace json = boost::json;
using json_members::count_member;

std::int64_t nested_count(const json::object& object, std::string_view outer, std::string_view key) {
  const json::value* details = object.if_contains(outer);
  if (details == nullptr || !details->is_object()) return 0;
  return count_member(details->get_object(), key).value_or(0);
}

struct Names {
  std::string_view input;
  std::string_view output;
  std::string_view input_details;
  std::string_view output_details;
};

constexpr Names kChatNames{"prompt_tokens", "completion_tokens", "prompt_tokens_details",
                           "completion_tokens_details"};
constexpr Names kResponsesNames{"input_tokens", "output_tokens", "input_tokens_details",
                                "output_tokens_details"};

TokenUsage read_usage(const json::value& usage, const Names& names) {
  TokenUsage result;
  const auto* object = usage.if_object();
  if (object == nullptr) return result;
  const auto input = count_member(*object, names.input);
  const auto output = count_member(*object, names.output);
  const auto total = count_member(*object, "total_tokens");
  if (!input && !output && !total) return result;
  result.present = true;
  result.input = input.value_or(0);
  result.output = output.value_or(0);
  result.total = total.value_or(result.input + result.output);
  result.cached_input = nested_count(*object, names.input_details, "cached_tokens");
  result.cache_write_input = nested_count(*object, names.input_details, "cache_write_tokens");
  result.reasoning = nested_count(*object, names.output_details, "reasoning_tokens");
  return result;
}

}  // namespace

TokenUsage read_chat_usage(const json::value& usage) { return read_usage(usage, kChatNames); }

TokenUsage read_responses_usage(const json::value& usage) {
  return read_usage(usage, kResponsesNames);
}

TokenUsage read_embeddings_usage(const json::value& usage) {
  TokenUsage result = read_usage(usage, kChatNames);
  // Embeddings produce no tokens; a total that disagrees with the prompt count is the upstream's word.
  result.output = 0;
  result.reasoning = 0;
  return result;
}

namespace {

// Anthropic and Converse count cache reads and writes apart from `input`; the gateway's `input` is
// every prompt token, as OpenAI's prompt_tokens is.
TokenUsage read_split_cache_usage(const json::value& usage, std::string_view input_name,
                                  std::string_view output_name, std::string_view cache_read_name,
                                  std::string_view cache_write_name) {
  TokenUsage result;
  const auto* object = usage.if_object();
  if (object == nullptr) return result;
  const auto input = count_member(*object, input_name);
  const auto output = count_member(*object, output_name);
  if (!input && !output) return result;
  result.present = true;
  result.cached_input = count_member(*object, cache_read_name).value_or(0);
  result.cache_write_input = count_member(*object, cache_write_name).value_or(0);
  result.input = input.value_or(0) + result.cached_input + result.cache_write_input;
  result.output = output.value_or(0);
  result.total = result.input + result.output;
  return result;
}

}  // namespace

TokenUsage read_anthropic_usage(const json::value& usage) {
  return read_split_cache_usage(usage, "input_tokens", "output_tokens", "cache_read_input_tokens",
                                "cache_creation_input_tokens");
}

TokenUsage read_converse_usage(const json::value& usage) {
  return read_split_cache_usage(usage, "inputTokens", "outputTokens", "cacheReadInputTokens",
                                "cacheWriteInputTokens");
}

TokenUsage usage_from_body(ApiFamily family, const json::value& body) {
  const auto* object = body.if_object();
  if (object == nullptr) return {};
  const json::value* usage = object->if_contains("usage");
  switch (family) {
    case ApiFamily::kChatCompletions: {
      if (usage != nullptr && usage->is_object()) return read_chat_usage(*usage);
      const json::value* choices = object->if_contains("choices");
      if (choices == nullptr || !choices->is_array()) return {};
      for (const auto& choice : choices->get_array()) {
        const auto* choice_object = choice.if_object();
        if (choice_object == nullptr) continue;
        if (const json::value* choice_usage = choice_object->if_contains("usage")) {
          TokenUsage result = read_chat_usage(*choice_usage);
          if (result.present) return result;
        }
      }
      return {};
    }
    case ApiFamily::kResponses:
      return usage != nullptr ? read_responses_usage(*usage) : TokenUsage{};
    case ApiFamily::kEmbeddings:
      return usage != nullptr ? read_embeddings_usage(*usage) : TokenUsage{};
    case ApiFamily::kMessages:
      return usage != nullptr ? read_anthropic_usage(*usage) : TokenUsage{};
  }
  return {};
}

}  // namespace sluice::streams
