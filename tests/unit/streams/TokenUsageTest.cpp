#include "streams/TokenUsage.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace sluice::streams {
namespace {

TokenUsage from(ApiFamily family, std::string_view body) {
  return usage_from_body(family, boost::json::parse(body));
}

TEST(Usage, ChatBodyReadsPromptCompletionCachedAndReasoningTokens) {
  const auto usage = from(ApiFamily::kChatCompletions, R"({"id":"c","choices":[],"usage":{
      "prompt_tokens":100,"completion_tokens":40,"total_tokens":140,
      "prompt_tokens_details":{"cached_tokens":64,"cache_write_tokens":8},
      "completion_tokens_details":{"reasoning_tokens":16}}})");
  EXPECT_TRUE(usage.present);
  EXPECT_EQ(usage.input, 100);
  EXPECT_EQ(usage.output, 40);
  EXPECT_EQ(usage.total, 140);
  EXPECT_EQ(usage.cached_input, 64);
  EXPECT_EQ(usage.cache_write_input, 8);
  EXPECT_EQ(usage.reasoning, 16);
}

TEST(Usage, ChatBodyWithoutTotalAddsInputAndOutput) {
  const auto usage = from(ApiFamily::kChatCompletions,
                          R"({"usage":{"prompt_tokens":3,"completion_tokens":4}})");
  EXPECT_TRUE(usage.present);
  EXPECT_EQ(usage.total, 7);
}

TEST(Usage, ChatBodyFallsBackToUsageOnAChoice) {
  const auto usage = from(ApiFamily::kChatCompletions,
                          R"({"choices":[{"index":0,"usage":{"prompt_tokens":2,"completion_tokens":1,"total_tokens":3}}]})");
  EXPECT_TRUE(usage.present);
  EXPECT_EQ(usage.total, 3);
}

TEST(Usage, ChatBodyAcceptsIntegralDoubles) {
  const auto usage = from(ApiFamily::kChatCompletions,
                          R"({"usage":{"prompt_tokens":3.0,"completion_tokens":4,"total_tokens":7}})");
  EXPECT_EQ(usage.input, 3);
}

TEST(Usage, ResponsesBodyReadsInputOutputCachedAndReasoningTokens) {
  const auto usage = from(ApiFamily::kResponses, R"({"id":"resp_1","object":"response","usage":{
      "input_tokens":50,"input_tokens_details":{"cached_tokens":20,"cache_write_tokens":0},
      "output_tokens":30,"output_tokens_details":{"reasoning_tokens":12},"total_tokens":80}})");
  EXPECT_TRUE(usage.present);
  EXPECT_EQ(usage.input, 50);
  EXPECT_EQ(usage.output, 30);
  EXPECT_EQ(usage.total, 80);
  EXPECT_EQ(usage.cached_input, 20);
  EXPECT_EQ(usage.reasoning, 12);
}

TEST(Usage, EmbeddingsBodyReadsPromptAndTotalTokens) {
  const auto usage = from(ApiFamily::kEmbeddings,
                          R"({"object":"list","data":[],"model":"e","usage":{"prompt_tokens":8,"total_tokens":8}})");
  EXPECT_TRUE(usage.present);
  EXPECT_EQ(usage.input, 8);
  EXPECT_EQ(usage.output, 0);
  EXPECT_EQ(usage.total, 8);
}

TEST(Usage, MissingOrNullUsageIsNotPresent) {
  EXPECT_FALSE(from(ApiFamily::kChatCompletions, R"({"choices":[]})").present);
  EXPECT_FALSE(from(ApiFamily::kResponses, R"({"usage":null})").present);
  EXPECT_FALSE(from(ApiFamily::kEmbeddings, R"({"usage":{}})").present);
  EXPECT_FALSE(from(ApiFamily::kEmbeddings, R"([1,2])").present);
}

TEST(Usage, UsageOfTheWrongFamilyIsNotPresent) {
  // Never guessed: Responses names in a Chat body count for nothing.
  EXPECT_FALSE(from(ApiFamily::kChatCompletions, R"({"usage":{"input_tokens":5}})").present);
}

TEST(Usage, NegativeOrNonNumericCountsAreIgnored) {
  const auto usage = from(ApiFamily::kChatCompletions,
                          R"({"usage":{"prompt_tokens":-1,"completion_tokens":"4","total_tokens":9}})");
  EXPECT_TRUE(usage.present);
  EXPECT_EQ(usage.input, 0);
  EXPECT_EQ(usage.output, 0);
  EXPECT_EQ(usage.total, 9);
}

}  // namespace
}  // namespace sluice::streams
