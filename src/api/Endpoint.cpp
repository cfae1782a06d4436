#include "api/Endpoint.h"

#include <array>
#include <utility>

namespace sluice::api {

namespace http = boost::beast::http;

Endpoint endpoint_for_path(std::string_view path) {
  struct Fixed {
    std::string_view path;
    EndpointKind kind;
    http::verb method;
  };
  static constexpr std::array<Fixed, 10> kFixed{{
      {"/v1/chat/completions", EndpointKind::kChatCompletions, http::verb::post},
      {"/v1/responses", EndpointKind::kResponses, http::verb::post},
      {"/v1/messages", EndpointKind::kMessages, http::verb::post},
      {"/v1/embeddings", EndpointKind::kEmbeddings, http::verb::post},
      {"/v1/models", EndpointKind::kListModels, http::verb::get},
      {"/messages", EndpointKind::kMessages, http::verb::post},
      {"/healthz", EndpointKind::kHealthz, http::verb::get},
      {"/readyz", EndpointKind::kReadyz, http::verb::get},
      {"/api/v1/health", EndpointKind::kHealthJson, http::verb::get},
      {"/v1/models/", EndpointKind::kUnknown, http::verb::get},  // an empty id names nothing
  }};
  for (const auto& fixed : kFixed) {
    if (path == fixed.path) return Endpoint{fixed.kind, fixed.method, {}};
  }
  constexpr std::string_view kModelPrefix = "/v1/models/";
  if (path.starts_with(kModelPrefix)) {
    return Endpoint{EndpointKind::kRetrieveModel, http::verb::get, path.substr(kModelPrefix.size())};
  }
  if (path == "/admin" || path.starts_with("/admin/") || path.starts_with("/api/v1/")) {
    return Endpoint{EndpointKind::kConsole, http::verb::unknown, {}};
  }
  return Endpoint{};
}

}  // namespace sluice::api
