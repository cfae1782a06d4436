#include "providers/ConverseRequest.h"

#include "core/Digest.h"
#include "providers/ConversationReaders.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

namespace sluice::providers {
namespace {

namespace json = boost::json;

constexpr std::string_view kClaude = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
constexpr std::string_view kOpus47 = "anthropic.claude-opus-4-7-v1:0";

Conversation from_chat(std::string_view body) {
  auto conversation = read_chat_request(json::parse(body).as_object());
  EXPECT_TRUE(conversation.ok()) << (conversation.ok() ? "" : conversation.error().message);
  return conversation.ok() ? std::move(*conversation) : Conversation{};
}

Conversation from_messages(std::string_view body) {
  auto conversation = read_messages_request(json::parse(body).as_object());
  EXPECT_TRUE(conversation.ok()) << (conversation.ok() ? "" : conversation.error().message);
  return conversation.ok() ? std::move(*conversation) : Conversation{};
}

json::value converse(const Conversation& conversation, ConverseTarget target = {kClaude, {}}) {
  auto body = converse_request_body(conversation, target);
  EXPECT_TRUE(body.ok()) << (body.ok() ? "" : body.error().message);
  return body.ok() ? json::value(std::move(*body)) : json::value();
}

const json::value& field(const json::value& body, std::string_view key) {
  static const json::value kMissing;
  const json::value* value = body.as_object().if_contains(key);
  return value != nullptr ? *value : kMissing;
}

constexpr std::string_view kWeatherTool = R"("tools":[{"type":"function","function":{
    "name":"get_weather","description":"Weather now","strict":true,
    "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}])";

std::string with_weather_tool(std::string_view rest) {
  return "{" + std::string(kWeatherTool) + "," + std::string(rest) + "}";
}

// --- Messages -----------------------------------------------------------------------------------

TEST(ConverseRequestTest, WritesSystemTextsAndTextMessages) {
  const json::value body = converse(from_chat(R"({"messages":[
      {"role":"system","content":"be brief"},
      {"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]})"));
  EXPECT_EQ(body, json::parse(R"({"system":[{"text":"be brief"}],"messages":[
      {"role":"user","content":[{"text":"hi"}]},
      {"role":"assistant","content":[{"text":"hello"}]}]})"));
}

TEST(ConverseRequestTest, WritesInlineImageWithFormatFromMediaType) {
  const json::value body = converse(from_chat(R"({"messages":[{"role":"user","content":[
      {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}}]}]})"));
  EXPECT_EQ(field(body, "messages"), json::parse(R"([{"role":"user","content":[
      {"image":{"format":"jpeg","source":{"bytes":"/9j/4AAQ"}}}]}])"));
}

TEST(ConverseRequestTest, RefusesRemoteImageUrl) {
  const Conversation conversation = from_chat(R"({"messages":[{"role":"user","content":[
      {"type":"text","text":"what?"},
      {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]})");
  const auto body = converse_request_body(conversation, {kClaude, {}});
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.error().status, 400);
  EXPECT_EQ(body.error().param, "messages[0].content[1].image_url");
  EXPECT_EQ(body.error().message,
            "remote image URLs are not supported on Bedrock Converse routes; send the image as a "
            "base64 data URL");
}

TEST(ConverseRequestTest, RefusesUnsupportedImageMediaType) {
  const Conversation conversation = from_chat(R"({"messages":[{"role":"user","content":[
      {"type":"image_url","image_url":{"url":"data:image/bmp;base64,Qk0"}}]}]})");
  const auto body = converse_request_body(conversation, {kClaude, {}});
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.error().param, "messages[0].content[0].image_url");
}

TEST(ConverseRequestTest, WritesToolUseAndToolResultBlocks) {
  const json::value body = converse(from_chat(with_weather_tool(R"("messages":[
      {"role":"user","content":"weather?"},
      {"role":"assistant","tool_calls":[{"id":"call_1","type":"function",
        "function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}}]},
      {"role":"tool","tool_call_id":"call_1","content":"12C"}])")));
  EXPECT_EQ(field(body, "messages"), json::parse(R"([
      {"role":"user","content":[{"text":"weather?"}]},
      {"role":"assistant","content":[{"toolUse":{"toolUseId":"call_1","name":"get_weather",
                                                 "input":{"city":"Oslo"}}}]},
      {"role":"user","content":[{"toolResult":{"toolUseId":"call_1","content":[{"text":"12C"}],
                                               "status":"success"}}]}])"));
}

TEST(ConverseRequestTest, WritesErroredToolResultWithImageAndErrorStatus) {
  const json::value body = converse(from_messages(R"({"messages":[
      {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"shot","input":{}}]},
      {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","is_error":true,
        "content":[{"type":"text","text":"partial"},{"type":"image","source":{"type":"base64",
                   "media_type":"image/png","data":"iVBO"}}]}]}]})"));
  EXPECT_EQ(field(body, "messages").as_array().at(1), json::parse(R"({"role":"user","content":[
      {"toolResult":{"toolUseId":"t1","status":"error","content":[{"text":"partial"},
        {"image":{"format":"png","source":{"bytes":"iVBO"}}}]}}]})"));
}

TEST(ConverseRequestTest, PutsToolResultsFirstInAMergedUserMessage) {
  Conversation conversation;
  conversation.add(Role::kAssistant, ToolCall{"t1", "f", {}});
  conversation.add(Role::kUser, TextPart{"and also"});
  conversation.add(Role::kUser, ToolResult{"t1", {TextPart{"done"}}, false});
  const json::value body = converse(conversation);
  EXPECT_EQ(field(body, "messages").as_array().at(1), json::parse(R"({"role":"user","content":[
      {"toolResult":{"toolUseId":"t1","content":[{"text":"done"}],"status":"success"}},
      {"text":"and also"}]})"));
}

TEST(ConverseRequestTest, EchoesSignedReasoningAsReasoningContent) {
  const json::value body = converse(from_messages(R"({"messages":[
      {"role":"user","content":"q"},
      {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"EqQB"},
                                     {"type":"redacted_thinking","data":"b3BhcXVl"},
                                     {"type":"text","text":"a"}]}]})"));
  EXPECT_EQ(field(body, "messages").as_array().at(1), json::parse(R"({"role":"assistant",
      "content":[{"reasoningContent":{"reasoningText":{"text":"hmm","signature":"EqQB"}}},
                 {"reasoningContent":{"redactedContent":"b3BhcXVl"}},
                 {"text":"a"}]})"));
}

TEST(ConverseRequestTest, LeavesOutUnsignedReasoning) {
  Conversation conversation;
  conversation.add(Role::kUser, TextPart{"q"});
  conversation.add(Role::kAssistant, ReasoningPart{"hmm", "", ""});
  conversation.add(Role::kAssistant, TextPart{"a"});
  EXPECT_EQ(field(converse(conversation), "messages").as_array().at(1),
            json::parse(R"({"role":"assistant","content":[{"text":"a"}]})"));
}

// --- Tool-use ids -------------------------------------------------------------------------------

TEST(ConverseRequestTest, KeepsValidToolUseId) {
  EXPECT_EQ(portable_tool_use_id("toolu_01A-b"), "toolu_01A-b");
}

TEST(ConverseRequestTest, ReplacesOverlongToolUseIdWithDeterministicDigest) {
  const std::string overlong(65, 'a');
  const std::string expected = "tool_" + to_hex(sha256(overlong)).substr(0, 32);
  Conversation conversation;
  conversation.add(Role::kAssistant, ToolCall{overlong, "f", {}});
  conversation.add(Role::kUser, ToolResult{overlong, {TextPart{"ok"}}, false});
  const json::value body = converse(conversation);
  const json::array& messages = field(body, "messages").as_array();
  EXPECT_EQ(messages.at(0).at("content").at(0).at("toolUse").at("toolUseId"),
            json::value(expected));
  EXPECT_EQ(messages.at(1).at("content").at(0).at("toolResult").at("toolUseId"),
            json::value(expected));
}

TEST(ConverseRequestTest, ReplacesToolUseIdWithInvalidCharacters) {
  const std::string id = "call.1:x";
  EXPECT_EQ(portable_tool_use_id(id), "tool_" + to_hex(sha256(id)).substr(0, 32));
}

// --- Tools --------------------------------------------------------------------------------------

TEST(ConverseRequestTest, WritesToolSpecsWithStrictAndAutoChoice) {
  const json::value body =
      converse(from_chat(with_weather_tool(R"("messages":[{"role":"user","content":"hi"}],
                                     "tool_choice":"auto")")));
  EXPECT_EQ(field(body, "toolConfig"), json::parse(R"({"tools":[{"toolSpec":{
      "name":"get_weather","description":"Weather now","strict":true,
      "inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string"}}}}}}],
      "toolChoice":{"auto":{}}})"));
}

TEST(ConverseRequestTest, WritesRequiredToolChoiceAsAny) {
  const json::value body = converse(from_chat(with_weather_tool(
      R"("messages":[{"role":"user","content":"hi"}],"tool_choice":"required")")));
  EXPECT_EQ(field(body, "toolConfig").at("toolChoice"), json::parse(R"({"any":{}})"));
}

TEST(ConverseRequestTest, WritesNamedToolChoiceAsTool) {
  const json::value body = converse(from_chat(with_weather_tool(
      R"("messages":[{"role":"user","content":"hi"}],
         "tool_choice":{"type":"function","function":{"name":"get_weather"}})")));
  EXPECT_EQ(field(body, "toolConfig").at("toolChoice"),
            json::parse(R"({"tool":{"name":"get_weather"}})"));
}

TEST(ConverseRequestTest, DropsToolsForToolChoiceNoneWithoutToolHistory) {
  const json::value body = converse(from_chat(
      with_weather_tool(R"("messages":[{"role":"user","content":"hi"}],"tool_choice":"none")")));
  EXPECT_FALSE(body.as_object().contains("toolConfig"));
}

TEST(ConverseRequestTest, KeepsToolsWithoutChoiceForToolChoiceNoneWithToolHistory) {
  const json::value body = converse(from_chat(with_weather_tool(R"("tool_choice":"none",
      "messages":[{"role":"user","content":"weather?"},
        {"role":"assistant","tool_calls":[{"id":"c1","type":"function",
          "function":{"name":"get_weather","arguments":"{}"}}]},
        {"role":"tool","tool_call_id":"c1","content":"12C"}])")));
  ASSERT_TRUE(body.as_object().contains("toolConfig"));
  EXPECT_EQ(field(body, "toolConfig").at("tools").as_array().size(), 1u);
  EXPECT_FALSE(field(body, "toolConfig").as_object().contains("toolChoice"));
}

TEST(ConverseRequestTest, OmitsStrictForClaudeOpus47) {
  const json::value body =
      converse(from_chat(with_weather_tool(R"("messages":[{"role":"user","content":"hi"}])")),
               {kOpus47, {}});
  EXPECT_FALSE(
      field(body, "toolConfig").at("tools").at(0).at("toolSpec").as_object().contains("strict"));
}

TEST(ConverseRequestTest, OmitsStrictForClaudeOpus48InferenceProfile) {
  const json::value body =
      converse(from_chat(with_weather_tool(R"("messages":[{"role":"user","content":"hi"}])")),
               {"global.anthropic.claude-opus-4-8", {}});
  EXPECT_FALSE(
      field(body, "toolConfig").at("tools").at(0).at("toolSpec").as_object().contains("strict"));
}

TEST(ConverseRequestTest, SupportsStrictToolsOverridesTheModelRule) {
  const Conversation conversation =
      from_chat(with_weather_tool(R"("messages":[{"role":"user","content":"hi"}])"));
  const json::value opus = converse(conversation, {kOpus47, true});
  EXPECT_EQ(opus.at("toolConfig").at("tools").at(0).at("toolSpec").at("strict"), json::value(true));
  const json::value sonnet = converse(conversation, {kClaude, false});
  EXPECT_FALSE(
      sonnet.at("toolConfig").at("tools").at(0).at("toolSpec").as_object().contains("strict"));
}

// --- Inference settings -------------------------------------------------------------------------

TEST(ConverseRequestTest, WritesInferenceConfig) {
  const json::value body = converse(from_chat(R"({"messages":[{"role":"user","content":"hi"}],
      "max_completion_tokens":256,"temperature":0.5,"top_p":0.9,"stop":["END","STOP"]})"));
  EXPECT_EQ(field(body, "inferenceConfig"), json::parse(R"({"maxTokens":256,"temperature":0.5,
      "topP":0.9,"stopSequences":["END","STOP"]})"));
}

TEST(ConverseRequestTest, SendsTopKAsAdditionalFieldForAnthropicModels) {
  const Conversation conversation =
      from_messages(R"({"messages":[{"role":"user","content":"hi"}],"top_k":40})");
  EXPECT_EQ(field(converse(conversation), "additionalModelRequestFields"),
            json::parse(R"({"top_k":40})"));
}

TEST(ConverseRequestTest, DropsTopKForNonAnthropicModels) {
  const Conversation conversation =
      from_messages(R"({"messages":[{"role":"user","content":"hi"}],"top_k":40})");
  EXPECT_FALSE(converse(conversation, {"meta.llama3-70b-instruct-v1:0", {}})
                   .as_object()
                   .contains("additionalModelRequestFields"));
}

// --- Reasoning ----------------------------------------------------------------------------------

json::value additional_fields(std::string_view chat_body, std::string_view model_id) {
  return field(converse(from_chat(chat_body), {model_id, {}}), "additionalModelRequestFields");
}

TEST(ConverseRequestTest, MapsEffortToClaudeThinkingBudget) {
  const auto budget_for = [](std::string_view effort) {
    const std::string body =
        std::string(R"({"messages":[],"reasoning_effort":")") + std::string(effort) + "\"}";
    return additional_fields(body, kClaude).at("thinking").at("budget_tokens");
  };
  EXPECT_EQ(budget_for("low"), json::value(1024));
  EXPECT_EQ(budget_for("medium"), json::value(4096));
  EXPECT_EQ(budget_for("high"), json::value(16384));
  EXPECT_EQ(additional_fields(R"({"messages":[],"reasoning_effort":"low"})", kClaude),
            json::parse(R"({"thinking":{"type":"enabled","budget_tokens":1024}})"));
}

TEST(ConverseRequestTest, AsksClaudeForNoThinkingOnMinimalOrNoneEffort) {
  EXPECT_TRUE(
      additional_fields(R"({"messages":[],"reasoning_effort":"minimal"})", kClaude).is_null());
  EXPECT_TRUE(additional_fields(R"({"messages":[],"reasoning_effort":"none"})", kClaude).is_null());
}

TEST(ConverseRequestTest, SendsExplicitBudgetAsClaudeThinking) {
  const Conversation conversation = from_messages(R"({"messages":[],"max_tokens":8000,
      "thinking":{"type":"enabled","budget_tokens":3000}})");
  EXPECT_EQ(field(converse(conversation), "additionalModelRequestFields"),
            json::parse(R"({"thinking":{"type":"enabled","budget_tokens":3000}})"));
}

TEST(ConverseRequestTest, GivesClaudeMaxTokensAboveAnEffortBudgetWhenTheCallerSetNone) {
  const json::value body = converse(from_chat(R"({"messages":[],"reasoning_effort":"high"})"));
  EXPECT_EQ(field(body, "inferenceConfig"), json::parse(R"({"maxTokens":20480})"));
}

TEST(ConverseRequestTest, CapsAClaudeEffortBudgetAtHalfTheCallersMaxTokens) {
  EXPECT_EQ(additional_fields(R"({"messages":[],"max_tokens":3000,"reasoning_effort":"medium"})",
                              kClaude),
            json::parse(R"({"thinking":{"type":"enabled","budget_tokens":1500}})"));
}

TEST(ConverseRequestTest, LeavesMaxTokensUnsetForOtherModelsWithoutACallerLimit) {
  const json::value body = converse(from_chat(R"({"messages":[],"reasoning_effort":"high"})"),
                                    {"us.amazon.nova-2-lite-v1:0", {}});
  EXPECT_TRUE(field(body, "inferenceConfig").is_null());
}

TEST(ConverseRequestTest, DeclaresToolsCalledInTheHistoryWhenTheCallerOffersNone) {
  const json::value body = converse(from_chat(R"({"messages":[
      {"role":"user","content":"weather?"},
      {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
          "function":{"name":"get_weather","arguments":"{}"}}]},
      {"role":"tool","tool_call_id":"call_1","content":"sunny"}]})"));
  EXPECT_EQ(field(body, "toolConfig"), json::parse(R"({"tools":[{"toolSpec":{"name":"get_weather",
      "description":"A tool called earlier in this conversation.",
      "inputSchema":{"json":{"type":"object"}}}}]})"));
}

TEST(ConverseRequestTest, MapsEffortToNovaReasoningConfig) {
  EXPECT_EQ(additional_fields(R"({"messages":[],"reasoning_effort":"medium"})",
                              "us.amazon.nova-2-lite-v1:0"),
            json::parse(R"({"reasoningConfig":{"type":"enabled","maxReasoningEffort":"medium"}})"));
}

TEST(ConverseRequestTest, MapsEffortToGptOssReasoningEffort) {
  EXPECT_EQ(
      additional_fields(R"({"messages":[],"reasoning_effort":"high"})", "openai.gpt-oss-120b-1:0"),
      json::parse(R"({"reasoning_effort":"high"})"));
}

TEST(ConverseRequestTest, IgnoresEffortForOtherModels) {
  EXPECT_TRUE(additional_fields(R"({"messages":[],"reasoning_effort":"high"})",
                                "mistral.mistral-large-2407-v1:0")
                  .is_null());
}

// --- Converse controls --------------------------------------------------------------------------

TEST(ConverseRequestTest, WritesConverseControlsAtTopLevel) {
  const json::value body = converse(from_chat(R"({"messages":[],"stream":true,
      "request_metadata":{"team":"search"},"performanceConfig":{"latency":"optimized"},
      "guardrailConfig":{"guardrailIdentifier":"gr1","guardrailVersion":"2","trace":"enabled",
                         "streamProcessingMode":"async"},
      "additionalModelResponseFieldPaths":["/stop_sequence"]})"));
  EXPECT_EQ(body, json::parse(R"({"messages":[],
      "requestMetadata":{"team":"search"},"performanceConfig":{"latency":"optimized"},
      "guardrailConfig":{"guardrailIdentifier":"gr1","guardrailVersion":"2","trace":"enabled",
                         "streamProcessingMode":"async"},
      "additionalModelResponseFieldPaths":["/stop_sequence"]})"));
}

}  // namespace
}  // namespace sluice::providers
