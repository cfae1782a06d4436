#include "providers/ProviderRequest.h"

#include "SeedRoute.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include <type_traits>

namespace sluice::providers {
namespace {

namespace json = boost::json;

using Headers = std::vector<std::pair<std::string, std::string>>;
using testing::bedrock_route;
using testing::openai_provider;
using testing::openai_route;
using testing::seed_bedrock_provider;
using testing::seed_gpt55_route;

json::object parse(std::string_view text) { return json::parse(text).as_object(); }

upstream::UpstreamRequest build(const config::ProviderConfig& provider,
                                const config::RouteConfig& route, ApiFamily family,
                                std::string_view body, std::string_view request_id = "req-1") {
  auto request = build_upstream_request(provider, route, family, parse(body), request_id);
  EXPECT_TRUE(request.ok()) << (request.ok() ? "" : request.error().message);
  return request.ok() ? std::move(*request) : upstream::UpstreamRequest{};
}

json::value sent_body(const upstream::UpstreamRequest& request) {
  return json::parse(request.body);
}

config::ProviderConfig runtime_provider() {
  config::ProviderConfig provider = seed_bedrock_provider();
  provider.aws_bedrock->endpoint_kind = config::BedrockEndpointKind::kRuntime;
  provider.aws_bedrock->endpoint_url = "https://bedrock-runtime.us-east-1.amazonaws.com";
  return provider;
}

// --- URLs ---------------------------------------------------------------------------------------

TEST(ProviderRequest, SeedResponsesRouteTargetsMantleOpenAIResponses) {
  const auto request =
      build(seed_bedrock_provider(), seed_gpt55_route(), ApiFamily::kResponses,
            R"({"model":"gpt-55-bedrock","input":"Write a concise migration note."})");
  EXPECT_EQ(request.url, "https://bedrock-mantle.us-east-2.api.aws/openai/v1/responses");
  EXPECT_EQ(request.method, boost::beast::http::verb::post);
}

TEST(ProviderRequest, MantleOpenAIChatTargetsChatCompletionsUnderTheBasePath) {
  const auto url = upstream_url(seed_bedrock_provider(),
                                bedrock_route(config::BedrockApiStyle::kMantleOpenAIChat),
                                ApiFamily::kChatCompletions);
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(*url, "https://bedrock-mantle.us-east-2.api.aws/openai/v1/chat/completions");
}

TEST(ProviderRequest, RuntimeOpenAIChatTargetsChatCompletionsUnderTheBasePath) {
  const auto url =
      upstream_url(runtime_provider(), bedrock_route(config::BedrockApiStyle::kRuntimeOpenAIChat),
                   ApiFamily::kChatCompletions);
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(*url, "https://bedrock-runtime.us-east-1.amazonaws.com/openai/v1/chat/completions");
}

TEST(ProviderRequest, BedrockBasePathSlashesAreNormalised) {
  config::RouteConfig route = seed_gpt55_route();
  route.compatibility.aws_bedrock->openai_base_path = "openai/v1/";
  EXPECT_EQ(*upstream_url(seed_bedrock_provider(), route, ApiFamily::kResponses),
            "https://bedrock-mantle.us-east-2.api.aws/openai/v1/responses");
}

TEST(ProviderRequest, OpenAICompatJoinsBaseUrlPerFamily) {
  const auto provider = openai_provider("openai", "https://api.openai.com/v1/");
  EXPECT_EQ(*upstream_url(provider, openai_route(), ApiFamily::kChatCompletions),
            "https://api.openai.com/v1/chat/completions");
  EXPECT_EQ(*upstream_url(provider, openai_route(), ApiFamily::kResponses),
            "https://api.openai.com/v1/responses");
  EXPECT_EQ(*upstream_url(provider, openai_route(), ApiFamily::kEmbeddings),
            "https://api.openai.com/v1/embeddings");
}

TEST(ProviderRequest, RefusesChatCompletionsOnTheResponsesStyle) {
  const auto request =
      build_upstream_request(seed_bedrock_provider(), seed_gpt55_route(),
                             ApiFamily::kChatCompletions, parse(R"({"messages":[]})"), "req-1");
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.error().status, 400);
  EXPECT_EQ(request.error().code, "invalid_request");
  EXPECT_NE(request.error().message.find("use /v1/responses"), std::string::npos);
}

TEST(ProviderRequest, RefusesResponsesOnABedrockChatStyle) {
  const auto url = upstream_url(seed_bedrock_provider(),
                                bedrock_route(config::BedrockApiStyle::kMantleOpenAIChat),
                                ApiFamily::kResponses);
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.error().status, 400);
}

config::RouteConfig runtime_route(config::BedrockApiStyle style, std::string upstream_model) {
  config::RouteConfig route = bedrock_route(style);
  route.upstream_model = std::move(upstream_model);
  route.compatibility.aws_bedrock->openai_base_path.reset();
  return route;
}

TEST(ProviderRequest, ConverseTargetsTheModelPathWithItsIdPercentEncoded) {
  const auto route = runtime_route(config::BedrockApiStyle::kRuntimeConverse,
                                   "us.anthropic.claude-3-5-sonnet-20240620-v1:0");
  EXPECT_EQ(*upstream_url(runtime_provider(), route, ApiFamily::kChatCompletions),
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/"
            "us.anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse");
  EXPECT_EQ(*upstream_url(runtime_provider(), route, ApiFamily::kChatCompletions, /*stream=*/true),
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/"
            "us.anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream");
}

TEST(ProviderRequest, ArnModelIdsKeepColonsAndSlashesLiteral) {
  const auto route = runtime_route(
      config::BedrockApiStyle::kRuntimeConverse,
      "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude v1");
  EXPECT_EQ(*upstream_url(runtime_provider(), route, ApiFamily::kChatCompletions),
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/"
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude%20v1/"
            "converse");
}

TEST(ProviderRequest, AnthropicInvokeStreamsThroughInvokeWithResponseStream) {
  const auto route =
      runtime_route(config::BedrockApiStyle::kRuntimeAnthropicInvoke, "anthropic.claude-v2");
  EXPECT_EQ(*upstream_url(runtime_provider(), route, ApiFamily::kMessages),
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-v2/invoke");
  EXPECT_EQ(*upstream_url(runtime_provider(), route, ApiFamily::kMessages, /*stream=*/true),
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-v2/"
            "invoke-with-response-stream");
}

TEST(ProviderRequest, MantleAnthropicMessagesTargetsTheAnthropicPath) {
  config::RouteConfig route = bedrock_route(config::BedrockApiStyle::kMantleAnthropicMessages);
  route.compatibility.aws_bedrock->openai_base_path.reset();
  EXPECT_EQ(*upstream_url(seed_bedrock_provider(), route, ApiFamily::kChatCompletions),
            "https://bedrock-mantle.us-east-2.api.aws/anthropic/v1/messages");
}

TEST(ProviderRequest, ResponsesCallersReachConverseButNotAnthropicStyles) {
  EXPECT_TRUE(upstream_url(runtime_provider(),
                           runtime_route(config::BedrockApiStyle::kRuntimeConverse, "m"),
                           ApiFamily::kResponses)
                  .ok());
  const auto invoke = upstream_url(
      runtime_provider(), runtime_route(config::BedrockApiStyle::kRuntimeAnthropicInvoke, "m"),
      ApiFamily::kResponses);
  ASSERT_FALSE(invoke.ok());
  EXPECT_EQ(invoke.error().status, 400);
}

TEST(ProviderRequest, WireFormatFollowsTheApiStyle) {
  const auto runtime = runtime_provider();
  EXPECT_EQ(wire_format_for(runtime, runtime_route(config::BedrockApiStyle::kRuntimeConverse, "m"),
                            ApiFamily::kResponses),
            streams::WireFormat::kBedrockConverse);
  EXPECT_EQ(wire_format_for(runtime,
                            runtime_route(config::BedrockApiStyle::kRuntimeAnthropicInvoke, "m"),
                            ApiFamily::kChatCompletions),
            streams::WireFormat::kBedrockAnthropicInvoke);
  EXPECT_EQ(wire_format_for(seed_bedrock_provider(), seed_gpt55_route(), ApiFamily::kResponses),
            streams::WireFormat::kOpenAIResponses);
  EXPECT_EQ(wire_format_for(openai_provider(), openai_route(), ApiFamily::kMessages),
            streams::WireFormat::kOpenAIChat);
}

TEST(ProviderRequest, StreamedConverseAsksForAnAwsEventStream) {
  const auto request =
      build(runtime_provider(), runtime_route(config::BedrockApiStyle::kRuntimeConverse, "m"),
            ApiFamily::kChatCompletions,
            R"({"model":"g","stream":true,"messages":[{"role":"user","content":"hi"}]})");
  EXPECT_EQ(*request.find_header("accept"), "application/vnd.amazon.eventstream");
  EXPECT_TRUE(request.expects_event_stream);
  const json::value body = sent_body(request);
  EXPECT_FALSE(body.as_object().contains("stream"));
  EXPECT_FALSE(body.as_object().contains("model"));
  EXPECT_TRUE(body.as_object().contains("messages"));
}

TEST(ProviderRequest, AnthropicCallerPassesNativelyToInvokeWithBedrockVersion) {
  auto route = runtime_route(config::BedrockApiStyle::kRuntimeAnthropicInvoke, "anthropic.claude");
  const auto request = build(
      runtime_provider(), route, ApiFamily::kMessages,
      R"({"model":"g","max_tokens":9,"stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"}}]}]})");
  EXPECT_EQ(sent_body(request),
            json::parse(R"({"max_tokens":9,"messages":[{"role":"user","content":[{"type":"text",
                "text":"hi","cache_control":{"type":"ephemeral"}}]}],
                "anthropic_version":"bedrock-2023-05-31"})"));
  EXPECT_EQ(*request.find_header("accept"), "application/vnd.amazon.eventstream");
  EXPECT_EQ(*request.find_header("x-amzn-bedrock-accept"), "application/json");
}

TEST(ProviderRequest, AnthropicCallerPassesNativelyToMantleMessagesWithTheApiVersion) {
  config::RouteConfig route = bedrock_route(config::BedrockApiStyle::kMantleAnthropicMessages);
  route.upstream_model = "anthropic.claude-sonnet-4-5";
  route.compatibility.aws_bedrock->openai_base_path.reset();
  const auto request = build(seed_bedrock_provider(), route, ApiFamily::kMessages,
                             R"({"model":"g","max_tokens":9,"stream":true,"messages":[]})");
  EXPECT_EQ(sent_body(request),
            json::parse(R"({"model":"anthropic.claude-sonnet-4-5","max_tokens":9,"stream":true,
                "messages":[]})"));
  EXPECT_EQ(*request.find_header("anthropic-version"), "2023-06-01");
  EXPECT_EQ(*request.find_header("accept"), "text/event-stream");
}

TEST(ProviderRequest, AnthropicCallerIsTranslatedToChatForOpenAIRoutes) {
  const auto request =
      build(openai_provider(), openai_route(), ApiFamily::kMessages,
            R"({"model":"g","max_tokens":9,"messages":[{"role":"user","content":"hi"}]})");
  EXPECT_EQ(request.url, "https://api.openai.com/v1/chat/completions");
  const json::value sent = sent_body(request);
  const json::object& body = sent.as_object();
  EXPECT_EQ(body.at("messages"), json::parse(R"([{"role":"user","content":"hi"}])"));
  EXPECT_EQ(body.at("model"), "gpt-4.1");
}

TEST(ProviderRequest, UnimplementedProviderTypeIs501NamingTheType) {
  config::ProviderConfig vertex;
  vertex.id = "vertex";
  vertex.type = config::ProviderType::kGcpVertex;
  vertex.gcp_vertex = config::GcpVertexProvider{};
  const auto url = upstream_url(vertex, openai_route("vertex", "google/gemini-2.5-pro"),
                                ApiFamily::kChatCompletions);
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.error().status, 501);
  EXPECT_NE(url.error().message.find("gcp_vertex"), std::string::npos);
}

// --- headers ------------------------------------------------------------------------------------

TEST(ProviderRequest, HeadersFollowTheReferenceOrder) {
  config::ProviderConfig provider = seed_bedrock_provider();
  provider.default_headers = {{"x-gateway-team", "ml-platform"}};
  const auto request = build(provider, seed_gpt55_route(), ApiFamily::kResponses,
                             R"({"model":"gpt-55-bedrock","input":"hi"})", "req-42");
  const Headers expected{{"content-type", "application/json"},
                         {"accept", "application/json"},
                         {"x-gateway-team", "ml-platform"},
                         {"OpenAI-Project", "proj_123"},
                         {"x-request-id", "req-42"}};
  EXPECT_EQ(request.headers, expected);
}

TEST(ProviderRequest, StreamingRequestAcceptsAnEventStream) {
  const auto request = build(seed_bedrock_provider(), seed_gpt55_route(), ApiFamily::kResponses,
                             R"({"input":"hi","stream":true})");
  ASSERT_NE(request.find_header("accept"), nullptr);
  EXPECT_EQ(*request.find_header("accept"), "text/event-stream");
  EXPECT_TRUE(request.expects_event_stream);
}

TEST(ProviderRequest, NonStreamingRequestExpectsJson) {
  const auto request =
      build(openai_provider(), openai_route(), ApiFamily::kChatCompletions, R"({"messages":[]})");
  EXPECT_EQ(*request.find_header("accept"), "application/json");
  EXPECT_FALSE(request.expects_event_stream);
}

TEST(ProviderRequest, RouteHeaderReplacesASameNamedProviderHeaderWhereItStands) {
  config::ProviderConfig provider = openai_provider();
  provider.default_headers = {{"OpenAI-Project", "proj_provider"}, {"x-other", "1"}};
  config::RouteConfig route = openai_route();
  route.extra_headers = {{"openai-project", "proj_route"}};
  const auto request = build(provider, route, ApiFamily::kChatCompletions, R"({"messages":[]})");
  const Headers expected{{"content-type", "application/json"},
                         {"accept", "application/json"},
                         {"OpenAI-Project", "proj_route"},
                         {"x-other", "1"},
                         {"x-request-id", "req-1"}};
  EXPECT_EQ(request.headers, expected);
}

TEST(ProviderRequest, CallerHeadersAreNotAnInput) {
  // By construction: the builder takes no caller headers, so none can be forwarded.
  using Signature = Expected<upstream::UpstreamRequest> (*)(const config::ProviderConfig&,
                                                            const config::RouteConfig&, ApiFamily,
                                                            boost::json::object, std::string_view);
  static_assert(std::is_same_v<decltype(&build_upstream_request), Signature>);
  // And a route without extra_headers sends only the gateway's own headers.
  const auto request =
      build(openai_provider(), openai_route(), ApiFamily::kChatCompletions, R"({"messages":[]})");
  const Headers expected{{"content-type", "application/json"},
                         {"accept", "application/json"},
                         {"x-request-id", "req-1"}};
  EXPECT_EQ(request.headers, expected);
}

// --- body ---------------------------------------------------------------------------------------

TEST(ProviderRequest, ModelIsReplacedByTheUpstreamModel) {
  const auto request = build(seed_bedrock_provider(), seed_gpt55_route(), ApiFamily::kResponses,
                             R"({"model":"gpt-55-bedrock","input":"hi"})");
  EXPECT_EQ(sent_body(request), json::parse(R"({"model":"openai.gpt-5.5","input":"hi"})"));
}

TEST(ProviderRequest, UnknownCallerFieldsPassThroughUntouched) {
  constexpr std::string_view kBody = R"({"model":"m","messages":[{"role":"user","content":"hi",
      "x_meta":{"k":[1,{"z":null}]}}],"metadata":{"trace":"abc"},"service_tier":"flex"})";
  const auto request = build(openai_provider(), openai_route(), ApiFamily::kChatCompletions, kBody);
  json::value expected = json::parse(kBody);
  expected.as_object()["model"] = "gpt-4.1";
  EXPECT_EQ(sent_body(request), expected);
}

TEST(ProviderRequest, ExtraBodyOverridesCallerKeys) {
  config::RouteConfig route = openai_route();
  route.extra_body = parse(R"({"temperature":0.2,"service_tier":"priority"})");
  const auto request = build(openai_provider(), route, ApiFamily::kChatCompletions,
                             R"({"messages":[],"temperature":1.5})");
  EXPECT_EQ(sent_body(request), json::parse(R"({"messages":[],"temperature":0.2,
      "model":"gpt-4.1","service_tier":"priority"})"));
}

TEST(ProviderRequest, ExtraBodyCannotChangeStreaming) {
  config::RouteConfig route = openai_route();
  route.extra_body = parse(R"({"stream":true})");
  const auto request =
      build(openai_provider(), route, ApiFamily::kChatCompletions, R"({"messages":[]})");
  EXPECT_FALSE(sent_body(request).as_object().contains("stream"));
  EXPECT_FALSE(request.expects_event_stream);
}

TEST(ProviderRequest, CompatibilityTransformsWinOverExtraBody) {
  config::RouteConfig route = openai_route();
  route.extra_body = parse(R"({"store":true,"max_completion_tokens":64})");
  config::OpenAICompatCompatibility profile;
  profile.supports_store = false;
  profile.max_tokens_field = config::MaxTokensField::kMaxTokens;
  route.compatibility.openai_compat = profile;
  const auto request =
      build(openai_provider(), route, ApiFamily::kChatCompletions, R"({"messages":[]})");
  EXPECT_EQ(sent_body(request),
            json::parse(R"({"messages":[],"model":"gpt-4.1","max_tokens":64})"));
}

TEST(ProviderRequest, StreamingChatRequestsUsageWhenTheRouteSupportsIt) {
  config::RouteConfig route = openai_route();
  config::OpenAICompatCompatibility profile;
  profile.supports_stream_usage = true;
  route.compatibility.openai_compat = profile;
  const auto request = build(openai_provider(), route, ApiFamily::kChatCompletions,
                             R"({"messages":[],"stream":true})");
  EXPECT_EQ(sent_body(request), json::parse(R"({"messages":[],"stream":true,"model":"gpt-4.1",
      "stream_options":{"include_usage":true}})"));
}

TEST(ProviderRequest, CompatibilityIsNotAppliedToResponses) {
  config::RouteConfig route = openai_route();
  config::OpenAICompatCompatibility profile;
  profile.supports_store = false;
  profile.supports_stream_usage = true;
  profile.empty_tools = config::EmptyToolsMode::kOmit;
  route.compatibility.openai_compat = profile;
  constexpr std::string_view kBody = R"({"input":"hi","store":true,"stream":true,"tools":[]})";
  const auto request = build(openai_provider(), route, ApiFamily::kResponses, kBody);
  json::value expected = json::parse(kBody);
  expected.as_object()["model"] = "gpt-4.1";
  EXPECT_EQ(sent_body(request), expected);
}

TEST(ProviderRequest, CompatibilityIsNotAppliedToEmbeddings) {
  config::RouteConfig route = openai_route();
  config::OpenAICompatCompatibility profile;
  profile.supports_store = false;
  route.compatibility.openai_compat = profile;
  const auto request =
      build(openai_provider(), route, ApiFamily::kEmbeddings, R"({"input":"hi","store":true})");
  EXPECT_TRUE(sent_body(request).as_object().contains("store"));
}

TEST(ProviderRequest, CompatibilityIsNotAppliedToBedrockOpenAIChat) {
  config::RouteConfig route = bedrock_route(config::BedrockApiStyle::kMantleOpenAIChat);
  config::OpenAICompatCompatibility profile;
  profile.supports_store = false;
  route.compatibility.openai_compat = profile;
  const auto request = build(seed_bedrock_provider(), route, ApiFamily::kChatCompletions,
                             R"({"messages":[],"store":true})");
  EXPECT_TRUE(sent_body(request).as_object().contains("store"));
}

TEST(ProviderRequest, CompatibilityRefusalIsReturned) {
  config::RouteConfig route = openai_route();
  config::OpenAICompatCompatibility profile;
  profile.empty_tools = config::EmptyToolsMode::kOmit;
  route.compatibility.openai_compat = profile;
  const auto request = build_upstream_request(
      openai_provider(), route, ApiFamily::kChatCompletions,
      parse(R"({"messages":[],"tools":[],"tool_choice":"required"})"), "req-1");
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.error().status, 400);
  EXPECT_EQ(request.error().param, "tool_choice");
}

TEST(ProviderRequest, OpenRouterPolicyIsSentAsTheProviderObject) {
  config::RouteConfig route = openai_route("openrouter", "openai/gpt-4.1");
  route.compatibility.openrouter_provider = parse(R"({"order":["openai","azure"]})");
  const auto request = build(openai_provider("openrouter", "https://openrouter.ai/api/v1"), route,
                             ApiFamily::kChatCompletions, R"({"messages":[]})");
  EXPECT_EQ(sent_body(request).as_object().at("provider"),
            json::parse(R"({"order":["openai","azure"]})"));
}

}  // namespace
}  // namespace sluice::providers
