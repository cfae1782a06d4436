#include "api/ErrorBody.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::api {

namespace http = boost::beast::http;
namespace json = boost::json;

ApiDialect dialect_for_path(std::string_view path) {
  return path == "/v1/messages" || path == "/messages" ? ApiDialect::kAnthropic : ApiDialect::kOpenAI;
}

std::string openai_error_body(const GatewayError& error) {
  json::object detail;
  detail["message"] = error.message;
  detail["type"] = error.type;
  detail["param"] = error.param ? json::value(*error.param) : json::value(nullptr);
  detail["code"] = error.code.empty() ? json::value(nullptr) : json::value(error.code);
  return json::serialize(json::object{{"error", std::move(detail)}});
}

std::string anthropic_error_body(const GatewayError& error) {
  json::object detail;
  detail["type"] = error.type;
  detail["message"] = error.message;
  detail["code"] = error.code.empty() ? json::value(nullptr) : json::value(error.code);
  return json::serialize(json::object{{"type", "error"}, {"error", std::move(detail)}});
}

server::Response error_response(const GatewayError& error, std::string_view path) {
  server::Response response{static_cast<http::status>(error.status), 11};
  response.set(http::field::content_type, "application/json");
  response.body() = dialect_for_path(path) == ApiDialect::kAnthropic ? anthropic_error_body(error)
                                                                     : openai_error_body(error);
  if (error.status == 405) response.set(http::field::allow, "GET, POST");
  return response;
}

boost::asio::awaitable<void> respond_with_error(server::Exchange& exchange, const GatewayError& error) {
  exchange.log().error_code = error.code;
  auto answer = error_response(error, server::path_of(exchange.request().target()));
  co_await exchange.respond(std::move(answer));
}

}  // namespace sluice::api
