#include "providers/ConversationReaders.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

namespace sluice::providers {
namespace {

namespace json = boost::json;

using Reader = Expected<Conversation> (*)(const json::object&);

json::object parse(std::string_view text) { return json::parse(text).as_object(); }

// The conversation a reader makes of `body`; fails the test when it refuses.
Conversation read(Reader reader, std::string_view body) {
  auto conversation = reader(parse(body));
  EXPECT_TRUE(conversation.ok()) << (conversation.ok() ? "" : conversation.error().message);
  return conversation.ok() ? std::move(*conversation) : Conversation{};
}

// The refusal a reader makes of `body`; fails the test when it accepts.
GatewayError refusal(Reader reader, std::string_view body) {
  auto conversation = reader(parse(body));
  EXPECT_FALSE(conversation.ok());
  if (conversation.ok()) return GatewayError{};
  EXPECT_EQ(conversation.error().status, 400);
  return conversation.error();
}

const TextPart& text_at(const Conversation& conversation, std::size_t turn, std::size_t part) {
  return std::get<TextPart>(conversation.turns.at(turn).parts.at(part));
}

// --- Chat Completions ---------------------------------------------------------------------------

TEST(ConversationReadersTest, ReadsChatSystemAndDeveloperMessagesAsSystemTexts) {
  const Conversation conversation = read(read_chat_request, R"({"messages":[
      {"role":"system","content":"be brief"},
      {"role":"developer","content":[{"type":"text","text":"use metric"}]},
      {"role":"user","content":"hi"}]})");
  EXPECT_EQ(conversation.system, (std::vector<std::string>{"be brief", "use metric"}));
  ASSERT_EQ(conversation.turns.size(), 1u);
  EXPECT_EQ(text_at(conversation, 0, 0).text, "hi");
}

TEST(ConversationReadersTest, MergesConsecutiveUserTurns) {
  const Conversation conversation = read(read_chat_request, R"({"messages":[
      {"role":"user","content":"one"},{"role":"user","content":"two"}]})");
  ASSERT_EQ(conversation.turns.size(), 1u);
  EXPECT_EQ(conversation.turns[0].parts.size(), 2u);
  EXPECT_EQ(text_at(conversation, 0, 1).text, "two");
}

TEST(ConversationReadersTest, ReadsChatDataUrlAsInlineImage) {
  const Conversation conversation = read(read_chat_request, R"({"messages":[{"role":"user",
      "content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0K"}}]}]})");
  const auto& image = std::get<ImagePart>(conversation.turns.at(0).parts.at(0));
  EXPECT_EQ(image.media_type, "image/png");
  EXPECT_EQ(image.base64, "iVBORw0K");
  EXPECT_FALSE(image.is_remote());
  EXPECT_EQ(image.origin, "messages[0].content[0].image_url");
}

TEST(ConversationReadersTest, KeepsChatRemoteImageUrlAsUrlPart) {
  const Conversation conversation = read(read_chat_request, R"({"messages":[{"role":"user",
      "content":[{"type":"text","text":"what?"},
                 {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]})");
  const auto& image = std::get<ImagePart>(conversation.turns.at(0).parts.at(1));
  EXPECT_TRUE(image.is_remote());
  EXPECT_EQ(image.url, "https://example.com/cat.png");
  EXPECT_EQ(image.origin, "messages[0].content[1].image_url");
}

TEST(ConversationReadersTest, RefusesChatImageUrlThatIsNeitherDataNorHttp) {
  const GatewayError error = refusal(read_chat_request, R"({"messages":[{"role":"user",
      "content":[{"type":"image_url","image_url":{"url":"ftp://example.com/cat.png"}}]}]})");
  EXPECT_EQ(error.param, "messages[0].content[0].image_url");
}

TEST(ConversationReadersTest, RefusesUnsupportedChatContentPartNamingIt) {
  const GatewayError error = refusal(read_chat_request, R"({"messages":[{"role":"user",
      "content":[{"type":"input_audio","input_audio":{"data":"x","format":"wav"}}]}]})");
  EXPECT_EQ(error.param, "messages[0].content[0].type");
}

TEST(ConversationReadersTest, ReadsChatToolCallsWithParsedArguments) {
  const Conversation conversation = read(read_chat_request, R"({"messages":[
      {"role":"user","content":"weather?"},
      {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
        "function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}}]}]})");
  ASSERT_EQ(conversation.turns.size(), 2u);
  EXPECT_EQ(conversation.turns[1].role, Role::kAssistant);
  const auto& call = std::get<ToolCall>(conversation.turns[1].parts.at(0));
  EXPECT_EQ(call.id, "call_1");
  EXPECT_EQ(call.name, "get_weather");
  EXPECT_EQ(json::value(call.arguments), json::parse(R"({"city":"Oslo"})"));
}

TEST(ConversationReadersTest, RefusesChatToolArgumentsThatAreNotAJsonObject) {
  const GatewayError error = refusal(read_chat_request, R"({"messages":[
      {"role":"assistant","tool_calls":[{"id":"c","type":"function",
        "function":{"name":"f","arguments":"{not json"}}]}]})");
  EXPECT_EQ(error.param, "messages[0].tool_calls[0].function.arguments");
}

TEST(ConversationReadersTest, ReadsChatToolResultAsUserTurn) {
  const Conversation conversation = read(read_chat_request, R"({"messages":[
      {"role":"user","content":"weather?"},
      {"role":"assistant","tool_calls":[{"id":"call_1","type":"function",
        "function":{"name":"get_weather","arguments":"{}"}}]},
      {"role":"tool","tool_call_id":"call_1","content":"12C"},
      {"role":"user","content":"thanks"}]})");
  ASSERT_EQ(conversation.turns.size(), 3u);
  EXPECT_EQ(conversation.turns[2].role, Role::kUser);
  const auto& result = std::get<ToolResult>(conversation.turns[2].parts.at(0));
  EXPECT_EQ(result.call_id, "call_1");
  EXPECT_EQ(std::get<TextPart>(result.content.at(0)).text, "12C");
  EXPECT_EQ(text_at(conversation, 2, 1).text, "thanks");
}

TEST(ConversationReadersTest, ReadsChatFunctionToolsAndNamedToolChoice) {
  const Conversation conversation = read(read_chat_request, R"({"messages":[],
      "tools":[{"type":"function","function":{"name":"f","description":"does f",
        "parameters":{"type":"object","properties":{"a":{"type":"string"}}},"strict":true}}],
      "tool_choice":{"type":"function","function":{"name":"f"}},"parallel_tool_calls":false})");
  ASSERT_EQ(conversation.tools.size(), 1u);
  EXPECT_EQ(conversation.tools[0].name, "f");
  EXPECT_EQ(conversation.tools[0].description, "does f");
  EXPECT_EQ(json::value(conversation.tools[0].parameters),
            json::parse(R"({"type":"object","properties":{"a":{"type":"string"}}})"));
  EXPECT_EQ(conversation.tools[0].strict, true);
  ASSERT_TRUE(conversation.tool_choice);
  EXPECT_EQ(conversation.tool_choice->mode, ToolChoice::Mode::kNamed);
  EXPECT_EQ(conversation.tool_choice->name, "f");
  EXPECT_EQ(conversation.parallel_tool_calls, false);
}

TEST(ConversationReadersTest, GivesChatToolWithoutParametersAnEmptyObjectSchema) {
  const Conversation conversation = read(read_chat_request, R"({"messages":[],
      "tools":[{"type":"function","function":{"name":"ping"}}]})");
  EXPECT_EQ(json::value(conversation.tools.at(0).parameters),
            json::parse(R"({"type":"object","properties":{}})"));
}

TEST(ConversationReadersTest, ReadsChatToolChoiceRequired) {
  const Conversation conversation =
      read(read_chat_request, R"({"messages":[],"tool_choice":"required"})");
  ASSERT_TRUE(conversation.tool_choice);
  EXPECT_EQ(conversation.tool_choice->mode, ToolChoice::Mode::kRequired);
}

TEST(ConversationReadersTest, ReadsChatSettings) {
  const Conversation conversation = read(read_chat_request, R"({"messages":[],
      "max_completion_tokens":300,"max_tokens":100,"temperature":0.5,"top_p":0.9,"stop":"END",
      "reasoning_effort":"high","stream":true})");
  EXPECT_EQ(conversation.max_tokens, 300);
  EXPECT_EQ(conversation.temperature, 0.5);
  EXPECT_EQ(conversation.top_p, 0.9);
  EXPECT_EQ(conversation.stop_sequences, std::vector<std::string>{"END"});
  EXPECT_EQ(conversation.reasoning.effort, ReasoningEffort::kHigh);
  EXPECT_TRUE(conversation.stream);
}

TEST(ConversationReadersTest, ReadsChatLegacyMaxTokens) {
  EXPECT_EQ(read(read_chat_request, R"({"messages":[],"max_tokens":100})").max_tokens, 100);
}

TEST(ConversationReadersTest, RefusesUnknownReasoningEffort) {
  EXPECT_EQ(refusal(read_chat_request, R"({"messages":[],"reasoning_effort":"extreme"})").param,
            "reasoning_effort");
}

TEST(ConversationReadersTest, RefusesWrongTypeNamingTheField) {
  EXPECT_EQ(refusal(read_chat_request, R"({"messages":[],"temperature":"hot"})").param,
            "temperature");
}

TEST(ConversationReadersTest, RefusesChatWithoutMessages) {
  EXPECT_EQ(refusal(read_chat_request, R"({"model":"m"})").param, "messages");
}

// --- Converse controls (api.md §5.4) ------------------------------------------------------------

TEST(ConversationReadersTest, ReadsConverseControlsUnderSnakeCaseAliases) {
  const Conversation conversation = read(read_chat_request, R"({"messages":[],"stream":true,
      "request_metadata":{"team":"search"},
      "performance_config":{"latency":"optimized"},
      "guardrail_config":{"guardrail_identifier":"gr1","guardrail_version":"2",
                          "stream_processing_mode":"async"},
      "additional_model_response_field_paths":["/stop_sequence"]})");
  const ConverseControls& controls = conversation.converse;
  ASSERT_EQ(controls.request_metadata.size(), 1u);
  EXPECT_EQ(controls.request_metadata[0].first, "team");
  EXPECT_EQ(controls.request_metadata[0].second, "search");
  EXPECT_EQ(controls.latency, "optimized");
  ASSERT_TRUE(controls.guardrail);
  EXPECT_EQ(controls.guardrail->identifier, "gr1");
  EXPECT_EQ(controls.guardrail->version, "2");
  EXPECT_EQ(controls.guardrail->stream_processing_mode, "async");
  EXPECT_EQ(controls.additional_model_response_field_paths,
            std::vector<std::string>{"/stop_sequence"});
}

TEST(ConversationReadersTest, RefusesMoreThanSixteenRequestMetadataEntries) {
  std::string metadata;
  for (int i = 0; i < 17; ++i)
    metadata += (i ? "," : "") + ("\"k" + std::to_string(i) + "\":\"v\"");
  const GatewayError error =
      refusal(read_chat_request, R"({"messages":[],"requestMetadata":{)" + metadata + "}}");
  EXPECT_EQ(error.param, "requestMetadata");
}

TEST(ConversationReadersTest, RefusesRequestMetadataValueOver256Characters) {
  const std::string body =
      R"({"messages":[],"requestMetadata":{"k":")" + std::string(257, 'v') + "\"}}";
  EXPECT_EQ(refusal(read_chat_request, body).param, "requestMetadata.k");
}

TEST(ConversationReadersTest, RefusesUnknownPerformanceLatency) {
  EXPECT_EQ(
      refusal(read_chat_request, R"({"messages":[],"performanceConfig":{"latency":"fastest"}})")
          .param,
      "performanceConfig.latency");
}

TEST(ConversationReadersTest, RefusesGuardrailStreamProcessingModeWithoutStreaming) {
  const GatewayError error = refusal(read_chat_request, R"({"messages":[],"guardrailConfig":{
      "guardrailIdentifier":"gr1","guardrailVersion":"1","streamProcessingMode":"sync"}})");
  EXPECT_EQ(error.param, "guardrailConfig.streamProcessingMode");
}

TEST(ConversationReadersTest, RefusesGuardrailWithoutIdentifierAndVersion) {
  EXPECT_EQ(
      refusal(read_chat_request, R"({"messages":[],"guardrailConfig":{"trace":"enabled"}})").param,
      "guardrailConfig");
}

TEST(ConversationReadersTest, RefusesMoreThanTenResponseFieldPaths) {
  const GatewayError error = refusal(read_chat_request, R"({"messages":[],
      "additionalModelResponseFieldPaths":["/a","/b","/c","/d","/e","/f","/g","/h","/i","/j","/k"]})");
  EXPECT_EQ(error.param, "additionalModelResponseFieldPaths");
}

TEST(ConversationReadersTest, RefusesResponseFieldPathThatIsNotAJsonPointer) {
  EXPECT_EQ(refusal(read_chat_request,
                    R"({"messages":[],"additionalModelResponseFieldPaths":["stop_sequence"]})")
                .param,
            "additionalModelResponseFieldPaths[0]");
}

TEST(ConversationReadersTest, RefusesResponseFieldPathOver256Characters) {
  const std::string body =
      R"({"messages":[],"additionalModelResponseFieldPaths":["/)" + std::string(256, 'a') + "\"]}";
  EXPECT_EQ(refusal(read_chat_request, body).param, "additionalModelResponseFieldPaths[0]");
}

// --- Responses ----------------------------------------------------------------------------------

TEST(ConversationReadersTest, ReadsResponsesStringInputAsUserTurnAndInstructionsAsSystem) {
  const Conversation conversation =
      read(read_responses_request, R"({"instructions":"be brief","input":"hello"})");
  EXPECT_EQ(conversation.system, std::vector<std::string>{"be brief"});
  ASSERT_EQ(conversation.turns.size(), 1u);
  EXPECT_EQ(text_at(conversation, 0, 0).text, "hello");
}

TEST(ConversationReadersTest, ReadsResponsesDeveloperItemAsSystemText) {
  const Conversation conversation = read(read_responses_request, R"({"input":[
      {"role":"developer","content":"terse"},
      {"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]}]})");
  EXPECT_EQ(conversation.system, std::vector<std::string>{"terse"});
  EXPECT_EQ(text_at(conversation, 0, 0).text, "hi");
}

TEST(ConversationReadersTest, ReadsResponsesInputImageDataUrl) {
  const Conversation conversation = read(read_responses_request, R"({"input":[{"role":"user",
      "content":[{"type":"input_image","image_url":"data:image/jpeg;base64,/9j/"}]}]})");
  const auto& image = std::get<ImagePart>(conversation.turns.at(0).parts.at(0));
  EXPECT_EQ(image.media_type, "image/jpeg");
  EXPECT_EQ(image.base64, "/9j/");
  EXPECT_EQ(image.origin, "input[0].content[0].image_url");
}

TEST(ConversationReadersTest, ReadsResponsesFunctionCallAndOutputAsToolTurns) {
  const Conversation conversation = read(read_responses_request, R"({"input":[
      {"role":"user","content":"weather?"},
      {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\"c\":1}"},
      {"type":"function_call_output","call_id":"call_1","output":"12C"}]})");
  ASSERT_EQ(conversation.turns.size(), 3u);
  const auto& call = std::get<ToolCall>(conversation.turns[1].parts.at(0));
  EXPECT_EQ(call.id, "call_1");
  EXPECT_EQ(json::value(call.arguments), json::parse(R"({"c":1})"));
  EXPECT_EQ(conversation.turns[2].role, Role::kUser);
  const auto& result = std::get<ToolResult>(conversation.turns[2].parts.at(0));
  EXPECT_EQ(result.call_id, "call_1");
  EXPECT_EQ(std::get<TextPart>(result.content.at(0)).text, "12C");
}

TEST(ConversationReadersTest, ReadsResponsesReasoningItemWithTextAndSignature) {
  const Conversation conversation = read(read_responses_request, R"({"input":[
      {"role":"user","content":"q"},
      {"type":"reasoning","id":"rs_1","summary":[],
       "content":[{"type":"reasoning_text","text":"think"}],"encrypted_content":"sig"},
      {"type":"reasoning","id":"rs_2","summary":[],"encrypted_content":"opaque"}]})");
  ASSERT_EQ(conversation.turns.size(), 2u);
  ASSERT_EQ(conversation.turns[1].parts.size(), 1u);  // rs_2 has no text to echo
  const auto& reasoning = std::get<ReasoningPart>(conversation.turns[1].parts[0]);
  EXPECT_EQ(reasoning.text, "think");
  EXPECT_EQ(reasoning.signature, "sig");
}

TEST(ConversationReadersTest, ReadsResponsesFlatFunctionToolsAndSettings) {
  const Conversation conversation = read(read_responses_request, R"({"input":"x",
      "tools":[{"type":"function","name":"f","parameters":{"type":"object"},"strict":false}],
      "tool_choice":{"type":"function","name":"f"},"max_output_tokens":50,
      "reasoning":{"effort":"low"}})");
  ASSERT_EQ(conversation.tools.size(), 1u);
  EXPECT_EQ(conversation.tools[0].name, "f");
  EXPECT_EQ(conversation.tools[0].strict, false);
  EXPECT_EQ(conversation.tool_choice->mode, ToolChoice::Mode::kNamed);
  EXPECT_EQ(conversation.tool_choice->name, "f");
  EXPECT_EQ(conversation.max_tokens, 50);
  EXPECT_EQ(conversation.reasoning.effort, ReasoningEffort::kLow);
}

TEST(ConversationReadersTest, RefusesResponsesNonFunctionToolNamingIt) {
  const GatewayError error =
      refusal(read_responses_request, R"({"input":"x","tools":[{"type":"web_search"}]})");
  EXPECT_EQ(error.param, "tools[0].type");
  EXPECT_NE(error.message.find("web_search"), std::string::npos);
}

TEST(ConversationReadersTest, RefusesResponsesPreviousResponseId) {
  EXPECT_EQ(
      refusal(read_responses_request, R"({"input":"x","previous_response_id":"resp_1"})").param,
      "previous_response_id");
}

TEST(ConversationReadersTest, RefusesUnsupportedResponsesItemType) {
  EXPECT_EQ(
      refusal(read_responses_request, R"({"input":[{"type":"web_search_call","id":"w"}]})").param,
      "input[0].type");
}

// --- Anthropic Messages -------------------------------------------------------------------------

TEST(ConversationReadersTest, ReadsAnthropicSystemTextBlocks) {
  const Conversation conversation = read(read_messages_request, R"({"max_tokens":10,
      "system":[{"type":"text","text":"a"},{"type":"text","text":"b"}],
      "messages":[{"role":"user","content":"hi"}]})");
  EXPECT_EQ(conversation.system, (std::vector<std::string>{"a", "b"}));
}

TEST(ConversationReadersTest, ReadsAnthropicBase64ImageSource) {
  const Conversation conversation = read(read_messages_request, R"({"messages":[{"role":"user",
      "content":[{"type":"image","source":{"type":"base64","media_type":"image/webp",
                                           "data":"UklG"}}]}]})");
  const auto& image = std::get<ImagePart>(conversation.turns.at(0).parts.at(0));
  EXPECT_EQ(image.media_type, "image/webp");
  EXPECT_EQ(image.base64, "UklG");
  EXPECT_EQ(image.origin, "messages[0].content[0].source");
}

TEST(ConversationReadersTest, ReadsAnthropicToolUseAndToolResultWithError) {
  const Conversation conversation = read(read_messages_request, R"({"messages":[
      {"role":"user","content":"go"},
      {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f",
                                      "input":{"a":1}}]},
      {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","is_error":true,
        "content":[{"type":"text","text":"boom"},
                   {"type":"image","source":{"type":"base64","media_type":"image/png",
                                             "data":"iVBO"}}]}]}]})");
  const auto& call = std::get<ToolCall>(conversation.turns.at(1).parts.at(0));
  EXPECT_EQ(call.id, "toolu_1");
  EXPECT_EQ(json::value(call.arguments), json::parse(R"({"a":1})"));
  const auto& result = std::get<ToolResult>(conversation.turns.at(2).parts.at(0));
  EXPECT_TRUE(result.is_error);
  ASSERT_EQ(result.content.size(), 2u);
  EXPECT_EQ(std::get<TextPart>(result.content[0]).text, "boom");
  EXPECT_EQ(std::get<ImagePart>(result.content[1]).origin,
            "messages[2].content[0].content[1].source");
}

TEST(ConversationReadersTest, ReadsAnthropicThinkingWithSignature) {
  const Conversation conversation = read(read_messages_request, R"({"messages":[
      {"role":"user","content":"q"},
      {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"EqQB"},
                                     {"type":"redacted_thinking","data":"opaque"},
                                     {"type":"text","text":"a"}]}]})");
  const auto& reasoning = std::get<ReasoningPart>(conversation.turns.at(1).parts.at(0));
  EXPECT_EQ(reasoning.text, "hmm");
  EXPECT_EQ(reasoning.signature, "EqQB");
  EXPECT_EQ(std::get<ReasoningPart>(conversation.turns[1].parts.at(1)).redacted, "opaque");
}

TEST(ConversationReadersTest, ReadsAnthropicToolsChoiceAndParallelFlag) {
  const Conversation conversation = read(read_messages_request, R"({"messages":[],
      "tools":[{"name":"f","description":"d","input_schema":{"type":"object"}}],
      "tool_choice":{"type":"any","disable_parallel_tool_use":true}})");
  ASSERT_EQ(conversation.tools.size(), 1u);
  EXPECT_EQ(json::value(conversation.tools[0].parameters), json::parse(R"({"type":"object"})"));
  EXPECT_EQ(conversation.tool_choice->mode, ToolChoice::Mode::kRequired);
  EXPECT_EQ(conversation.parallel_tool_calls, false);
}

TEST(ConversationReadersTest, RefusesAnthropicServerToolNamingIt) {
  EXPECT_EQ(refusal(read_messages_request, R"({"messages":[],
      "tools":[{"type":"web_search_20250305","name":"web_search"}]})")
                .param,
            "tools[0].type");
}

TEST(ConversationReadersTest, ReadsAnthropicSettingsThinkingBudgetAndUserId) {
  const Conversation conversation = read(read_messages_request, R"({"messages":[],
      "max_tokens":2000,"temperature":1,"top_p":0.95,"top_k":40,"stop_sequences":["X","Y"],
      "thinking":{"type":"enabled","budget_tokens":1500},"metadata":{"user_id":"u-1"},
      "stream":true})");
  EXPECT_EQ(conversation.max_tokens, 2000);
  EXPECT_EQ(conversation.temperature, 1.0);
  EXPECT_EQ(conversation.top_p, 0.95);
  EXPECT_EQ(conversation.top_k, 40);
  EXPECT_EQ(conversation.stop_sequences, (std::vector<std::string>{"X", "Y"}));
  EXPECT_EQ(conversation.reasoning.budget_tokens, 1500);
  EXPECT_EQ(conversation.user_id, "u-1");
  EXPECT_TRUE(conversation.stream);
}

TEST(ConversationReadersTest, RefusesUnsupportedAnthropicBlockNamingIt) {
  EXPECT_EQ(refusal(read_messages_request, R"({"messages":[{"role":"user","content":[
      {"type":"text","text":"see"},{"type":"document","source":{}}]}]})")
                .param,
            "messages[0].content[1].type");
}

TEST(ConversationReadersTest, DropsEmptyTextSoNoTurnIsBlank) {
  const Conversation conversation = read(read_messages_request, R"({"messages":[
      {"role":"user","content":""},{"role":"user","content":"real"}]})");
  ASSERT_EQ(conversation.turns.size(), 1u);
  ASSERT_EQ(conversation.turns[0].parts.size(), 1u);
  EXPECT_EQ(text_at(conversation, 0, 0).text, "real");
}

}  // namespace
}  // namespace sluice::providers
