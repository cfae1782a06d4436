#include "server/Exchange.h"
#include "server/HttpServer.h"

#include <boost/asio/connect.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <gtest/gtest.h>

namespace sluice::server {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

// Answers every request with its own path, so a test can see which request was served.
class EchoPathHandler final : public RequestHandler {
 public:
  asio::awaitable<void> handle(Exchange& exchange) override {
    Response response{http::status::ok, 11};
    response.body() = std::string(path_of(exchange.request().target()));
    co_await exchange.respond(std::move(response));
  }
  Response error_response(const GatewayError& error, std::string_view) const override {
    Response response{static_cast<http::status>(error.status), 11};
    response.body() = error.code;
    return response;
  }
};

ServerLimits small_limits() {
  return ServerLimits{1024, 4096, std::chrono::milliseconds(2000), std::chrono::milliseconds(2000),
                      std::chrono::milliseconds(2000)};
}

std::shared_ptr<observability::AccessLog> silent_log() {
  return std::make_shared<observability::AccessLog>(nullptr);
}

http::response<http::string_body> get(std::uint16_t port, const std::string& target) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  http::request<http::string_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "localhost");
  http::write(socket, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  return response;
}

TEST(HttpServer, BindsAHostNameAndServesRequestsWithARequestId) {
  HttpServer server(small_limits(), std::make_shared<EchoPathHandler>(), silent_log());
  server.start("localhost", 0, 1);
  ASSERT_NE(server.port(), 0);
  const auto response = get(server.port(), "/hello?query=dropped");
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response.body(), "/hello");
  EXPECT_EQ(response["x-request-id"].size(), 32u);
  server.begin_drain();
  EXPECT_TRUE(server.wait_until_drained(std::chrono::seconds(2)));
  server.stop();
}

TEST(HttpServer, DrainingRefusesNewConnections) {
  HttpServer server(small_limits(), std::make_shared<EchoPathHandler>(), silent_log());
  server.start("127.0.0.1", 0, 2);
  const auto port = server.port();
  EXPECT_EQ(get(port, "/before").body(), "/before");
  server.begin_drain();
  ASSERT_TRUE(server.wait_until_drained(std::chrono::seconds(2)));
  EXPECT_THROW(get(port, "/after"), boost::system::system_error);
  server.stop();
}

}  // namespace
}  // namespace sluice::server
