#include "providers/ChatCompatibility.h"

#include "SeedRoute.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

namespace sluice::providers {
namespace {

namespace json = boost::json;

json::object parse(std::string_view text) { return json::parse(text).as_object(); }

config::RouteCompatibility with(config::OpenAICompatCompatibility profile) {
  config::RouteCompatibility compatibility;
  compatibility.openai_compat = profile;
  return compatibility;
}

// The body after the transforms; fails the test when they refuse.
json::value transformed(const config::RouteCompatibility& compatibility, std::string_view before) {
  json::object body = parse(before);
  const auto refusal = apply_chat_compatibility(compatibility, body);
  EXPECT_FALSE(refusal) << refusal->message;
  return body;
}

config::OpenAICompatCompatibility empty_tools(config::EmptyToolsMode mode) {
  config::OpenAICompatCompatibility profile;
  profile.empty_tools = mode;
  return profile;
}

TEST(Compatibility, DefaultsLeaveTheBodyUnchanged) {
  constexpr std::string_view kBody = R"({"model":"m","store":true,"max_completion_tokens":5,
      "messages":[{"role":"developer","content":"x"}],"reasoning_effort":"low","tools":[],
      "stream":true})";
  EXPECT_EQ(transformed(with({}), kBody), json::parse(kBody));
  EXPECT_EQ(transformed(config::RouteCompatibility{}, kBody), json::parse(kBody));
}

TEST(Compatibility, UnsupportedStoreIsDropped) {
  config::OpenAICompatCompatibility profile;
  profile.supports_store = false;
  EXPECT_EQ(transformed(with(profile), R"({"model":"m","store":true,"messages":[]})"),
            json::parse(R"({"model":"m","messages":[]})"));
}

TEST(Compatibility, MaxCompletionTokensBecomesMaxTokens) {
  config::OpenAICompatCompatibility profile;
  profile.max_tokens_field = config::MaxTokensField::kMaxTokens;
  EXPECT_EQ(transformed(with(profile), R"({"max_completion_tokens":256})"),
            json::parse(R"({"max_tokens":256})"));
}

TEST(Compatibility, CallersOwnMaxTokensIsKeptWhenRenaming) {
  config::OpenAICompatCompatibility profile;
  profile.max_tokens_field = config::MaxTokensField::kMaxTokens;
  EXPECT_EQ(transformed(with(profile), R"({"max_tokens":100,"max_completion_tokens":256})"),
            json::parse(R"({"max_tokens":100})"));
}

TEST(Compatibility, DeveloperMessagesBecomeSystemMessages) {
  config::OpenAICompatCompatibility profile;
  profile.developer_role = config::DeveloperRoleMode::kSystem;
  EXPECT_EQ(transformed(with(profile), R"({"messages":[{"role":"developer","content":"terse"},
                                                      {"role":"user","content":"hi"}]})"),
            json::parse(R"({"messages":[{"role":"system","content":"terse"},
                                        {"role":"user","content":"hi"}]})"));
}

TEST(Compatibility, ReasoningEffortIsOmitted) {
  config::OpenAICompatCompatibility profile;
  profile.reasoning_effort = config::ReasoningEffortMode::kOmit;
  EXPECT_EQ(transformed(with(profile), R"({"model":"m","reasoning_effort":"high"})"),
            json::parse(R"({"model":"m"})"));
}

TEST(Compatibility, ReasoningEffortBecomesAReasoningObject) {
  config::OpenAICompatCompatibility profile;
  profile.reasoning_effort = config::ReasoningEffortMode::kReasoningObject;
  EXPECT_EQ(transformed(with(profile), R"({"reasoning_effort":"high"})"),
            json::parse(R"({"reasoning":{"effort":"high"}})"));
}

TEST(Compatibility, StreamUsageIsRequestedOnStreamingRequestsKeepingOtherOptions) {
  config::OpenAICompatCompatibility profile;
  profile.supports_stream_usage = true;
  EXPECT_EQ(transformed(with(profile), R"({"stream":true})"),
            json::parse(R"({"stream":true,"stream_options":{"include_usage":true}})"));
  EXPECT_EQ(transformed(with(profile),
                        R"({"stream":true,"stream_options":{"include_obfuscation":false}})"),
            json::parse(R"({"stream":true,
                "stream_options":{"include_obfuscation":false,"include_usage":true}})"));
}

TEST(Compatibility, StreamUsageIsNotRequestedWithoutStreaming) {
  config::OpenAICompatCompatibility profile;
  profile.supports_stream_usage = true;
  EXPECT_EQ(transformed(with(profile), R"({"stream":false})"), json::parse(R"({"stream":false})"));
}

TEST(Compatibility, EmptyToolsAreOmittedWithANeutralToolChoice) {
  const auto omit = with(empty_tools(config::EmptyToolsMode::kOmit));
  EXPECT_EQ(transformed(omit, R"({"messages":[],"tools":[]})"), json::parse(R"({"messages":[]})"));
  for (const std::string_view choice : {R"("auto")", R"("none")", "null"}) {
    const std::string before =
        fmt::format(R"({{"messages":[],"tools":[],"tool_choice":{}}})", choice);
    EXPECT_EQ(transformed(omit, before), json::parse(R"({"messages":[]})")) << choice;
  }
}

TEST(Compatibility, EmptyToolsOmitRejectsARequiredToolChoice) {
  json::object body = parse(R"({"messages":[],"tools":[],"tool_choice":"required"})");
  const json::object before = body;
  const auto refusal =
      apply_chat_compatibility(with(empty_tools(config::EmptyToolsMode::kOmit)), body);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 400);
  EXPECT_EQ(refusal->code, "invalid_request");
  EXPECT_EQ(refusal->param, "tool_choice");
  EXPECT_EQ(body, before);  // untouched on refusal
}

TEST(Compatibility, EmptyToolsOmitRejectsANamedToolChoice) {
  json::object body =
      parse(R"({"tools":[],"tool_choice":{"type":"function","function":{"name":"f"}}})");
  EXPECT_TRUE(apply_chat_compatibility(with(empty_tools(config::EmptyToolsMode::kOmit)), body));
}

TEST(Compatibility, NonEmptyToolsAreNeverOmitted) {
  constexpr std::string_view kBody = R"({"tools":[{"type":"function"}],"tool_choice":"required"})";
  EXPECT_EQ(transformed(with(empty_tools(config::EmptyToolsMode::kOmit)), kBody),
            json::parse(kBody));
}

TEST(Compatibility, EmptyToolsArePreservedWithToolCallHistory) {
  const auto profile = with(empty_tools(config::EmptyToolsMode::kPreserveWithToolHistory));
  constexpr std::string_view kAssistantCalls = R"({"tools":[],"tool_choice":"auto","messages":[
      {"role":"assistant","tool_calls":[{"id":"c1","type":"function"}]}]})";
  EXPECT_EQ(transformed(profile, kAssistantCalls), json::parse(kAssistantCalls));
  constexpr std::string_view kToolResult =
      R"({"tools":[],"messages":[{"role":"tool","tool_call_id":"c1","content":"42"}]})";
  EXPECT_EQ(transformed(profile, kToolResult), json::parse(kToolResult));
}

TEST(Compatibility, EmptyToolsAreOmittedWithoutToolHistory) {
  const auto profile = with(empty_tools(config::EmptyToolsMode::kPreserveWithToolHistory));
  EXPECT_EQ(transformed(profile, R"({"tools":[],"messages":[{"role":"user","content":"hi"}]})"),
            json::parse(R"({"messages":[{"role":"user","content":"hi"}]})"));
}

TEST(Compatibility, OpenRouterPolicyBecomesTheProviderObject) {
  config::RouteCompatibility compatibility;
  compatibility.openrouter_provider = parse(R"({"zdr":true,"only":["openai"]})");
  EXPECT_EQ(transformed(compatibility, R"({"model":"m"})"),
            json::parse(R"({"model":"m","provider":{"zdr":true,"only":["openai"]}})"));
}

TEST(Compatibility, UnknownFieldsPassThrough) {
  config::OpenAICompatCompatibility profile;
  profile.supports_store = false;
  profile.reasoning_effort = config::ReasoningEffortMode::kOmit;
  EXPECT_EQ(transformed(with(profile), R"({"x_custom":{"deep":[1,2]},"seed":7,"store":false})"),
            json::parse(R"({"x_custom":{"deep":[1,2]},"seed":7})"));
}

TEST(Compatibility, AppliesToOpenAICompatFamilyProvidersOnly) {
  EXPECT_TRUE(takes_chat_compatibility(testing::openai_provider()));
  config::ProviderConfig cloud_run;
  cloud_run.type = config::ProviderType::kGcpCloudRunOpenAICompat;
  EXPECT_TRUE(takes_chat_compatibility(cloud_run));
  EXPECT_FALSE(takes_chat_compatibility(testing::seed_bedrock_provider()));
}

}  // namespace
}  // namespace sluice::providers
