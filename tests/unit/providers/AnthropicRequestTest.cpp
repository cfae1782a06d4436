#include "providers/AnthropicRequest.h"

#include "core/Digest.h"
#include "providers/ConversationReaders.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

namespace sluice::providers {
namespace {

namespace json = boost::json;

constexpr std::string_view kModel = "claude-sonnet-4-5";

Conversation from_chat(std::string_view body) {
  auto conversation = read_chat_request(json::parse(body).as_object());
  EXPECT_TRUE(conversation.ok()) << (conversation.ok() ? "" : conversation.error().message);
  return conversation.ok() ? std::move(*conversation) : Conversation{};
}

json::value anthropic(const Conversation& conversation,
                      AnthropicDialect dialect = AnthropicDialect::kMessagesApi) {
  auto body = anthropic_request_body(conversation, dialect, kModel);
  EXPECT_TRUE(body.ok()) << (body.ok() ? "" : body.error().message);
  return body.ok() ? json::value(std::move(*body)) : json::value();
}

json::value anthropic(std::string_view chat_body,
                      AnthropicDialect dialect = AnthropicDialect::kMessagesApi) {
  return anthropic(from_chat(chat_body), dialect);
}

const json::value& field(const json::value& body, std::string_view key) {
  static const json::value kMissing;
  const json::value* value = body.as_object().if_contains(key);
  return value != nullptr ? *value : kMissing;
}

TEST(AnthropicRequestTest, BedrockInvokeHasVersionAndNoModelOrStream) {
  EXPECT_EQ(anthropic(R"({"messages":[{"role":"user","content":"hi"}],"stream":true})",
                      AnthropicDialect::kBedrockInvoke),
            json::parse(R"({"anthropic_version":"bedrock-2023-05-31","max_tokens":4096,
                "messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]})"));
}

TEST(AnthropicRequestTest, MessagesApiHasModelAndStream) {
  EXPECT_EQ(anthropic(R"({"messages":[{"role":"user","content":"hi"}],"stream":true})"),
            json::parse(R"({"model":"claude-sonnet-4-5","stream":true,"max_tokens":4096,
                "messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]})"));
}

TEST(AnthropicRequestTest, MessagesApiOmitsStreamWhenNotStreaming) {
  EXPECT_FALSE(anthropic(R"({"messages":[]})").as_object().contains("stream"));
}

TEST(AnthropicRequestTest, DefaultsMaxTokensTo4096) {
  EXPECT_EQ(field(anthropic(R"({"messages":[]})"), "max_tokens"), json::value(4096));
}

TEST(AnthropicRequestTest, DefaultMaxTokensLeaves4096AboveTheThinkingBudget) {
  EXPECT_EQ(field(anthropic(R"({"messages":[],"reasoning_effort":"medium"})"), "max_tokens"),
            json::value(4096 + 4096));
}

TEST(AnthropicRequestTest, KeepsCallerMaxTokens) {
  EXPECT_EQ(field(anthropic(R"({"messages":[],"max_tokens":100})"), "max_tokens"),
            json::value(100));
}

TEST(AnthropicRequestTest, WritesOneSystemTextAsString) {
  EXPECT_EQ(field(anthropic(R"({"messages":[{"role":"system","content":"be brief"}]})"), "system"),
            json::value("be brief"));
}

TEST(AnthropicRequestTest, WritesSeveralSystemTextsAsTextBlocks) {
  EXPECT_EQ(field(anthropic(R"({"messages":[{"role":"system","content":"a"},
                                            {"role":"developer","content":"b"}]})"),
                  "system"),
            json::parse(R"([{"type":"text","text":"a"},{"type":"text","text":"b"}])"));
}

TEST(AnthropicRequestTest, WritesInlineImageAsBase64Source) {
  EXPECT_EQ(field(anthropic(R"({"messages":[{"role":"user","content":[
                {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBO"}}]}]})"),
                  "messages"),
            json::parse(R"([{"role":"user","content":[{"type":"image","source":{"type":"base64",
                "media_type":"image/png","data":"iVBO"}}]}])"));
}

TEST(AnthropicRequestTest, PassesRemoteImageAsUrlSourceOnMessagesApi) {
  EXPECT_EQ(field(anthropic(R"({"messages":[{"role":"user","content":[
                {"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]})"),
                  "messages"),
            json::parse(R"([{"role":"user","content":[{"type":"image","source":{"type":"url",
                "url":"https://example.com/a.png"}}]}])"));
}

TEST(AnthropicRequestTest, RefusesRemoteImageOnBedrockInvoke) {
  const auto body = anthropic_request_body(from_chat(R"({"messages":[{"role":"user","content":[
          {"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]})"),
                                           AnthropicDialect::kBedrockInvoke, kModel);
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.error().status, 400);
  EXPECT_EQ(body.error().param, "messages[0].content[0].image_url");
}

TEST(AnthropicRequestTest, WritesToolUseAndToolResultBlocks) {
  EXPECT_EQ(field(anthropic(R"({"messages":[{"role":"user","content":"weather?"},
                {"role":"assistant","content":"checking","tool_calls":[{"id":"call_1",
                  "type":"function","function":{"name":"w","arguments":"{\"c\":1}"}}]},
                {"role":"tool","tool_call_id":"call_1","content":"12C"}]})"),
                  "messages"),
            json::parse(R"([{"role":"user","content":[{"type":"text","text":"weather?"}]},
                {"role":"assistant","content":[{"type":"text","text":"checking"},
                  {"type":"tool_use","id":"call_1","name":"w","input":{"c":1}}]},
                {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1",
                  "content":[{"type":"text","text":"12C"}]}]}])"));
}

TEST(AnthropicRequestTest, MarksErroredToolResult) {
  Conversation conversation;
  conversation.add(Role::kUser, ToolResult{"t1", {TextPart{"boom"}}, true});
  EXPECT_EQ(field(anthropic(conversation), "messages"),
            json::parse(R"([{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1",
                "content":[{"type":"text","text":"boom"}],"is_error":true}]}])"));
}

TEST(AnthropicRequestTest, ReplacesInvalidToolUseIdOnCallAndResult) {
  const std::string id = "call.1";
  const std::string expected = "tool_" + to_hex(sha256(id)).substr(0, 32);
  Conversation conversation;
  conversation.add(Role::kAssistant, ToolCall{id, "f", {}});
  conversation.add(Role::kUser, ToolResult{id, {}, false});
  const json::value body = anthropic(conversation);
  EXPECT_EQ(body.at("messages").at(0).at("content").at(0).at("id"), json::value(expected));
  EXPECT_EQ(body.at("messages").at(1).at("content").at(0).at("tool_use_id"), json::value(expected));
}

TEST(AnthropicRequestTest, EchoesThinkingWithSignatureAndDropsUnsignedReasoning) {
  Conversation conversation;
  conversation.add(Role::kUser, TextPart{"q"});
  conversation.add(Role::kAssistant, ReasoningPart{"hmm", "EqQB", ""});
  conversation.add(Role::kAssistant, ReasoningPart{"unsigned", "", ""});
  conversation.add(Role::kAssistant, ReasoningPart{"", "", "b3BhcXVl"});
  conversation.add(Role::kAssistant, TextPart{"a"});
  EXPECT_EQ(field(anthropic(conversation), "messages").at(1),
            json::parse(R"({"role":"assistant","content":[
                {"type":"thinking","thinking":"hmm","signature":"EqQB"},
                {"type":"redacted_thinking","data":"b3BhcXVl"},
                {"type":"text","text":"a"}]})"));
}

TEST(AnthropicRequestTest, WritesToolsWithInputSchema) {
  EXPECT_EQ(field(anthropic(R"({"messages":[],"tools":[{"type":"function","function":{"name":"f",
                "description":"d","parameters":{"type":"object"}}}]})"),
                  "tools"),
            json::parse(R"([{"name":"f","description":"d","input_schema":{"type":"object"}}])"));
}

json::value tool_choice_for(std::string_view chat_tool_choice_fields) {
  const std::string body =
      R"({"messages":[],"tools":[{"type":"function","function":{"name":"f"}}],)" +
      std::string(chat_tool_choice_fields) + "}";
  return field(anthropic(body), "tool_choice");
}

TEST(AnthropicRequestTest, MapsToolChoiceWords) {
  EXPECT_EQ(tool_choice_for(R"("tool_choice":"auto")"), json::parse(R"({"type":"auto"})"));
  EXPECT_EQ(tool_choice_for(R"("tool_choice":"required")"), json::parse(R"({"type":"any"})"));
  EXPECT_EQ(tool_choice_for(R"("tool_choice":"none")"), json::parse(R"({"type":"none"})"));
  EXPECT_EQ(tool_choice_for(R"("tool_choice":{"type":"function","function":{"name":"f"}})"),
            json::parse(R"({"type":"tool","name":"f"})"));
}

TEST(AnthropicRequestTest, ParallelToolCallsFalseDisablesParallelToolUse) {
  EXPECT_EQ(tool_choice_for(R"("parallel_tool_calls":false)"),
            json::parse(R"({"type":"auto","disable_parallel_tool_use":true})"));
  EXPECT_EQ(tool_choice_for(R"("tool_choice":"required","parallel_tool_calls":false)"),
            json::parse(R"({"type":"any","disable_parallel_tool_use":true})"));
}

TEST(AnthropicRequestTest, OmitsToolChoiceWithoutTools) {
  EXPECT_FALSE(
      anthropic(R"({"messages":[],"tool_choice":"required"})").as_object().contains("tool_choice"));
}

TEST(AnthropicRequestTest, WritesSamplingSettings) {
  Conversation conversation;
  conversation.temperature = 0.5;
  conversation.top_p = 0.9;
  conversation.top_k = 40;
  conversation.stop_sequences = {"END"};
  conversation.max_tokens = 100;
  EXPECT_EQ(anthropic(conversation, AnthropicDialect::kBedrockInvoke),
            json::parse(R"({"anthropic_version":"bedrock-2023-05-31","max_tokens":100,
                "messages":[],"temperature":0.5,"top_p":0.9,"top_k":40,"stop_sequences":["END"]})"));
}

TEST(AnthropicRequestTest, MapsEffortToThinkingBudget) {
  EXPECT_EQ(field(anthropic(R"({"messages":[],"max_tokens":40000,"reasoning_effort":"high"})"),
                  "thinking"),
            json::parse(R"({"type":"enabled","budget_tokens":16384})"));
  EXPECT_TRUE(
      field(anthropic(R"({"messages":[],"reasoning_effort":"minimal"})"), "thinking").is_null());
}

TEST(AnthropicRequestTest, CapsAnEffortBudgetAtHalfTheCallersMaxTokens) {
  EXPECT_EQ(field(anthropic(R"({"messages":[],"max_tokens":6000,"reasoning_effort":"high"})"),
                  "thinking"),
            json::parse(R"({"type":"enabled","budget_tokens":3000})"));
}

TEST(AnthropicRequestTest, DropsEffortThinkingWhenTheCallersMaxTokensLeavesNoRoomForIt) {
  const json::value body = anthropic(R"({"messages":[],"max_tokens":1500,"reasoning_effort":"low"})");
  EXPECT_TRUE(field(body, "thinking").is_null());
  EXPECT_EQ(field(body, "max_tokens"), json::value(1500));
}

TEST(AnthropicRequestTest, WritesExplicitThinkingBudget) {
  Conversation conversation;
  conversation.reasoning.budget_tokens = 2000;
  conversation.max_tokens = 5000;
  EXPECT_EQ(field(anthropic(conversation), "thinking"),
            json::parse(R"({"type":"enabled","budget_tokens":2000})"));
}

TEST(AnthropicRequestTest, WritesMetadataUserId) {
  Conversation conversation;
  conversation.user_id = "u-1";
  EXPECT_EQ(field(anthropic(conversation), "metadata"), json::parse(R"({"user_id":"u-1"})"));
}

TEST(AnthropicRequestTest, MergesTurnsAndPutsToolResultsFirst) {
  Conversation conversation;
  conversation.turns.push_back(Turn{Role::kUser, {TextPart{"note"}}});
  conversation.turns.push_back(Turn{Role::kUser, {ToolResult{"t1", {}, false}}});
  EXPECT_EQ(field(anthropic(conversation), "messages"),
            json::parse(R"([{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1"},
                                                     {"type":"text","text":"note"}]}])"));
}

}  // namespace
}  // namespace sluice::providers
