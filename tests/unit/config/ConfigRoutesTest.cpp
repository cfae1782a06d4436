// `models[].routes[]` (§12): targets, tuning, pricing, headers, body, and the compatibility rules.
#include "ConfigTestSupport.h"

#include <boost/json/serialize.hpp>

namespace sluice::config::testing {
namespace {

// One route under model `m`, on the OpenAI provider.
std::string openai_route(std::string_view extra) {
  return std::string(kOpenAIProvider) +
         fmt::format("models:\n  - id: m\n    routes:\n      - provider: openai\n        upstream_model: gpt-4o\n{}", extra);
}

// One route under model `m` on a Bedrock provider (`mantle` or `runtime`).
std::string bedrock_route(std::string_view provider, std::string_view extra) {
  return std::string(kBedrockProviders) +
         fmt::format("models:\n  - id: m\n    routes:\n      - provider: {}\n        upstream_model: x\n{}",
                     provider, extra);
}

constexpr std::string_view kResponsesRoute = R"(        capabilities: { chat_completions: false }
        compatibility: { aws_bedrock: { api_style: mantle_openai_responses, openai_base_path: /openai/v1 } }
)";

constexpr std::string_view kConverseRoute = R"(        capabilities: { responses: false, json_schema: false }
        compatibility: { aws_bedrock: { api_style: runtime_converse } }
)";

// ---- target and tuning

TEST(ConfigRoutes, ProviderMustExist) {
  const auto result = load(std::string(kOpenAIProvider) +
                           "models:\n  - id: m\n    routes:\n      - provider: opnai\n        upstream_model: x\n");
  ASSERT_TRUE(HasError(result, "models[0].routes[0].provider", "model `m` route references unknown provider `opnai`"));
  EXPECT_EQ(result.errors[0].line, 10);
  EXPECT_EQ(result.errors[0].column, 19);
}

TEST(ConfigRoutes, ProviderIsRequired) {
  EXPECT_TRUE(HasError(load(std::string(kOpenAIProvider) + "models:\n  - id: m\n    routes:\n      - upstream_model: x\n"),
                       "models[0].routes[0].provider", "required key `provider`"));
}

TEST(ConfigRoutes, UpstreamModelCannotBeEmpty) {
  EXPECT_TRUE(HasError(load(std::string(kOpenAIProvider) + "models:\n  - id: m\n    routes:\n      - provider: openai\n        upstream_model: \" \"\n"),
                       "models[0].routes[0].upstream_model", "upstream_model cannot be empty"));
}

TEST(ConfigRoutes, DefaultsMatchTheReference) {
  const auto result = load(openai_route(""));
  ASSERT_TRUE(Loads(result));
  const RouteConfig& route = result.config->models[0].routes[0];
  EXPECT_EQ(route.priority, 100);
  EXPECT_EQ(route.weight, 1.0);
  EXPECT_TRUE(route.enabled);
  EXPECT_TRUE(route.capabilities.responses);
  EXPECT_TRUE(route.capabilities.developer_role);
  EXPECT_FALSE(route.context_window_tokens);
}

TEST(ConfigRoutes, ContextWindowMustBePositive) {
  EXPECT_TRUE(HasError(load(openai_route("        context_window_tokens: 0\n")),
                       "models[0].routes[0].context_window_tokens", "context_window_tokens must be positive"));
}

TEST(ConfigRoutes, WeightMustBeFinite) {
  EXPECT_TRUE(HasError(load(openai_route("        weight: .inf\n")), "models[0].routes[0].weight",
                       "weight must be a finite number"));
  EXPECT_TRUE(HasError(load(openai_route("        weight: -1\n")), "models[0].routes[0].weight",
                       "weight must be a finite number"));
}

TEST(ConfigRoutes, PriorityWeightAndEnabledAreRead) {
  const auto result = load(openai_route("        priority: 5\n        weight: 2.5\n        enabled: false\n"));
  ASSERT_TRUE(Loads(result));
  const RouteConfig& route = result.config->models[0].routes[0];
  EXPECT_EQ(route.priority, 5);
  EXPECT_EQ(route.weight, 2.5);
  EXPECT_FALSE(route.enabled);
}

TEST(ConfigRoutes, VertexRoutesNeedPublisherSlashModel) {
  const std::string text = R"(
providers:
  - { id: v, type: gcp_vertex, project_id: p, auth: { mode: adc } }
models:
  - id: m
    routes: [{ provider: v, upstream_model: gemini-2.0-flash }]
)";
  EXPECT_TRUE(HasError(load(text), "models[0].routes[0].upstream_model",
                       "gcp_vertex routes require upstream_model in <publisher>/<model_id> format, got `gemini-2.0-flash`"));
}

// ---- pricing_override

TEST(ConfigRoutes, PricingOverrideIsMoney4) {
  const auto result = load(openai_route("        pricing_override: { input_usd_per_million_tokens: \"3.0000\", output_usd_per_million_tokens: 15 }\n"));
  ASSERT_TRUE(Loads(result));
  const RoutePricing& pricing = *result.config->models[0].routes[0].pricing_override;
  EXPECT_EQ(pricing.input_usd_per_million_tokens.units(), 30000);
  EXPECT_EQ(pricing.output_usd_per_million_tokens.units(), 150000);
  EXPECT_FALSE(pricing.cache_read_usd_per_million_tokens);
}

TEST(ConfigRoutes, PricingOverrideRequiresInputAndOutput) {
  EXPECT_TRUE(HasError(load(openai_route("        pricing_override: { input_usd_per_million_tokens: \"1\" }\n")),
                       "models[0].routes[0].pricing_override.output_usd_per_million_tokens", "required key"));
}

TEST(ConfigRoutes, PricingOverrideRejectsNegative) {
  EXPECT_TRUE(HasError(load(openai_route("        pricing_override: { input_usd_per_million_tokens: \"-1\", output_usd_per_million_tokens: \"1\" }\n")),
                       "models[0].routes[0].pricing_override.input_usd_per_million_tokens", "cannot be negative"));
}

TEST(ConfigRoutes, PricingOverrideRejectsFiveDecimals) {
  EXPECT_TRUE(HasError(load(openai_route("        pricing_override: { input_usd_per_million_tokens: 0.00001, output_usd_per_million_tokens: \"1\" }\n")),
                       "models[0].routes[0].pricing_override.input_usd_per_million_tokens", "more than 4 fractional digits"));
}

TEST(ConfigRoutes, PricingOverrideRejectsExponent) {
  EXPECT_TRUE(HasError(load(openai_route("        pricing_override: { input_usd_per_million_tokens: 1e-3, output_usd_per_million_tokens: \"1\" }\n")),
                       "models[0].routes[0].pricing_override.input_usd_per_million_tokens", "exponent"));
}

// ---- extra_headers / extra_body

TEST(ConfigRoutes, ExtraHeadersKeepFileOrder) {
  const auto result = load(openai_route("        extra_headers:\n          X-B: \"2\"\n          X-A: \"1\"\n"));
  ASSERT_TRUE(Loads(result));
  const auto& headers = result.config->models[0].routes[0].extra_headers;
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers[0], (std::pair<std::string, std::string>{"X-B", "2"}));
  EXPECT_EQ(headers[1], (std::pair<std::string, std::string>{"X-A", "1"}));
}

TEST(ConfigRoutes, ExtraBodyConvertsYamlScalarsToJsonTypes) {
  const auto result = load(openai_route(R"(        extra_body:
          int: 42
          negative: -7
          float: 0.5
          flag: true
          nothing: null
          tilde: ~
          quoted_number: "42"
          quoted_bool: 'true'
          word: hello
          list: [1, two, false]
          nested: { chat_template_kwargs: { enable_thinking: true } }
)"));
  ASSERT_TRUE(Loads(result));
  const boost::json::object& body = result.config->models[0].routes[0].extra_body;
  EXPECT_EQ(body.at("int"), boost::json::value(42));
  EXPECT_EQ(body.at("negative"), boost::json::value(-7));
  EXPECT_EQ(body.at("float"), boost::json::value(0.5));
  EXPECT_EQ(body.at("flag"), boost::json::value(true));
  EXPECT_TRUE(body.at("nothing").is_null());
  EXPECT_TRUE(body.at("tilde").is_null());
  EXPECT_EQ(body.at("quoted_number"), boost::json::value("42"));
  EXPECT_EQ(body.at("quoted_bool"), boost::json::value("true"));
  EXPECT_EQ(body.at("word"), boost::json::value("hello"));
  EXPECT_EQ(boost::json::serialize(body.at("list")), R"([1,"two",false])");
  EXPECT_EQ(boost::json::serialize(body.at("nested")), R"({"chat_template_kwargs":{"enable_thinking":true}})");
}

TEST(ConfigRoutes, ExtraBodyMustBeAMapping) {
  EXPECT_TRUE(HasError(load(openai_route("        extra_body: [1, 2]\n")), "models[0].routes[0].extra_body",
                       "extra_body must be a mapping"));
}

TEST(ConfigRoutes, ExtraBodyRejectsInfinity) {
  EXPECT_TRUE(HasError(load(openai_route("        extra_body: { temperature: .inf }\n")),
                       "models[0].routes[0].extra_body.temperature", "cannot be represented in JSON"));
}

// ---- capabilities and compatibility.openai_compat

TEST(ConfigRoutes, CapabilitiesAreRead) {
  const auto result = load(openai_route("        capabilities: { embeddings: false, vision: false }\n"));
  ASSERT_TRUE(Loads(result));
  const Capabilities& caps = result.config->models[0].routes[0].capabilities;
  EXPECT_FALSE(caps.embeddings);
  EXPECT_FALSE(caps.vision);
  EXPECT_TRUE(caps.tools);
}

TEST(ConfigRoutes, OpenAICompatTransformsAreRead) {
  const auto result = load(openai_route("        compatibility: { openai_compat: { supports_store: false, max_tokens_field: max_tokens, developer_role: system, reasoning_effort: omit, supports_stream_usage: true, empty_tools: preserve_with_tool_history } }\n"));
  ASSERT_TRUE(Loads(result));
  const auto& compat = *result.config->models[0].routes[0].compatibility.openai_compat;
  EXPECT_FALSE(compat.supports_store);
  EXPECT_EQ(compat.max_tokens_field, MaxTokensField::kMaxTokens);
  EXPECT_EQ(compat.developer_role, DeveloperRoleMode::kSystem);
  EXPECT_EQ(compat.reasoning_effort, ReasoningEffortMode::kOmit);
  EXPECT_TRUE(compat.supports_stream_usage);
  EXPECT_EQ(compat.empty_tools, EmptyToolsMode::kPreserveWithToolHistory);
}

TEST(ConfigRoutes, OpenAICompatEnumsListTheirValues) {
  EXPECT_TRUE(HasError(load(openai_route("        compatibility: { openai_compat: { empty_tools: drop } }\n")),
                       "models[0].routes[0].compatibility.openai_compat.empty_tools",
                       "expected one of preserve, omit, preserve_with_tool_history"));
}

// ---- compatibility.aws_bedrock

TEST(ConfigBedrockRoutes, CompatibilityIsRequired) {
  EXPECT_TRUE(HasError(load(bedrock_route("runtime", "        capabilities: { responses: false, json_schema: false }\n")),
                       "models[0].routes[0].compatibility.aws_bedrock.api_style",
                       "model `m` route for aws_bedrock provider `runtime` requires compatibility.aws_bedrock.api_style"));
}

TEST(ConfigBedrockRoutes, ApiStyleTypoListsTheStyles) {
  const auto result = load(bedrock_route("mantle", R"(        capabilities: { chat_completions: false }
        compatibility:
          aws_bedrock:
            api_style: mantle_openai_respones
            openai_base_path: /openai/v1
)"));
  ASSERT_TRUE(HasError(result, "models[0].routes[0].compatibility.aws_bedrock.api_style",
                       "unknown value \"mantle_openai_respones\"; expected one of runtime_converse, "
                       "runtime_anthropic_invoke, runtime_openai_chat, mantle_openai_responses, "
                       "mantle_openai_chat, mantle_anthropic_messages"));
  EXPECT_EQ(result.errors[0].line, 19);
  EXPECT_EQ(result.errors[0].column, 24);
}

TEST(ConfigBedrockRoutes, ResponsesRouteLoads) {
  const auto result = load(bedrock_route("mantle", kResponsesRoute));
  ASSERT_TRUE(Loads(result));
  const auto& compat = *result.config->models[0].routes[0].compatibility.aws_bedrock;
  EXPECT_EQ(compat.api_style, BedrockApiStyle::kMantleOpenAIResponses);
  EXPECT_EQ(compat.openai_base_path, "/openai/v1");
}

TEST(ConfigBedrockRoutes, ConverseRouteLoads) {
  EXPECT_TRUE(Loads(load(bedrock_route("runtime", kConverseRoute))));
}

TEST(ConfigBedrockRoutes, OpenAIShapedStyleNeedsBasePath) {
  EXPECT_TRUE(HasError(load(bedrock_route("mantle", R"(        capabilities: { responses: false, json_schema: false }
        compatibility: { aws_bedrock: { api_style: mantle_openai_chat, openai_base_path: "  " } }
)")),
                       "models[0].routes[0].compatibility.aws_bedrock.openai_base_path",
                       "requires a non-blank compatibility.aws_bedrock.openai_base_path"));
}

TEST(ConfigBedrockRoutes, NonOpenAIStyleForbidsBasePath) {
  EXPECT_TRUE(HasError(load(bedrock_route("runtime", R"(        capabilities: { responses: false, json_schema: false }
        compatibility: { aws_bedrock: { api_style: runtime_converse, openai_base_path: /openai/v1 } }
)")),
                       "models[0].routes[0].compatibility.aws_bedrock.openai_base_path",
                       "does not take openai_base_path"));
}

TEST(ConfigBedrockRoutes, StrictToolsOnlyForConverse) {
  EXPECT_TRUE(HasError(load(bedrock_route("mantle", R"(        capabilities: { responses: false, json_schema: false }
        compatibility: { aws_bedrock: { api_style: mantle_anthropic_messages, supports_strict_tools: true } }
)")),
                       "models[0].routes[0].compatibility.aws_bedrock.supports_strict_tools",
                       "only allowed with api_style runtime_converse"));
  EXPECT_TRUE(Loads(load(bedrock_route("runtime", R"(        capabilities: { responses: false, json_schema: false }
        compatibility: { aws_bedrock: { api_style: runtime_converse, supports_strict_tools: true } }
)"))));
}

TEST(ConfigBedrockRoutes, StyleMustMatchEndpointKind) {
  EXPECT_TRUE(HasError(load(bedrock_route("runtime", kResponsesRoute)),
                       "models[0].routes[0].compatibility.aws_bedrock.api_style",
                       "uses api_style mantle_openai_responses incompatible with endpoint_kind bedrock_runtime"));
}

TEST(ConfigBedrockRoutes, ResponsesCapabilityOnlyForResponsesOrConverseStyle) {
  const auto result = load(bedrock_route("runtime", R"(        capabilities: { responses: true, json_schema: false }
        compatibility: { aws_bedrock: { api_style: runtime_anthropic_invoke } }
)"));
  EXPECT_TRUE(HasError(result, "models[0].routes[0].capabilities.responses",
                       "capabilities.responses: true requires api_style mantle_openai_responses or "
                       "runtime_converse"));
}

// Sluice goes beyond the reference: Converse routes serve /v1/responses through translation.
TEST(ConfigBedrockRoutes, ConverseStyleMayServeResponses) {
  EXPECT_TRUE(Loads(load(bedrock_route("runtime", R"(        capabilities: { responses: true, json_schema: false }
        compatibility: { aws_bedrock: { api_style: runtime_converse } }
)"))));
}

TEST(ConfigBedrockRoutes, DefaultedResponsesCapabilityExplainsTheDefault) {
  const auto result = load(bedrock_route("runtime", R"(        capabilities: { json_schema: false }
        compatibility: { aws_bedrock: { api_style: runtime_anthropic_invoke } }
)"));
  EXPECT_TRUE(HasError(result, "models[0].routes[0].capabilities",
                       "capability flags default to true; set responses: false"));
}

TEST(ConfigBedrockRoutes, JsonSchemaCapabilityOnlyForResponsesStyle) {
  EXPECT_TRUE(HasError(load(bedrock_route("runtime", R"(        capabilities: { responses: false, json_schema: true }
        compatibility: { aws_bedrock: { api_style: runtime_converse } }
)")),
                       "models[0].routes[0].capabilities.json_schema",
                       "capabilities.json_schema: true requires api_style mantle_openai_responses"));
}

TEST(ConfigBedrockRoutes, ResponsesStyleForbidsChatCompletions) {
  EXPECT_TRUE(HasError(load(bedrock_route("mantle", R"(        compatibility: { aws_bedrock: { api_style: mantle_openai_responses, openai_base_path: /openai/v1 } }
)")),
                       "models[0].routes[0].capabilities",
                       "capabilities.chat_completions: true is not allowed with api_style mantle_openai_responses"));
}

// Sluice goes beyond the reference: InvokeModelWithResponseStream serves streamed requests.
TEST(ConfigBedrockRoutes, AnthropicInvokeMayStream) {
  EXPECT_TRUE(Loads(load(bedrock_route("runtime", R"(        capabilities: { responses: false, json_schema: false, stream: true }
        compatibility: { aws_bedrock: { api_style: runtime_anthropic_invoke } }
)"))));
}

TEST(ConfigBedrockRoutes, BedrockCompatibilityOnOtherProviderWarns) {
  const auto result = load(openai_route("        compatibility: { aws_bedrock: { api_style: runtime_converse } }\n"));
  ASSERT_TRUE(Loads(result));
  EXPECT_TRUE(HasWarning(result, "models[0].routes[0].compatibility.aws_bedrock", "is ignored"));
}

// ---- compatibility.openrouter.provider

constexpr std::string_view kOpenRouter = R"(
providers:
  - id: openrouter
    type: openai_compat
    base_url: https://openrouter.ai/api/v1
    pricing_provider_id: openrouter
models:
  - id: m
    routes:
      - provider: openrouter
        upstream_model: openai/gpt-4o-mini
)";

std::string openrouter_route(std::string_view extra) { return std::string(kOpenRouter) + std::string(extra); }

TEST(ConfigOpenRouterRoutes, ProviderPreferencesBecomeJson) {
  const auto result = load(openrouter_route(
      "        compatibility: { openrouter: { provider: { zdr: true, only: [openai], order: [openai, azure], max_price: { prompt: 1.0, completion: 2 }, preferred_max_latency: { p90: 3 } } } }\n"));
  ASSERT_TRUE(Loads(result));
  const auto& provider = *result.config->models[0].routes[0].compatibility.openrouter_provider;
  EXPECT_EQ(boost::json::serialize(provider),
            R"({"zdr":true,"only":["openai"],"order":["openai","azure"],"preferred_max_latency":{"p90":3E0},"max_price":{"prompt":1E0,"completion":2E0}})");
}

TEST(ConfigOpenRouterRoutes, OnlyOnOpenRouterProviders) {
  EXPECT_TRUE(HasError(load(openai_route("        compatibility: { openrouter: { provider: { zdr: true } } }\n")),
                       "models[0].routes[0].compatibility.openrouter.provider",
                       "only allowed on openai_compat providers whose base_url host is openrouter.ai"));
}

TEST(ConfigOpenRouterRoutes, NotTogetherWithExtraBodyProvider) {
  EXPECT_TRUE(HasError(load(openrouter_route(
                           "        extra_body: { provider: { zdr: true } }\n        compatibility: { openrouter: { provider: { zdr: true } } }\n")),
                       "models[0].routes[0].extra_body.provider",
                       "cannot set both compatibility.openrouter.provider and extra_body.provider"));
}

TEST(ConfigOpenRouterRoutes, MustSetAField) {
  EXPECT_TRUE(HasError(load(openrouter_route("        compatibility: { openrouter: { provider: {} } }\n")),
                       "models[0].routes[0].compatibility.openrouter.provider", "must set at least one field"));
}

TEST(ConfigOpenRouterRoutes, OnlyAndIgnoreMustNotOverlap) {
  EXPECT_TRUE(HasError(load(openrouter_route("        compatibility: { openrouter: { provider: { only: [openai, azure], ignore: [azure] } } }\n")),
                       "models[0].routes[0].compatibility.openrouter.provider.ignore",
                       "only and ignore must not overlap (`azure` is in both)"));
}

TEST(ConfigOpenRouterRoutes, SlugsCannotBeEmpty) {
  EXPECT_TRUE(HasError(load(openrouter_route("        compatibility: { openrouter: { provider: { order: [\"\"] } } }\n")),
                       "models[0].routes[0].compatibility.openrouter.provider.order[0]", "slug cannot be empty"));
}

TEST(ConfigOpenRouterRoutes, LatencyMustBePositive) {
  EXPECT_TRUE(HasError(load(openrouter_route("        compatibility: { openrouter: { provider: { preferred_max_latency: 0 } } }\n")),
                       "models[0].routes[0].compatibility.openrouter.provider.preferred_max_latency",
                       "must be a positive number"));
}

TEST(ConfigOpenRouterRoutes, LatencyPercentilesNeedOne) {
  EXPECT_TRUE(HasError(load(openrouter_route("        compatibility: { openrouter: { provider: { preferred_max_latency: {} } } }\n")),
                       "models[0].routes[0].compatibility.openrouter.provider.preferred_max_latency",
                       "must set at least one of its fields"));
}

TEST(ConfigOpenRouterRoutes, MaxPriceMustBeNonNegative) {
  EXPECT_TRUE(HasError(load(openrouter_route("        compatibility: { openrouter: { provider: { max_price: { prompt: -1 } } } }\n")),
                       "models[0].routes[0].compatibility.openrouter.provider.max_price.prompt",
                       "must be a non-negative finite number"));
}

// ---- compatibility.github_copilot

TEST(ConfigCopilotRoutes, OnlyOnCopilotProviders) {
  EXPECT_TRUE(HasError(load(openai_route("        compatibility: { github_copilot: { chat_api: chat_completions } }\n")),
                       "models[0].routes[0].compatibility.github_copilot", "only allowed on github_copilot providers"));
}

TEST(ConfigCopilotRoutes, BlockIsKeptWithDefaults) {
  const auto result = load(R"(
providers:
  - { id: c, type: github_copilot, auth: { mode: bearer, token: literal.x } }
models:
  - id: m
    routes:
      - provider: c
        upstream_model: gpt-4o
        compatibility: { github_copilot: { chat_api: anthropic_messages, upstream_supports: { streaming: true } } }
)");
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(boost::json::serialize(*result.config->models[0].routes[0].compatibility.github_copilot),
            R"({"chat_api":"anthropic_messages","supports_responses":false,"supports_embeddings":false,)"
            R"("upstream_supports":{"streaming":true,"tool_calls":false,"vision":false,"structured_outputs":false}})");
}

}  // namespace
}  // namespace sluice::config::testing
