#include "upstream/UpstreamRequestMessage.h"
#include "upstream/UpstreamUrl.h"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace sluice::upstream {
namespace {

namespace http = boost::beast::http;

// The head as an HTTP/1.1 server reads it: beast's parser must accept it whole, with nothing left.
http::request<http::empty_body> parsed_head(const RequestMessage& message) {
  http::request_parser<http::empty_body> parser;
  parser.skip(true);  // the head only: the body is sent from its own buffer
  boost::system::error_code error;
  const auto used = parser.put(boost::asio::buffer(message.head), error);
  EXPECT_FALSE(error) << error.message();
  EXPECT_TRUE(parser.is_header_done());
  EXPECT_EQ(used, message.head.size());
  return parser.release();
}

std::vector<std::pair<std::string, std::string>> fields_of(const RequestMessage& message) {
  std::vector<std::pair<std::string, std::string>> fields;
  for (const auto& field : parsed_head(message)) fields.emplace_back(field.name_string(), field.value());
  return fields;
}

TEST(UpstreamRequestMessage, WritesHostLengthKeepAliveThenTheRequestHeadersInOrder) {
  UpstreamRequest request;
  request.url = "https://api.example.com/v1/responses?x=1";
  request.body = R"({"model":"m"})";
  request.headers = {{"content-type", "application/json"}, {"accept", "text/event-stream"},
                     {"Connection", "close"}, {"x-request-id", "req-1"}, {"Authorization", "Bearer t"}};
  const auto url = UpstreamUrl::parse(request.url);
  ASSERT_TRUE(url.ok());
  const auto message = build_request_message(request, *url);
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(message->head.substr(0, message->head.find("\r\n")), "POST /v1/responses?x=1 HTTP/1.1");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"Host", "api.example.com"},        {"Content-Length", "13"},        {"Connection", "keep-alive"},
      {"content-type", "application/json"}, {"accept", "text/event-stream"}, {"x-request-id", "req-1"},
      {"Authorization", "Bearer t"},      {"User-Agent", "sluice/0.1"}};
  EXPECT_EQ(fields_of(*message), expected);
  EXPECT_EQ(message->body, request.body);
  EXPECT_EQ(message->body.data(), request.body.data());  // borrowed, not copied
}

TEST(UpstreamRequestMessage, KeepsTheRequestsOwnUserAgentAndHost) {
  UpstreamRequest request;
  request.url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse";
  request.headers = {{"host", "bedrock-runtime.us-east-1.amazonaws.com"}, {"user-agent", "custom/2"}};
  const auto url = UpstreamUrl::parse(request.url);
  ASSERT_TRUE(url.ok());
  const auto message = build_request_message(request, *url);
  ASSERT_TRUE(message.ok());
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"Host", "bedrock-runtime.us-east-1.amazonaws.com"},
      {"Content-Length", "0"},
      {"Connection", "keep-alive"},
      {"user-agent", "custom/2"}};
  EXPECT_EQ(fields_of(*message), expected);
}

TEST(UpstreamRequestMessage, GetWithoutBodyHasNoContentLength) {
  UpstreamRequest request;
  request.method = http::verb::get;
  request.url = "http://localhost:11434/api/tags";
  const auto url = UpstreamUrl::parse(request.url);
  ASSERT_TRUE(url.ok());
  const auto message = build_request_message(request, *url);
  ASSERT_TRUE(message.ok());
  const auto head = parsed_head(*message);
  EXPECT_EQ(head.method(), http::verb::get);
  EXPECT_EQ(head.target(), "/api/tags");
  EXPECT_EQ(head.count(http::field::content_length), 0u);
  EXPECT_EQ(head[http::field::host], "localhost:11434");
}

TEST(UpstreamRequestMessage, RefusesHeadersThatWouldSplitTheHead) {
  const auto url = UpstreamUrl::parse("https://api.example.com/");
  ASSERT_TRUE(url.ok());

  UpstreamRequest bad_value;
  bad_value.headers = {{"x-note", "fine\r\nx-injected: secret"}};
  const auto refused_value = build_request_message(bad_value, *url);
  ASSERT_FALSE(refused_value.ok());
  EXPECT_EQ(refused_value.error().code, "upstream_transport");
  EXPECT_NE(refused_value.error().message.find("x-note"), std::string::npos);
  EXPECT_EQ(refused_value.error().message.find("secret"), std::string::npos);

  UpstreamRequest bad_name;
  bad_name.headers = {{"x-note\r\nx-injected", "secret"}};
  const auto refused_name = build_request_message(bad_name, *url);
  ASSERT_FALSE(refused_name.ok());
  EXPECT_EQ(refused_name.error().message.find("injected"), std::string::npos);
}

}  // namespace
}  // namespace sluice::upstream
