#include "api/Endpoint.h"
#include "api/ErrorBody.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace sluice::api {
namespace {

namespace json = boost::json;

TEST(ErrorBody, OpenAIShapeHasMessageTypeParamAndCode) {
  const auto body = json::parse(openai_error_body(GatewayError::model_not_found("nope")));
  const auto& error = body.at("error").as_object();
  EXPECT_EQ(error.at("type"), "not_found_error");
  EXPECT_EQ(error.at("code"), "model_not_found");
  EXPECT_EQ(error.at("param"), "model");
  EXPECT_NE(error.at("message").as_string().find("nope"), json::string::npos);
  EXPECT_EQ(body.as_object().size(), 1u);
}

TEST(ErrorBody, OpenAIShapeWritesAbsentParamAsNull) {
  const auto body = json::parse(openai_error_body(GatewayError::authentication("api_key_not_found", "x")));
  EXPECT_TRUE(body.at("error").at("param").is_null());
}

TEST(ErrorBody, AnthropicShapeOnMessagesPaths) {
  const auto response = error_response(GatewayError::authentication("api_key_not_found", "gone"),
                                       "/v1/messages");
  EXPECT_EQ(response.result_int(), 401u);
  const auto body = json::parse(response.body());
  EXPECT_EQ(body.at("type"), "error");
  EXPECT_EQ(body.at("error").at("type"), "authentication_error");
  EXPECT_EQ(body.at("error").at("code"), "api_key_not_found");
  EXPECT_EQ(dialect_for_path("/messages"), ApiDialect::kAnthropic);
  EXPECT_EQ(dialect_for_path("/v1/chat/completions"), ApiDialect::kOpenAI);
}

TEST(ErrorBody, ResponseCarriesStatusAndJsonContentType) {
  const auto response = error_response(GatewayError::body_too_large(1024), "/v1/responses");
  EXPECT_EQ(response.result_int(), 413u);
  EXPECT_EQ(response[boost::beast::http::field::content_type], "application/json");
  EXPECT_EQ(json::parse(response.body()).at("error").at("code"), "request_body_too_large");
}

TEST(Endpoint, MapsEveryServedPathToItsEndpointAndMethod) {
  using boost::beast::http::verb;
  EXPECT_EQ(endpoint_for_path("/v1/chat/completions").kind, EndpointKind::kChatCompletions);
  EXPECT_EQ(endpoint_for_path("/v1/responses").method, verb::post);
  EXPECT_EQ(endpoint_for_path("/v1/models").kind, EndpointKind::kListModels);
  EXPECT_EQ(endpoint_for_path("/messages").kind, EndpointKind::kMessages);
  EXPECT_EQ(endpoint_for_path("/healthz").method, verb::get);
  const auto retrieve = endpoint_for_path("/v1/models/gpt-55-bedrock");
  EXPECT_EQ(retrieve.kind, EndpointKind::kRetrieveModel);
  EXPECT_EQ(retrieve.model_id, "gpt-55-bedrock");
}

TEST(Endpoint, UnknownPathsAndEmptyModelIdNameNothing) {
  EXPECT_EQ(endpoint_for_path("/v1/model").kind, EndpointKind::kUnknown);
  EXPECT_EQ(endpoint_for_path("/v1/models/").kind, EndpointKind::kUnknown);
  EXPECT_EQ(endpoint_for_path("/").kind, EndpointKind::kUnknown);
  EXPECT_EQ(endpoint_for_path("/v1/chat/completions/").kind, EndpointKind::kUnknown);
}

}  // namespace
}  // namespace sluice::api
