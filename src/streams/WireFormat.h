// WireFormat: the API an upstream answers in, which decides how its body is read (whole or
// streamed) and whether it must be translated into the caller's API family.
#pragma once

#include <string_view>

namespace sluice::streams {

enum class WireFormat {
  kOpenAIChat,              // chat.completion JSON / chat.completion.chunk SSE
  kOpenAIResponses,         // response JSON / response.* SSE
  kOpenAIEmbeddings,        // embeddings JSON (never streamed)
  kBedrockConverse,         // ConverseResponse JSON / ConverseStream AWS EventStream
  kAnthropicMessages,       // Anthropic message JSON / Anthropic SSE (Mantle Messages)
  kBedrockAnthropicInvoke,  // Anthropic message JSON / AWS EventStream `chunk`s of Anthropic events
};

constexpr std::string_view wire_format_name(WireFormat format) {
  switch (format) {
    case WireFormat::kOpenAIChat: return "openai_chat";
    case WireFormat::kOpenAIResponses: return "openai_responses";
    case WireFormat::kOpenAIEmbeddings: return "openai_embeddings";
    case WireFormat::kBedrockConverse: return "bedrock_converse";
    case WireFormat::kAnthropicMessages: return "anthropic_messages";
    case WireFormat::kBedrockAnthropicInvoke: return "bedrock_anthropic_invoke";
  }
  return "unknown";
}

}  // namespace sluice::streams
