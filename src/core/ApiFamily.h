// ApiFamily: which caller-facing API a request belongs to. Routes declare per family whether they
// serve it (capabilities.chat_completions / responses / embeddings). Anthropic Messages callers
// (`/v1/messages`) need the `chat_completions` capability, as in the reference, which converts them
// to a chat request internally.
#pragma once

#include <string_view>

namespace sluice {

enum class ApiFamily { kChatCompletions, kResponses, kEmbeddings, kMessages };

constexpr std::string_view api_family_name(ApiFamily family) {
  switch (family) {
    case ApiFamily::kChatCompletions: return "chat_completions";
    case ApiFamily::kResponses: return "responses";
    case ApiFamily::kEmbeddings: return "embeddings";
    case ApiFamily::kMessages: return "messages";
  }
  return "unknown";
}

}  // namespace sluice
