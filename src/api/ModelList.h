// ModelList: the OpenAI-shaped bodies of GET /v1/models and GET /v1/models/{id}.
//   {"object":"list","data":[{"id","object":"model","created","owned_by"}, ...]}
// Only models the caller's key may use are listed (aliases too, each as itself), ordered by
// `rank` then id, as the reference lists them.
#pragma once

#include "access/CallerKeyRegistry.h"
#include "config/GatewayConfig.h"
#include "routing/ModelCatalog.h"

#include <cstdint>
#include <string>

namespace sluice::api {

std::string model_list_body(const routing::ModelCatalog& models, const access::CallerKey& key,
                            std::int64_t created_unix);
std::string model_object_body(const config::ModelConfig& model, std::int64_t created_unix);

}  // namespace sluice::api
