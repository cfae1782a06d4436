// The seed's GPT-5.5-on-Bedrock-Mantle configuration (../shared/seed/000_ebc30c1ff68162ea.txt),
// built in code so routing, providers and auth tests share one picture of it, plus a plain
// openai_compat provider. Tests change fields on the returned copies.
#pragma once

#include "config/GatewayConfig.h"

#include <string>

namespace sluice::testing {

inline constexpr const char* kSeedBearerToken = "seed-bedrock-api-key-0123456789";

// providers[bedrock-mantle-openai]: aws_bedrock, us-east-2, bedrock_mantle, auth.mode bearer.
inline config::ProviderConfig seed_bedrock_provider() {
  config::ProviderConfig provider;
  provider.id = "bedrock-mantle-openai";
  provider.type = config::ProviderType::kAwsBedrock;
  config::AwsBedrockProvider bedrock;
  bedrock.region = "us-east-2";
  bedrock.endpoint_kind = config::BedrockEndpointKind::kMantle;
  bedrock.endpoint_url = "https://bedrock-mantle.us-east-2.api.aws";
  bedrock.auth_mode = config::AwsAuthMode::kBearer;
  bedrock.bearer_token = config::Secret(kSeedBearerToken);
  provider.aws_bedrock = bedrock;
  return provider;
}

// models[gpt-55-bedrock].routes[0], the "Bedrock Projects" variant (extra_headers OpenAI-Project).
inline config::RouteConfig seed_gpt55_route() {
  config::RouteConfig route;
  route.provider = "bedrock-mantle-openai";
  route.upstream_model = "openai.gpt-5.5";
  route.capabilities.chat_completions = false;
  route.capabilities.responses = true;
  route.capabilities.stream = true;
  route.capabilities.embeddings = false;
  route.capabilities.tools = true;
  route.capabilities.vision = true;
  route.capabilities.json_schema = true;
  route.extra_headers = {{"OpenAI-Project", "proj_123"}};
  config::AwsBedrockCompatibility bedrock;
  bedrock.api_style = config::BedrockApiStyle::kMantleOpenAIResponses;
  bedrock.openai_base_path = "/openai/v1";
  route.compatibility.aws_bedrock = bedrock;
  return route;
}

inline config::ModelConfig seed_gpt55_model() {
  config::ModelConfig model;
  model.id = "gpt-55-bedrock";
  model.canonical_id = "gpt-55-bedrock";
  model.routes.push_back(seed_gpt55_route());
  return model;
}

// A Bedrock route of another api_style on the seed's provider (endpoint_kind is not re-checked
// here; config validation owns that rule).
inline config::RouteConfig bedrock_route(config::BedrockApiStyle style) {
  config::RouteConfig route = seed_gpt55_route();
  route.extra_headers.clear();
  route.compatibility.aws_bedrock->api_style = style;
  const bool responses = style == config::BedrockApiStyle::kMantleOpenAIResponses;
  route.capabilities.chat_completions = !responses;
  route.capabilities.responses = responses;
  route.capabilities.json_schema = responses;
  return route;
}

inline config::ProviderConfig openai_provider(std::string id = "openai",
                                              std::string base_url = "https://api.openai.com/v1") {
  config::ProviderConfig provider;
  provider.id = std::move(id);
  provider.type = config::ProviderType::kOpenAICompat;
  config::OpenAICompatProvider openai;
  openai.base_url = std::move(base_url);
  openai.pricing_provider_id = "openai";
  provider.openai_compat = openai;
  return provider;
}

inline config::RouteConfig openai_route(std::string provider = "openai",
                                        std::string upstream_model = "gpt-4.1") {
  config::RouteConfig route;
  route.provider = std::move(provider);
  route.upstream_model = std::move(upstream_model);
  return route;
}

}  // namespace sluice::testing
