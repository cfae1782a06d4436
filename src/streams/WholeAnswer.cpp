#include "streams/WholeAnswer.h"

#include "streams/GenerationReaders.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

namespace sluice::streams {
namespace {

bool answers_in_caller_family(WireFormat wire, ApiFamily caller) {
  switch (wire) {
    case WireFormat::kOpenAIChat: return caller == ApiFamily::kChatCompletions;
    case WireFormat::kOpenAIResponses: return caller == ApiFamily::kResponses;
    case WireFormat::kOpenAIEmbeddings: return caller == ApiFamily::kEmbeddings;
    case WireFormat::kAnthropicMessages:
    case WireFormat::kBedrockAnthropicInvoke: return caller == ApiFamily::kMessages;
    case WireFormat::kBedrockConverse: return false;
  }
  return false;
}

Expected<Generation> read_generation(WireFormat wire, std::string_view body) {
  switch (wire) {
    case WireFormat::kBedrockConverse: return read_converse_answer(body);
    case WireFormat::kAnthropicMessages:
    case WireFormat::kBedrockAnthropicInvoke: return read_anthropic_answer(body);
    case WireFormat::kOpenAIChat:
    case WireFormat::kOpenAIResponses:
    case WireFormat::kOpenAIEmbeddings: break;
  }
  return read_chat_answer(body);  // the only other wire that is ever translated
}

std::string write_generation(ApiFamily caller, const Generation& generation,
                             const AnswerIdentity& identity) {
  switch (caller) {
    case ApiFamily::kResponses: return write_responses_answer(generation, identity);
    case ApiFamily::kMessages: return write_anthropic_answer(generation, identity);
    case ApiFamily::kChatCompletions:
    case ApiFamily::kEmbeddings: break;
  }
  return write_chat_answer(generation, identity);
}

}  // namespace

Expected<WholeAnswer> whole_answer_for(WireFormat wire, ApiFamily caller, std::string upstream_body,
                                       const AnswerIdentity& identity) {
  WholeAnswer answer;
  if (answers_in_caller_family(wire, caller)) {
    // Parsed only to read the usage: in an arena that starts on the stack, not node by node on the
    // heap.
    unsigned char first_block[4096];
    boost::json::monotonic_resource arena(first_block, sizeof first_block);
    boost::system::error_code parse_error;
    const auto parsed = boost::json::parse(upstream_body, parse_error, &arena);
    if (!parse_error) answer.usage = usage_from_body(caller, parsed);
    answer.body = std::move(upstream_body);
    return answer;
  }
  auto generation = read_generation(wire, upstream_body);
  if (!generation) return generation.error();
  answer.usage = generation->usage;
  answer.body = write_generation(caller, *generation, identity);
  answer.translated = true;
  return answer;
}

}  // namespace sluice::streams
