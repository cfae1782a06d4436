// What `sluice check-config` prints: a readable summary and a JSON one, never a secret.
#include "ConfigTestSupport.h"

#include "config/ConfigSummary.h"

#include <boost/json/serialize.hpp>

namespace sluice::config::testing {
namespace {

constexpr std::string_view kConfig = R"(
providers:
  - id: bedrock-mantle
    type: aws_bedrock
    region: us-east-2
    endpoint_kind: bedrock_mantle
    auth: { mode: bearer, token: env.AWS_BEARER_TOKEN_BEDROCK }
    display: { label: Bedrock Mantle }
models:
  - id: gpt-55-bedrock
    tags: [bedrock, openai]
    rank: 10
    routes:
      - provider: bedrock-mantle
        upstream_model: openai.gpt-5.5
        capabilities: { chat_completions: false, embeddings: false, developer_role: false }
        compatibility: { aws_bedrock: { api_style: mantle_openai_responses, openai_base_path: /openai/v1 } }
  - id: gpt
    alias_of: gpt-55-bedrock
)";

LoadResult loaded() { return load(kConfig, {{"AWS_BEARER_TOKEN_BEDROCK", "TOKEN-VALUE-XYZ"}}); }

TEST(ConfigSummaryText, ListsProvidersModelsAndRoutes) {
  const auto result = loaded();
  ASSERT_TRUE(Loads(result));
  const std::string text = summary_text(*result.config);
  EXPECT_NE(text.find("1 provider, 2 models (1 alias), 1 route"), std::string::npos) << text;
  EXPECT_NE(text.find("bedrock-mantle  aws_bedrock  auth=bearer  https://bedrock-mantle.us-east-2.api.aws (bedrock_mantle)  \"Bedrock Mantle\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("gpt-55-bedrock  tags=bedrock,openai  rank=10"), std::string::npos) << text;
  EXPECT_NE(text.find("bedrock-mantle → openai.gpt-5.5  [mantle_openai_responses]  responses stream tools vision json_schema\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("gpt → gpt-55-bedrock (alias)"), std::string::npos) << text;
}

TEST(ConfigSummaryText, NeverContainsASecret) {
  const auto result = loaded();
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(summary_text(*result.config).find("TOKEN-VALUE-XYZ"), std::string::npos);
  EXPECT_EQ(boost::json::serialize(summary_json(result)).find("TOKEN-VALUE-XYZ"), std::string::npos);
}

TEST(ConfigSummaryJson, ValidConfigCarriesProvidersAndModels) {
  const auto json = summary_json(loaded());
  const auto& object = json.as_object();
  EXPECT_TRUE(object.at("valid").as_bool());
  EXPECT_TRUE(object.at("errors").as_array().empty());
  const auto& provider = object.at("providers").as_array().at(0).as_object();
  EXPECT_EQ(provider.at("id"), "bedrock-mantle");
  EXPECT_EQ(provider.at("auth"), "bearer");
  const auto& model = object.at("models").as_array().at(1).as_object();
  EXPECT_EQ(model.at("alias_of"), "gpt-55-bedrock");
  EXPECT_EQ(model.at("canonical_id"), "gpt-55-bedrock");
  const auto& route = object.at("models").as_array().at(0).as_object().at("routes").as_array().at(0).as_object();
  EXPECT_EQ(route.at("api_style"), "mantle_openai_responses");
}

TEST(ConfigSummaryJson, InvalidConfigCarriesErrorsWithPositions) {
  const auto json = summary_json(load("server:\n  bind: nope\n  bnd: x\n"));
  const auto& object = json.as_object();
  EXPECT_FALSE(object.at("valid").as_bool());
  const auto& error = object.at("errors").as_array().at(0).as_object();
  EXPECT_EQ(error.at("path"), "server.bind");
  EXPECT_EQ(error.at("line").as_int64(), 2);
  EXPECT_EQ(error.at("column").as_int64(), 9);
  EXPECT_NE(error.at("message").as_string().find("not a valid socket address"), std::string::npos);
  EXPECT_EQ(object.at("warnings").as_array().size(), 1u);
  EXPECT_TRUE(object.at("providers").as_array().empty());
}

}  // namespace
}  // namespace sluice::config::testing
