// Endpoint: which of the gateway's HTTP endpoints a request path names.
#pragma once

#include <boost/beast/http/verb.hpp>

#include <string_view>

namespace sluice::api {

enum class EndpointKind {
  kUnknown,
  kHealthz,
  kReadyz,
  kHealthJson,       // /api/v1/health
  kListModels,       // GET /v1/models
  kRetrieveModel,    // GET /v1/models/{id}
  kChatCompletions,  // POST /v1/chat/completions
  kResponses,        // POST /v1/responses
  kEmbeddings,       // POST /v1/embeddings
  kMessages,         // POST /v1/messages and /messages (Anthropic)
  kConsole,          // the admin console: /api/v1/* (but /api/v1/health) and /admin, /admin/*
};

struct Endpoint {
  EndpointKind kind = EndpointKind::kUnknown;
  // The one method it takes (kConsole: the console routes by method itself).
  boost::beast::http::verb method = boost::beast::http::verb::unknown;
  std::string_view model_id;  // kRetrieveModel: the still percent-encoded id from the path
};

// `path` is the request target without its query string.
Endpoint endpoint_for_path(std::string_view path);

}  // namespace sluice::api
