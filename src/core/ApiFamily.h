// ApiFamily: which caller-facing API a request belongs to. Routes declare per family whether they
// serve it (capabilities.chat_completions / responses / embeddings).
#pragma once

#include <string_view>

namespace sluice {

enum class ApiFamily { kChatCompletions, kResponses, kEmbeddings };

constexpr std::string_view api_family_name(ApiFamily family) {
  switch (family) {
    case ApiFamily::kChatCompletions: return "chat_completions";
    case ApiFamily::kResponses: return "responses";
    case ApiFamily::kEmbeddings: return "embeddings";
  }
  return "unknown";
}

}  // namespace sluice
