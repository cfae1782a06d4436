// UpstreamClient over TLS against an in-process upstream whose certificates come from a CA made
// for the test: what verifies is accepted, an unknown CA or another host's certificate is refused.
#include "upstream/UpstreamClient.h"

#include "TestCertificates.h"
#include "TestUpstreamServer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace sluice::upstream {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::TestCertificateAuthority;
using test::TestServerConnection;
using test::TestUpstreamServer;
using test::TemporaryFile;
using test::http_response;

constexpr UpstreamDeadlines kTestDeadlines{2000ms, 5000ms, 5000ms};

TestUpstreamServer::Script answer_every_request_with(std::string response) {
  return [response = std::move(response)](TestServerConnection& connection) -> asio::awaitable<void> {
    while (co_await connection.read_request()) {
      if (!co_await connection.write(response)) co_return;
    }
  };
}

asio::awaitable<Expected<std::string>> fetch(UpstreamClient& client, const std::string& url) {
  UpstreamRequest request;
  request.url = url;
  request.body = "{}";
  auto response = co_await client.send(request, kTestDeadlines);
  if (!response) co_return response.error();
  co_return co_await response->read_all(64 * 1024);
}

// One CA the client trusts (through Options::ca_file), shared by the tests of this suite.
class UpstreamTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    trusted_ca_ = new TestCertificateAuthority("Sluice Test CA");
    trusted_ca_file_ = new TemporaryFile(trusted_ca_->certificate_pem());
  }
  static void TearDownTestSuite() {
    delete trusted_ca_file_;
    delete trusted_ca_;
  }

  static UpstreamClientOptions trusting_test_ca() {
    UpstreamClientOptions options;
    options.ca_file = trusted_ca_file_->path();
    return options;
  }
  void run(asio::awaitable<void> body) { test::run_test_body(io_, std::move(body)); }

  static TestCertificateAuthority* trusted_ca_;
  static TemporaryFile* trusted_ca_file_;
  asio::io_context io_;
};

TestCertificateAuthority* UpstreamTlsTest::trusted_ca_ = nullptr;
TemporaryFile* UpstreamTlsTest::trusted_ca_file_ = nullptr;

TEST_F(UpstreamTlsTest, AcceptsACertificateFromTheTrustedCaForTheHostName) {
  TestUpstreamServer server(io_, trusted_ca_->issue({"localhost"}, {"127.0.0.1"}));
  server.serve(answer_every_request_with(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nsecure\r\n0\r\n\r\n"));
  UpstreamClient client(io_, trusting_test_ca());
  run([&]() -> asio::awaitable<void> {
    const auto body = co_await fetch(client, server.url("localhost", "/v1/models"));
    EXPECT_TRUE(body.ok() && *body == "secure") << (body ? *body : body.error().message);
  }());
  EXPECT_EQ(server.server_names_seen(), std::vector<std::string>{"localhost"});  // SNI
}

TEST_F(UpstreamTlsTest, AcceptsACertificateForTheIpAddress) {
  TestUpstreamServer server(io_, trusted_ca_->issue({"localhost"}, {"127.0.0.1"}));
  server.serve(answer_every_request_with(http_response(200, "by address")));
  UpstreamClient client(io_, trusting_test_ca());
  run([&]() -> asio::awaitable<void> {
    const auto body = co_await fetch(client, server.url("127.0.0.1"));
    EXPECT_TRUE(body.ok() && *body == "by address") << (body ? *body : body.error().message);
  }());
  EXPECT_EQ(server.server_names_seen(), std::vector<std::string>{""});  // no SNI for an IP literal
}

TEST_F(UpstreamTlsTest, TrustsTheCaNamedBySslCertFile) {
  TestUpstreamServer server(io_, trusted_ca_->issue({"localhost"}, {}));
  server.serve(answer_every_request_with(http_response(200, "via environment")));
  ::setenv("SSL_CERT_FILE", trusted_ca_file_->path().c_str(), 1);
  UpstreamClient client(io_);  // no ca_file: only the default paths, which read the variable
  ::unsetenv("SSL_CERT_FILE");
  run([&]() -> asio::awaitable<void> {
    const auto body = co_await fetch(client, server.url("localhost"));
    EXPECT_TRUE(body.ok() && *body == "via environment") << (body ? *body : body.error().message);
  }());
}

TEST_F(UpstreamTlsTest, ReusesATlsConnection) {
  TestUpstreamServer server(io_, trusted_ca_->issue({"localhost"}, {}));
  server.serve(answer_every_request_with(http_response(200, "ok")));
  UpstreamClient client(io_, trusting_test_ca());
  run([&]() -> asio::awaitable<void> {
    EXPECT_TRUE((co_await fetch(client, server.url("localhost"))).ok());
    EXPECT_TRUE((co_await fetch(client, server.url("localhost"))).ok());
  }());
  EXPECT_EQ(client.connections_opened(), 1u);
  EXPECT_EQ(client.connections_reused(), 1u);
}

TEST_F(UpstreamTlsTest, RefusesACertificateFromAnUnknownCa) {
  TestCertificateAuthority unknown_ca("Somebody Else's CA");
  TestUpstreamServer server(io_, unknown_ca.issue({"localhost"}, {"127.0.0.1"}));
  server.serve(answer_every_request_with(http_response(200, "must not be read")));
  UpstreamClient client(io_, trusting_test_ca());
  run([&]() -> asio::awaitable<void> {
    const auto body = co_await fetch(client, server.url("localhost", "/v1/models?api_key=secret"));
    EXPECT_FALSE(body.ok());
    if (body) co_return;
    EXPECT_EQ(body.error().status, 502);
    EXPECT_EQ(body.error().type, "upstream_error");
    EXPECT_EQ(body.error().code, "upstream_transport");
    EXPECT_EQ(body.error().message.rfind("TLS verification failed for host localhost", 0), 0u)
        << body.error().message;
    EXPECT_EQ(body.error().message.find("secret"), std::string::npos);
    EXPECT_EQ(body.error().message.find("/v1/models"), std::string::npos);
  }());
  EXPECT_EQ(server.requests_received(), 0u);
}

TEST_F(UpstreamTlsTest, RefusesATrustedCertificateIssuedForAnotherHost) {
  TestUpstreamServer server(io_, trusted_ca_->issue({"other.test"}, {}));
  server.serve(answer_every_request_with(http_response(200, "must not be read")));
  UpstreamClient client(io_, trusting_test_ca());
  run([&]() -> asio::awaitable<void> {
    for (const char* host : {"localhost", "127.0.0.1"}) {
      const auto body = co_await fetch(client, server.url(host));
      EXPECT_FALSE(body.ok()) << host;
      if (body) continue;
      EXPECT_EQ(body.error().code, "upstream_transport");
      EXPECT_EQ(body.error().message.rfind(std::string("TLS verification failed for host ") + host, 0), 0u)
          << body.error().message;
    }
  }());
  EXPECT_EQ(server.requests_received(), 0u);
  EXPECT_EQ(client.connections_opened(), 0u);
}

}  // namespace
}  // namespace sluice::upstream
