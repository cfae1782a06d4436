#include "routing/CapabilityGate.h"

#include "../providers/SeedRoute.h"
#include "providers/ProviderCapabilities.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace sluice::routing {
namespace {

using testing::bedrock_route;
using testing::openai_provider;
using testing::openai_route;
using testing::seed_bedrock_provider;
using testing::seed_gpt55_route;

boost::json::object body(std::string_view json) { return boost::json::parse(json).as_object(); }

RequiredCapabilities chat(std::string_view json) {
  return required_capabilities(ApiFamily::kChatCompletions, body(json));
}

RequiredCapabilities responses(std::string_view json) {
  return required_capabilities(ApiFamily::kResponses, body(json));
}

std::optional<GatewayError> refusal(const config::RouteConfig& route,
                                    const config::ProviderConfig& provider,
                                    const RequiredCapabilities& required) {
  return refusal_for_route(route, provider, required, "m");
}

// --- what a request needs -------------------------------------------------------------------

TEST(Capability, PlainChatNeedsOnlyTheChatFamily) {
  const auto required = chat(R"({"model":"m","messages":[{"role":"user","content":"hi"}]})");
  EXPECT_EQ(required.family, ApiFamily::kChatCompletions);
  EXPECT_FALSE(required.stream || required.tools || required.vision || required.json_schema ||
               required.developer_role);
}

TEST(Capability, StreamTrueNeedsStream) {
  EXPECT_TRUE(chat(R"({"stream":true,"messages":[]})").stream);
  EXPECT_TRUE(responses(R"({"stream":true,"input":"hi"})").stream);
}

TEST(Capability, StreamFalseOrNonBooleanIsNotStreaming) {
  EXPECT_FALSE(chat(R"({"stream":false,"messages":[]})").stream);
  EXPECT_FALSE(chat(R"({"stream":"true","messages":[]})").stream);
}

TEST(Capability, NonEmptyToolsNeedTools) {
  EXPECT_TRUE(
      chat(R"({"messages":[],"tools":[{"type":"function","function":{"name":"f"}}]})").tools);
  EXPECT_TRUE(responses(R"({"input":"hi","tools":[{"type":"web_search"}]})").tools);
}

TEST(Capability, EmptyOrNullToolsDoNotNeedTools) {
  EXPECT_FALSE(chat(R"({"messages":[],"tools":[]})").tools);
  EXPECT_FALSE(chat(R"({"messages":[],"tools":null})").tools);
}

TEST(Capability, ChatImageUrlPartNeedsVision) {
  const auto required = chat(R"({"messages":[{"role":"user","content":[
      {"type":"text","text":"what is this?"},
      {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]})");
  EXPECT_TRUE(required.vision);
}

TEST(Capability, ChatFilePartNeedsVision) {
  EXPECT_TRUE(
      chat(R"({"messages":[{"role":"user","content":[{"type":"file","file":{}}]}]})").vision);
}

TEST(Capability, ChatTextPartsDoNotNeedVision) {
  EXPECT_FALSE(
      chat(R"({"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]})").vision);
}

TEST(Capability, ResponsesInputImageInMessageContentNeedsVision) {
  const auto required = responses(R"({"input":[{"role":"user","content":[
      {"type":"input_text","text":"what is this?"},
      {"type":"input_image","image_url":"data:image/png;base64,AAAA"}]}]})");
  EXPECT_TRUE(required.vision);
}

TEST(Capability, ResponsesInputImageItemNeedsVision) {
  EXPECT_TRUE(
      responses(R"({"input":[{"type":"input_image","image_url":"https://x/y.png"}]})").vision);
}

TEST(Capability, ResponsesStringInputDoesNotNeedVision) {
  EXPECT_FALSE(responses(R"({"input":"describe a cat"})").vision);
}

TEST(Capability, ChatJsonSchemaResponseFormatNeedsJsonSchema) {
  EXPECT_TRUE(chat(R"({"messages":[],"response_format":{"type":"json_schema","json_schema":{}}})")
                  .json_schema);
}

TEST(Capability, JsonObjectResponseFormatNeedsNoSchemaSupport) {
  EXPECT_FALSE(chat(R"({"messages":[],"response_format":{"type":"json_object"}})").json_schema);
}

TEST(Capability, ResponsesJsonSchemaTextFormatNeedsJsonSchema) {
  EXPECT_TRUE(responses(R"({"input":"hi","text":{"format":{"type":"json_schema","name":"a"}}})")
                  .json_schema);
}

TEST(Capability, ChatDeveloperMessageNeedsDeveloperRole) {
  EXPECT_TRUE(chat(R"({"messages":[{"role":"developer","content":"be brief"}]})").developer_role);
}

TEST(Capability, ResponsesDeveloperInputNeedsDeveloperRole) {
  EXPECT_TRUE(responses(R"({"input":[{"role":"developer","content":"be brief"}]})").developer_role);
}

RequiredCapabilities messages(std::string_view json) {
  return required_capabilities(ApiFamily::kMessages, body(json));
}

TEST(Capability, MessagesImageBlockNeedsVision) {
  EXPECT_TRUE(messages(R"({"messages":[{"role":"user","content":[{"type":"image","source":{}}]}]})")
                  .vision);
}

TEST(Capability, MessagesImageInsideToolResultNeedsVision) {
  EXPECT_TRUE(messages(R"({"messages":[{"role":"user","content":[{"type":"tool_result",
      "tool_use_id":"t","content":[{"type":"image","source":{}}]}]}]})")
                  .vision);
}

TEST(Capability, MessagesStringContentNeedsNoVision) {
  const auto required = messages(R"({"stream":true,"tools":[{"name":"f"}],
      "messages":[{"role":"user","content":"hi"}]})");
  EXPECT_FALSE(required.vision || required.json_schema || required.developer_role);
  EXPECT_TRUE(required.stream && required.tools);
}

// The reference converts /v1/messages to a chat request: the route must serve chat.
TEST(Capability, MessagesNeedTheChatFamily) {
  config::RouteConfig route = seed_gpt55_route();  // responses only
  const auto why = refusal(route, seed_bedrock_provider(), messages(R"({"messages":[]})"));
  ASSERT_TRUE(why);
  EXPECT_EQ(why->status, 400);
}

TEST(Capability, EmbeddingsNeedOnlyTheEmbeddingsFamily) {
  const auto required = required_capabilities(
      ApiFamily::kEmbeddings, body(R"({"input":"hi","stream":true,"tools":[{"type":"x"}]})"));
  EXPECT_EQ(required.family, ApiFamily::kEmbeddings);
  EXPECT_FALSE(required.stream || required.tools);
}

// --- built-in truth -----------------------------------------------------------------------------

TEST(Capability, OpenAICompatServesEverything) {
  const config::Capabilities caps =
      providers::builtin_capabilities(openai_provider(), openai_route());
  EXPECT_TRUE(caps.chat_completions && caps.responses && caps.embeddings && caps.stream &&
              caps.tools && caps.vision && caps.json_schema && caps.developer_role);
}

TEST(Capability, BedrockMantleResponsesStyleServesResponsesOnly) {
  const config::Capabilities caps =
      providers::builtin_capabilities(seed_bedrock_provider(), seed_gpt55_route());
  EXPECT_TRUE(caps.responses);
  EXPECT_FALSE(caps.chat_completions);
  EXPECT_FALSE(caps.embeddings);
  EXPECT_TRUE(caps.json_schema);
}

TEST(Capability, BedrockChatStylesServeChatOnlyWithoutJsonSchema) {
  for (const auto style :
       {config::BedrockApiStyle::kRuntimeOpenAIChat, config::BedrockApiStyle::kMantleOpenAIChat,
        config::BedrockApiStyle::kMantleAnthropicMessages,
        config::BedrockApiStyle::kRuntimeAnthropicInvoke}) {
    const config::Capabilities caps =
        providers::builtin_capabilities(seed_bedrock_provider(), bedrock_route(style));
    EXPECT_TRUE(caps.chat_completions);
    EXPECT_FALSE(caps.responses || caps.embeddings || caps.json_schema);
    EXPECT_TRUE(caps.stream);
  }
}

// Sluice goes beyond the reference: Converse routes also serve /v1/responses (translated).
TEST(Capability, BedrockConverseStyleServesChatAndResponsesWithoutJsonSchema) {
  const config::Capabilities caps = providers::builtin_capabilities(
      seed_bedrock_provider(), bedrock_route(config::BedrockApiStyle::kRuntimeConverse));
  EXPECT_TRUE(caps.chat_completions && caps.responses && caps.stream && caps.tools && caps.vision);
  EXPECT_FALSE(caps.embeddings || caps.json_schema);
}

TEST(Capability, VertexEmbeddingModelServesOnlyEmbeddings) {
  config::ProviderConfig vertex;
  vertex.type = config::ProviderType::kGcpVertex;
  config::RouteConfig route = openai_route("vertex", "google/text-embedding-005");
  const config::Capabilities caps = providers::builtin_capabilities(vertex, route);
  EXPECT_TRUE(caps.embeddings);
  EXPECT_FALSE(caps.chat_completions || caps.responses);
}

TEST(Capability, RouteFlagsCannotWidenTheProvider) {
  // Hand-built (config validation would reject it): embeddings on a Converse route.
  config::RouteConfig route = bedrock_route(config::BedrockApiStyle::kRuntimeConverse);
  route.capabilities.embeddings = true;
  EXPECT_FALSE(effective_capabilities(route, seed_bedrock_provider()).embeddings);
}

TEST(Capability, RouteFlagsNarrowTheProvider) {
  config::RouteConfig route = openai_route();
  route.capabilities.embeddings = false;
  EXPECT_FALSE(effective_capabilities(route, openai_provider()).embeddings);
  EXPECT_TRUE(effective_capabilities(route, openai_provider()).chat_completions);
}

// --- refusals -----------------------------------------------------------------------------------

TEST(Capability, RejectsChatCompletionsOnResponsesOnlyRoute) {
  const auto why =
      refusal_for_route(seed_gpt55_route(), seed_bedrock_provider(),
                        chat(R"({"model":"gpt-55-bedrock","messages":[]})"), "gpt-55-bedrock");
  ASSERT_TRUE(why);
  EXPECT_EQ(why->status, 400);
  EXPECT_EQ(why->type, "invalid_request_error");
  EXPECT_EQ(why->code, "invalid_request");
  EXPECT_EQ(why->param, "model");
  EXPECT_EQ(why->message,
            "model `gpt-55-bedrock` does not support /v1/chat/completions; use /v1/responses");
}

TEST(Capability, AcceptsTheSeedsResponsesRequestWithEveryFeatureItAllows) {
  const auto required = responses(R"({"model":"gpt-55-bedrock","stream":true,
      "input":[{"role":"developer","content":"terse"},
               {"role":"user","content":[{"type":"input_image","image_url":"https://x/y.png"}]}],
      "tools":[{"type":"function","name":"f"}],
      "text":{"format":{"type":"json_schema","name":"n","schema":{}}}})");
  EXPECT_FALSE(
      refusal_for_route(seed_gpt55_route(), seed_bedrock_provider(), required, "gpt-55-bedrock"));
}

TEST(Capability, SuggestsChatCompletionsWhenOnlyChatIsServed) {
  const auto why =
      refusal_for_route(bedrock_route(config::BedrockApiStyle::kMantleOpenAIChat),
                        seed_bedrock_provider(), responses(R"({"input":"hi"})"), "gpt-oss");
  ASSERT_TRUE(why);
  EXPECT_EQ(why->message,
            "model `gpt-oss` does not support /v1/responses; use /v1/chat/completions");
}

TEST(Capability, RejectsEmbeddingsWithoutSuggestingAnotherEndpoint) {
  const auto why = refusal_for_route(seed_gpt55_route(), seed_bedrock_provider(),
                                     required_capabilities(ApiFamily::kEmbeddings, body("{}")),
                                     "gpt-55-bedrock");
  ASSERT_TRUE(why);
  EXPECT_EQ(why->message, "model `gpt-55-bedrock` does not support /v1/embeddings");
}

TEST(Capability, RejectsStreamingOnRouteWithoutStream) {
  config::RouteConfig route = openai_route();
  route.capabilities.stream = false;
  const auto why = refusal(route, openai_provider(), chat(R"({"stream":true,"messages":[]})"));
  ASSERT_TRUE(why);
  EXPECT_EQ(why->status, 400);
  EXPECT_EQ(why->param, "stream");
  EXPECT_NE(why->message.find("streaming"), std::string::npos);
}

TEST(Capability, RejectsToolsOnRouteWithoutTools) {
  config::RouteConfig route = openai_route();
  route.capabilities.tools = false;
  const auto why =
      refusal(route, openai_provider(), chat(R"({"messages":[],"tools":[{"type":"function"}]})"));
  ASSERT_TRUE(why);
  EXPECT_EQ(why->param, "tools");
}

TEST(Capability, AcceptsEmptyToolsOnRouteWithoutTools) {
  config::RouteConfig route = openai_route();
  route.capabilities.tools = false;
  EXPECT_FALSE(refusal(route, openai_provider(), chat(R"({"messages":[],"tools":[]})")));
}

TEST(Capability, RejectsImageInputOnRouteWithoutVision) {
  config::RouteConfig route = openai_route();
  route.capabilities.vision = false;
  const auto why = refusal(route, openai_provider(), chat(R"({"messages":[{"role":"user",
      "content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}]})"));
  ASSERT_TRUE(why);
  EXPECT_EQ(why->param, "messages");
}

TEST(Capability, RejectsChatJsonSchemaOnRouteWithoutJsonSchema) {
  config::RouteConfig route = openai_route();
  route.capabilities.json_schema = false;
  const auto why = refusal(route, openai_provider(),
                           chat(R"({"messages":[],"response_format":{"type":"json_schema"}})"));
  ASSERT_TRUE(why);
  EXPECT_EQ(why->param, "response_format");
}

TEST(Capability, RejectsResponsesJsonSchemaOnRouteWithoutJsonSchema) {
  config::RouteConfig route = openai_route();
  route.capabilities.json_schema = false;
  const auto why = refusal(route, openai_provider(),
                           responses(R"({"input":"hi","text":{"format":{"type":"json_schema"}}})"));
  ASSERT_TRUE(why);
  EXPECT_EQ(why->param, "text.format");
}

TEST(Capability, RejectsDeveloperRoleOnRouteWithoutIt) {
  config::RouteConfig route = openai_route();
  route.capabilities.developer_role = false;
  const auto why = refusal(route, openai_provider(),
                           chat(R"({"messages":[{"role":"developer","content":"x"}]})"));
  ASSERT_TRUE(why);
  EXPECT_EQ(why->param, "messages");
}

TEST(Capability, ChecksTheFamilyBeforeFeatures) {
  config::RouteConfig route = openai_route();
  route.capabilities.chat_completions = false;
  route.capabilities.stream = false;
  const auto why = refusal(route, openai_provider(), chat(R"({"stream":true,"messages":[]})"));
  ASSERT_TRUE(why);
  EXPECT_EQ(why->param, "model");
}

}  // namespace
}  // namespace sluice::routing
