#include "providers/ChatRequest.h"

#include "providers/ConversationReaders.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

namespace sluice::providers {
namespace {

namespace json = boost::json;

constexpr std::string_view kModel = "gpt-5";

Conversation from_messages(std::string_view body) {
  auto conversation = read_messages_request(json::parse(body).as_object());
  EXPECT_TRUE(conversation.ok()) << (conversation.ok() ? "" : conversation.error().message);
  return conversation.ok() ? std::move(*conversation) : Conversation{};
}

json::value chat(std::string_view messages_body) {
  auto body = chat_request_body(from_messages(messages_body), kModel);
  EXPECT_TRUE(body.ok()) << (body.ok() ? "" : body.error().message);
  return body.ok() ? json::value(std::move(*body)) : json::value();
}

const json::value& field(const json::value& body, std::string_view key) {
  static const json::value kMissing;
  const json::value* value = body.as_object().if_contains(key);
  return value != nullptr ? *value : kMissing;
}

TEST(ChatRequestTest, WritesModelSystemMessageAndTextMessages) {
  EXPECT_EQ(chat(R"({"max_tokens":10,"system":"be brief","messages":[
                {"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]})"),
            json::parse(R"({"model":"gpt-5","max_completion_tokens":10,"messages":[
                {"role":"system","content":"be brief"},
                {"role":"user","content":"hi"},
                {"role":"assistant","content":"hello"}]})"));
}

TEST(ChatRequestTest, JoinsSystemBlocksIntoOneSystemMessage) {
  EXPECT_EQ(field(chat(R"({"system":[{"type":"text","text":"a"},{"type":"text","text":"b"}],
                          "messages":[]})"),
                  "messages"),
            json::parse(R"([{"role":"system","content":"a\n\nb"}])"));
}

TEST(ChatRequestTest, WritesImagesAsDataUrlParts) {
  EXPECT_EQ(field(chat(R"({"messages":[{"role":"user","content":[
                {"type":"text","text":"what is this?"},
                {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBO"}}
              ]}]})"),
                  "messages"),
            json::parse(R"([{"role":"user","content":[{"type":"text","text":"what is this?"},
                {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBO"}}]}])"));
}

TEST(ChatRequestTest, WritesRemoteImageUrlAsIs) {
  EXPECT_EQ(field(chat(R"({"messages":[{"role":"user","content":[
                {"type":"image","source":{"type":"url","url":"https://example.com/a.png"}}]}]})"),
                  "messages"),
            json::parse(R"([{"role":"user","content":[
                {"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}])"));
}

TEST(ChatRequestTest, WritesToolUseAsAssistantToolCallsWithJsonTextArguments) {
  EXPECT_EQ(field(chat(R"({"messages":[{"role":"assistant","content":[
                {"type":"tool_use","id":"toolu_1","name":"w","input":{"city":"Oslo"}}]}]})"),
                  "messages"),
            json::parse(R"([{"role":"assistant","content":null,"tool_calls":[{"id":"toolu_1",
                "type":"function","function":{"name":"w","arguments":"{\"city\":\"Oslo\"}"}}]}])"));
}

TEST(ChatRequestTest, WritesToolResultsAsToolMessagesBeforeTheUserText) {
  EXPECT_EQ(field(chat(R"({"messages":[{"role":"user","content":[
                {"type":"text","text":"thanks"},
                {"type":"tool_result","tool_use_id":"toolu_1","content":[
                  {"type":"text","text":"12C"},{"type":"text","text":"sunny"}]}]}]})"),
                  "messages"),
            json::parse(R"([{"role":"tool","tool_call_id":"toolu_1","content":"12C\nsunny"},
                            {"role":"user","content":"thanks"}])"));
}

TEST(ChatRequestTest, RefusesImageInToolResult) {
  const auto body = chat_request_body(from_messages(R"({"messages":[{"role":"user","content":[
      {"type":"tool_result","tool_use_id":"t1","content":[{"type":"image","source":{
        "type":"base64","media_type":"image/png","data":"iVBO"}}]}]}]})"),
                                      kModel);
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.error().status, 400);
  EXPECT_EQ(body.error().param, "messages[0].content[0].content[0].source");
}

TEST(ChatRequestTest, DropsReasoning) {
  EXPECT_EQ(field(chat(R"({"messages":[{"role":"assistant","content":[
                {"type":"thinking","thinking":"hmm","signature":"s"},{"type":"text","text":"a"}]}]})"),
                  "messages"),
            json::parse(R"([{"role":"assistant","content":"a"}])"));
}

TEST(ChatRequestTest, WritesFunctionTools) {
  EXPECT_EQ(field(chat(R"({"messages":[],"tools":[{"name":"f","description":"d",
                          "input_schema":{"type":"object"}}]})"),
                  "tools"),
            json::parse(R"([{"type":"function","function":{"name":"f","description":"d",
                "parameters":{"type":"object"}}}])"));
}

json::value tool_choice_for(std::string_view anthropic_tool_choice) {
  const std::string body = R"({"messages":[],"tools":[{"name":"f","input_schema":{}}],)"
                           R"("tool_choice":)" +
                           std::string(anthropic_tool_choice) + "}";
  return field(chat(body), "tool_choice");
}

TEST(ChatRequestTest, MapsToolChoice) {
  EXPECT_EQ(tool_choice_for(R"({"type":"auto"})"), json::value("auto"));
  EXPECT_EQ(tool_choice_for(R"({"type":"any"})"), json::value("required"));
  EXPECT_EQ(tool_choice_for(R"({"type":"none"})"), json::value("none"));
  EXPECT_EQ(tool_choice_for(R"({"type":"tool","name":"f"})"),
            json::parse(R"({"type":"function","function":{"name":"f"}})"));
}

TEST(ChatRequestTest, DisableParallelToolUseBecomesParallelToolCallsFalse) {
  EXPECT_EQ(field(chat(R"({"messages":[],"tools":[{"name":"f","input_schema":{}}],
                          "tool_choice":{"type":"auto","disable_parallel_tool_use":true}})"),
                  "parallel_tool_calls"),
            json::value(false));
}

TEST(ChatRequestTest, WritesStopSequencesAsStopAndDropsTopK) {
  const json::value body =
      chat(R"({"messages":[],"stop_sequences":["X"],"temperature":0.2,"top_p":0.8,"top_k":5})");
  EXPECT_EQ(field(body, "stop"), json::parse(R"(["X"])"));
  EXPECT_EQ(field(body, "temperature"), json::value(0.2));
  EXPECT_EQ(field(body, "top_p"), json::value(0.8));
  EXPECT_FALSE(body.as_object().contains("top_k"));
}

json::value effort_for_budget_of(int budget) {
  const std::string body = R"({"messages":[],"thinking":{"type":"enabled","budget_tokens":)" +
                           std::to_string(budget) + "}}";
  return field(chat(body), "reasoning_effort");
}

TEST(ChatRequestTest, MapsThinkingBudgetToReasoningEffort) {
  EXPECT_EQ(effort_for_budget_of(1024), json::value("low"));
  EXPECT_EQ(effort_for_budget_of(1025), json::value("medium"));
  EXPECT_EQ(effort_for_budget_of(4096), json::value("medium"));
  EXPECT_EQ(effort_for_budget_of(4097), json::value("high"));
}

TEST(ChatRequestTest, StreamingAsksForUsage) {
  const json::value body = chat(R"({"messages":[],"stream":true})");
  EXPECT_EQ(field(body, "stream"), json::value(true));
  EXPECT_EQ(field(body, "stream_options"), json::parse(R"({"include_usage":true})"));
}

TEST(ChatRequestTest, WritesMetadataUserIdAsUser) {
  EXPECT_EQ(field(chat(R"({"messages":[],"metadata":{"user_id":"u-1"}})"), "user"),
            json::value("u-1"));
}

}  // namespace
}  // namespace sluice::providers
