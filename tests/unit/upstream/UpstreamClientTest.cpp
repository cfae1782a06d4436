// UpstreamClient over plain HTTP against an in-process upstream: whole and streamed answers,
// keep-alive pooling and the one retry, deadlines, abort and cancellation.
#include "upstream/UpstreamClient.h"

#include "TestUpstreamServer.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace sluice::upstream {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using namespace std::chrono_literals;
using asio::experimental::awaitable_operators::operator||;
using test::ReceivedRequest;
using test::TestServerConnection;
using test::TestSignal;
using test::http_response;
using test::sleep_for;

constexpr UpstreamDeadlines kTestDeadlines{2000ms, 5000ms, 5000ms};

// Answers every request on every connection with `response`, keeping the connection open.
test::TestUpstreamServer::Script answer_every_request_with(std::string response) {
  return [response = std::move(response)](TestServerConnection& connection) -> asio::awaitable<void> {
    while (co_await connection.read_request()) {
      if (!co_await connection.write(response)) co_return;
    }
  };
}

asio::awaitable<Expected<std::string>> fetch(UpstreamClient& client, const UpstreamRequest& request,
                                             UpstreamDeadlines deadlines = kTestDeadlines) {
  auto response = co_await client.send(request, deadlines);
  if (!response) co_return response.error();
  co_return co_await response->read_all(64 * 1024);
}

class UpstreamClientTest : public ::testing::Test {
 protected:
  UpstreamRequest request_to(std::string path = "/v1/chat/completions") const {
    UpstreamRequest request;
    request.url = server_.url("127.0.0.1", path);
    request.headers = {{"content-type", "application/json"}};
    request.body = R"({"model":"m"})";
    return request;
  }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
  void run(asio::awaitable<void> body) { test::run_test_body(io_, std::move(body)); }

  asio::io_context io_;
  test::TestUpstreamServer server_{io_};
  UpstreamClient client_{io_};
};

TEST_F(UpstreamClientTest, ReadsAWholeResponse) {
  server_.serve(answer_every_request_with(http_response(200, "hello", "x-upstream: yes\r\n")));
  run([&]() -> asio::awaitable<void> {
    auto response = co_await client_.send(request_to(), kTestDeadlines);
    if (!response) {
      ADD_FAILURE() << response.error().message;
      co_return;
    }
    EXPECT_EQ(response->status(), 200u);
    EXPECT_EQ(response->headers()["x-upstream"], "yes");
    const auto body = co_await response->read_all(1024);
    EXPECT_TRUE(body.ok() && *body == "hello");
  }());
}

TEST_F(UpstreamClientTest, AnUpstreamErrorStatusIsAResponseNotAnError) {
  server_.serve(answer_every_request_with(http_response(429, R"({"error":"slow down"})")));
  run([&]() -> asio::awaitable<void> {
    auto response = co_await client_.send(request_to(), kTestDeadlines);
    EXPECT_TRUE(response.ok());
    if (response) {
      EXPECT_EQ(response->status(), 429u);
    }
  }());
}

TEST_F(UpstreamClientTest, SendsTheHeadTheUpstreamExpects) {
  std::optional<ReceivedRequest> received;
  server_.serve([&](TestServerConnection& connection) -> asio::awaitable<void> {
    received = co_await connection.read_request();
    co_await connection.write(http_response(200, "ok"));
  });
  run([&]() -> asio::awaitable<void> {
    auto request = request_to("/v1/chat/completions?api-version=2");
    request.headers.emplace_back("x-request-id", "req-7");
    const auto body = co_await fetch(client_, request);
    EXPECT_TRUE(body.ok());
  }());
  ASSERT_TRUE(received.has_value());
  EXPECT_EQ(received->method(), http::verb::post);
  EXPECT_EQ(received->target(), "/v1/chat/completions?api-version=2");
  std::vector<std::pair<std::string, std::string>> fields;
  for (const auto& field : *received) fields.emplace_back(field.name_string(), field.value());
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"Host", "127.0.0.1:" + std::to_string(server_.port())},
      {"Content-Length", "13"},
      {"Connection", "keep-alive"},
      {"content-type", "application/json"},
      {"x-request-id", "req-7"},
      {"User-Agent", "sluice/0.1"}};
  EXPECT_EQ(fields, expected);
  EXPECT_EQ(received->body(), R"({"model":"m"})");
}

TEST_F(UpstreamClientTest, RefusesAnUnsendableHeaderWithoutConnecting) {
  server_.serve(answer_every_request_with(http_response(200, "ok")));
  run([&]() -> asio::awaitable<void> {
    auto request = request_to();
    request.headers.emplace_back("x-note", "a\r\nx-injected: 1");
    const auto response = co_await client_.send(request, kTestDeadlines);
    EXPECT_FALSE(response.ok());
    if (!response) {
      EXPECT_EQ(response.error().code, "upstream_transport");
    }
  }());
  EXPECT_EQ(server_.connections_accepted(), 0u);
}

TEST_F(UpstreamClientTest, SkipsInterimResponses) {
  server_.serve(answer_every_request_with("HTTP/1.1 100 Continue\r\n\r\n" + http_response(201, "made")));
  run([&]() -> asio::awaitable<void> {
    auto response = co_await client_.send(request_to(), kTestDeadlines);
    if (!response) {
      ADD_FAILURE() << response.error().message;
      co_return;
    }
    EXPECT_EQ(response->status(), 201u);
    const auto body = co_await response->read_all(1024);
    EXPECT_TRUE(body.ok() && *body == "made");
  }());
}

TEST_F(UpstreamClientTest, StreamsAChunkedBodyPieceByPieceAsItArrives) {
  TestSignal first_piece_seen(io_);
  server_.serve([&](TestServerConnection& connection) -> asio::awaitable<void> {
    if (!co_await connection.read_request()) co_return;
    co_await connection.write(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" +
        test::chunk("data: first\n\n"));
    // The rest only goes out once the client has shown it received the first piece.
    co_await first_piece_seen.wait();
    co_await connection.write(test::chunk("data: second\n\n"));
    co_await sleep_for(20ms);
    co_await connection.write(test::chunk("data: [DONE]\n\n") + test::chunk(""));
    co_await connection.wait_until_client_closes();
  });
  run([&]() -> asio::awaitable<void> {
    auto response = co_await client_.send(request_to(), kTestDeadlines);
    if (!response) {
      ADD_FAILURE() << response.error().message;
      co_return;
    }
    const auto first = co_await response->read_some();
    EXPECT_TRUE(first.ok() && *first == "data: first\n\n");
    first_piece_seen.raise();
    std::string rest;
    for (;;) {
      const auto piece = co_await response->read_some();
      if (!piece) {
        ADD_FAILURE() << piece.error().message;
        co_return;
      }
      if (piece->empty()) break;
      rest += *piece;
    }
    EXPECT_EQ(rest, "data: second\n\ndata: [DONE]\n\n");
    // Read to the end of a keep-alive response: the connection went back to the pool.
    EXPECT_EQ(client_.idle_connections(origin()), 1u);
  }());
}

TEST_F(UpstreamClientTest, ReadsFromTheUpstreamOnlyAsFastAsTheCallerPulls) {
  constexpr std::size_t kBodyBytes = 48u << 20;
  constexpr std::size_t kBlockBytes = 1u << 20;
  std::size_t server_written = 0;
  server_.serve([&](TestServerConnection& connection) -> asio::awaitable<void> {
    if (!co_await connection.read_request()) co_return;
    co_await connection.write("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(kBodyBytes) + "\r\n\r\n");
    const std::string block(kBlockBytes, 'x');
    while (server_written < kBodyBytes) {
      if (!co_await connection.write(block)) co_return;
      server_written += block.size();
    }
    co_await connection.wait_until_client_closes();
  });
  run([&]() -> asio::awaitable<void> {
    auto response = co_await client_.send(request_to(), kTestDeadlines);
    if (!response) {
      ADD_FAILURE() << response.error().message;
      co_return;
    }
    std::size_t received = 0;
    const auto first = co_await response->read_some();
    if (first) received += first->size();
    co_await sleep_for(300ms);
    // The caller stopped pulling: socket buffers filled up and the upstream had to wait.
    EXPECT_LT(server_written, kBodyBytes);
    for (;;) {
      const auto piece = co_await response->read_some();
      if (!piece || piece->empty()) break;
      received += piece->size();
    }
    EXPECT_EQ(received, kBodyBytes);
  }());
}

TEST_F(UpstreamClientTest, ReusesAKeepAliveConnection) {
  server_.serve(answer_every_request_with(http_response(200, "again")));
  run([&]() -> asio::awaitable<void> {
    EXPECT_TRUE((co_await fetch(client_, request_to())).ok());
    EXPECT_EQ(client_.idle_connections(origin()), 1u);
    const auto second = co_await fetch(client_, request_to());
    EXPECT_TRUE(second.ok() && *second == "again");
  }());
  EXPECT_EQ(client_.connections_opened(), 1u);
  EXPECT_EQ(client_.connections_reused(), 1u);
  EXPECT_EQ(server_.connections_accepted(), 1u);
}

// The client keeps parsed URLs: each request must still go to its own origin and target.
TEST_F(UpstreamClientTest, SendsEachRequestToItsOwnUrlWhenUrlsAlternate) {
  test::TestUpstreamServer other{io_};
  std::vector<std::string> here;
  std::vector<std::string> there;
  const auto recording = [](std::vector<std::string>& targets, std::string answer) {
    return [&targets, answer](TestServerConnection& connection) -> asio::awaitable<void> {
      for (;;) {
        const auto received = co_await connection.read_request();
        if (!received) co_return;
        targets.emplace_back(received->target());
        if (!co_await connection.write(http_response(200, answer))) co_return;
      }
    };
  };
  server_.serve(recording(here, "here"));
  other.serve(recording(there, "there"));
  run([&]() -> asio::awaitable<void> {
    UpstreamRequest to_other = request_to();
    to_other.url = other.url("127.0.0.1", "/v1/responses");
    const UpstreamRequest to_here = request_to("/v1/embeddings");
    const std::vector<std::pair<const UpstreamRequest*, std::string>> sends = {
        {&to_other, "there"}, {&to_here, "here"}, {&to_other, "there"}, {&to_here, "here"}};
    for (const auto& [request, expected] : sends) {
      const auto body = co_await fetch(client_, *request);
      EXPECT_TRUE(body.ok() && *body == expected);
    }
  }());
  EXPECT_EQ(here, (std::vector<std::string>{"/v1/embeddings", "/v1/embeddings"}));
  EXPECT_EQ(there, (std::vector<std::string>{"/v1/responses", "/v1/responses"}));
}

TEST_F(UpstreamClientTest, ClosesAConnectionTheUpstreamDoesNotKeepAlive) {
  server_.serve(answer_every_request_with(http_response(200, "bye", "Connection: close\r\n")));
  run([&]() -> asio::awaitable<void> {
    EXPECT_TRUE((co_await fetch(client_, request_to())).ok());
    EXPECT_EQ(client_.idle_connections(origin()), 0u);
    EXPECT_TRUE((co_await fetch(client_, request_to())).ok());
  }());
  EXPECT_EQ(client_.connections_opened(), 2u);
  EXPECT_EQ(client_.connections_reused(), 0u);
}

TEST_F(UpstreamClientTest, HeadResponsesHaveNoBodyAndKeepTheConnection) {
  server_.serve(answer_every_request_with("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"));
  run([&]() -> asio::awaitable<void> {
    auto request = request_to();
    request.method = http::verb::head;
    request.body.clear();
    const auto body = co_await fetch(client_, request);
    EXPECT_TRUE(body.ok() && body->empty());
    EXPECT_EQ(client_.idle_connections(origin()), 1u);
  }());
}

TEST_F(UpstreamClientTest, KeepsAtMostTheConfiguredIdleConnectionsPerOrigin) {
  UpstreamClientOptions options;
  options.max_idle_per_origin = 1;
  UpstreamClient client(io_, options);
  server_.serve(answer_every_request_with(http_response(200, "ok")));
  run([&]() -> asio::awaitable<void> {
    // Two answers open at once need two connections; only one may wait in the pool afterwards.
    auto first = co_await client.send(request_to(), kTestDeadlines);
    auto second = co_await client.send(request_to(), kTestDeadlines);
    if (!first || !second) {
      ADD_FAILURE() << "send failed";
      co_return;
    }
    EXPECT_TRUE((co_await first->read_all(1024)).ok());
    EXPECT_TRUE((co_await second->read_all(1024)).ok());
    EXPECT_EQ(client.idle_connections(origin()), 1u);
  }());
  EXPECT_EQ(client.connections_opened(), 2u);
}

TEST_F(UpstreamClientTest, DoesNotReuseAConnectionIdleLongerThanTheIdleTimeout) {
  UpstreamClientOptions options;
  options.idle_timeout = 100ms;
  UpstreamClient client(io_, options);
  server_.serve(answer_every_request_with(http_response(200, "ok")));
  run([&]() -> asio::awaitable<void> {
    EXPECT_TRUE((co_await fetch(client, request_to())).ok());
    EXPECT_TRUE((co_await fetch(client, request_to())).ok());  // at once: reused
    co_await sleep_for(250ms);
    EXPECT_TRUE((co_await fetch(client, request_to())).ok());  // idle too long: a new one
    EXPECT_EQ(client.idle_connections(origin()), 1u);
  }());
  EXPECT_EQ(client.connections_opened(), 2u);
  EXPECT_EQ(client.connections_reused(), 1u);
}

TEST_F(UpstreamClientTest, ClosesAConnectionIdleTooLongWhenItsOriginIsNotUsedAgain) {
  UpstreamClientOptions options;
  options.idle_timeout = 100ms;
  UpstreamClient client(io_, options);
  TestSignal closed_by_the_client(io_);
  server_.serve([&](TestServerConnection& connection) -> asio::awaitable<void> {
    while (co_await connection.read_request()) {
      if (!co_await connection.write(http_response(200, "ok"))) break;
    }
    closed_by_the_client.raise();
  });
  run([&]() -> asio::awaitable<void> {
    const auto started = std::chrono::steady_clock::now();
    EXPECT_TRUE((co_await fetch(client, request_to())).ok());
    EXPECT_EQ(client.idle_connections(origin()), 1u);
    // No other request follows: only the pool's own sweep can close the connection.
    co_await (closed_by_the_client.wait() || sleep_for(3s));
    EXPECT_TRUE(closed_by_the_client.raised());
    EXPECT_GE(std::chrono::steady_clock::now() - started, 100ms);
    EXPECT_EQ(client.idle_connections(origin()), 0u);
  }());
}

TEST_F(UpstreamClientTest, ReplacesAPooledConnectionTheUpstreamClosedWhileIdle) {
  TestSignal first_connection_closed(io_);
  server_.serve([&](TestServerConnection& connection) -> asio::awaitable<void> {
    if (server_.connections_accepted() == 1) {
      if (!co_await connection.read_request()) co_return;
      co_await connection.write(http_response(200, "first"));
      connection.close();  // the upstream's idle timeout, right after answering
      first_connection_closed.raise();
      co_return;
    }
    while (co_await connection.read_request()) co_await connection.write(http_response(200, "second"));
  });
  run([&]() -> asio::awaitable<void> {
    EXPECT_TRUE((co_await fetch(client_, request_to())).ok());
    co_await first_connection_closed.wait();
    co_await sleep_for(20ms);
    const auto second = co_await fetch(client_, request_to());
    EXPECT_TRUE(second.ok() && *second == "second") << (second ? "" : second.error().message);
  }());
  EXPECT_EQ(client_.connections_opened(), 2u);
  EXPECT_EQ(server_.requests_received(), 2u);
}

TEST_F(UpstreamClientTest, RetriesOnceWhenAPooledConnectionClosesWithoutAnswering) {
  server_.serve([&](TestServerConnection& connection) -> asio::awaitable<void> {
    if (server_.connections_accepted() == 1) {
      if (!co_await connection.read_request()) co_return;
      co_await connection.write(http_response(200, "first"));
      // The second request races the upstream closing the idle connection: read, never answered.
      co_await connection.read_request();
      connection.close();
      co_return;
    }
    while (co_await connection.read_request()) co_await connection.write(http_response(200, "retried"));
  });
  run([&]() -> asio::awaitable<void> {
    EXPECT_TRUE((co_await fetch(client_, request_to())).ok());
    const auto second = co_await fetch(client_, request_to());
    EXPECT_TRUE(second.ok() && *second == "retried") << (second ? "" : second.error().message);
  }());
  EXPECT_EQ(client_.connections_opened(), 2u);
  EXPECT_EQ(client_.connections_reused(), 1u);
  EXPECT_EQ(server_.requests_received(), 3u);
}

TEST_F(UpstreamClientTest, DoesNotRetryOnceAnyByteOfTheAnswerArrived) {
  server_.serve([&](TestServerConnection& connection) -> asio::awaitable<void> {
    if (!co_await connection.read_request()) co_return;
    co_await connection.write(http_response(200, "first"));
    if (!co_await connection.read_request()) co_return;
    co_await connection.write("HTTP/1.1 200 OK\r\nContent-Le");
    connection.close();
  });
  run([&]() -> asio::awaitable<void> {
    EXPECT_TRUE((co_await fetch(client_, request_to())).ok());
    const auto second = co_await fetch(client_, request_to());
    EXPECT_FALSE(second.ok());
    if (!second) {
      EXPECT_EQ(second.error().status, 502);
      EXPECT_EQ(second.error().code, "upstream_transport");
    }
  }());
  EXPECT_EQ(server_.connections_accepted(), 1u);
  EXPECT_EQ(server_.requests_received(), 2u);
}

TEST_F(UpstreamClientTest, DoesNotRetryOnAFreshConnection) {
  server_.serve([&](TestServerConnection& connection) -> asio::awaitable<void> {
    co_await connection.read_request();
    connection.close();
  });
  run([&]() -> asio::awaitable<void> {
    const auto body = co_await fetch(client_, request_to());
    EXPECT_FALSE(body.ok());
    if (!body) {
      EXPECT_EQ(body.error().code, "upstream_transport");
      EXPECT_NE(body.error().message.find("closed the connection without answering"), std::string::npos)
          << body.error().message;
    }
  }());
  EXPECT_EQ(server_.connections_accepted(), 1u);
}

TEST_F(UpstreamClientTest, ARefusedConnectionIs502UpstreamTransport) {
  std::uint16_t closed_port = 0;
  {
    asio::ip::tcp::acceptor probe(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed_port = probe.local_endpoint().port();
  }
  run([&]() -> asio::awaitable<void> {
    UpstreamRequest request;
    request.url = "http://127.0.0.1:" + std::to_string(closed_port) + "/v1/models?key=secret";
    const auto response = co_await client_.send(request, kTestDeadlines);
    EXPECT_FALSE(response.ok());
    if (response) co_return;
    EXPECT_EQ(response.error().status, 502);
    EXPECT_EQ(response.error().type, "upstream_error");
    EXPECT_EQ(response.error().code, "upstream_transport");
    EXPECT_EQ(response.error().message,
              "connecting to 127.0.0.1:" + std::to_string(closed_port) + " failed: Connection refused");
  }());
  EXPECT_EQ(client_.connections_opened(), 0u);
}

TEST_F(UpstreamClientTest, AConnectionNotAcceptedInTimeIs504) {
  // A listener whose accept queue is full: the kernel drops further SYNs, so connecting hangs.
  asio::ip::tcp::acceptor full(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  full.listen(0);
  std::vector<asio::ip::tcp::socket> queued;
  for (int i = 0; i < 4; ++i) {
    queued.emplace_back(io_);
    queued.back().open(asio::ip::tcp::v4());
    queued.back().non_blocking(true);  // sets O_NONBLOCK; asio's own connect() would still wait
    const auto endpoint = full.local_endpoint();
    (void)::connect(queued.back().native_handle(), endpoint.data(), static_cast<socklen_t>(endpoint.size()));
  }
  run([&]() -> asio::awaitable<void> {
    UpstreamRequest request;
    request.url = "http://127.0.0.1:" + std::to_string(full.local_endpoint().port()) + "/";
    const auto started = std::chrono::steady_clock::now();
    const auto response = co_await client_.send(request, UpstreamDeadlines{300ms, 5000ms, 5000ms});
    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_FALSE(response.ok());
    if (response) co_return;
    EXPECT_EQ(response.error().status, 504);
    EXPECT_EQ(response.error().code, "upstream_timeout");
    EXPECT_NE(response.error().message.find("connect deadline of 300 ms"), std::string::npos)
        << response.error().message;
    EXPECT_LT(elapsed, 1500ms);
  }());
}

TEST_F(UpstreamClientTest, ASilentUpstreamIs504WithinTheFirstByteDeadline) {
  server_.serve([&](TestServerConnection& connection) -> asio::awaitable<void> {
    co_await connection.read_request();
    co_await connection.wait_until_client_closes();
  });
  run([&]() -> asio::awaitable<void> {
    const auto started = std::chrono::steady_clock::now();
    const auto response = co_await client_.send(request_to(), UpstreamDeadlines{1000ms, 300ms, 5000ms});
    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_FALSE(response.ok());
    if (response) co_return;
    EXPECT_EQ(response.error().status, 504);
    EXPECT_EQ(response.error().type, "upstream_error");
    EXPECT_EQ(response.error().code, "upstream_timeout");
    EXPECT_NE(response.error().message.find("first byte deadline of 300 ms"), std::string::npos)
        << response.error().message;
    EXPECT_GE(elapsed, 290ms);
    EXPECT_LT(elapsed, 1500ms);
  }());
}

TEST_F(UpstreamClientTest, TheTotalDeadlineCoversReadingTheBody) {
  server_.serve([&](TestServerConnection& connection) -> asio::awaitable<void> {
    if (!co_await connection.read_request()) co_return;
    co_await connection.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
    co_await connection.wait_until_client_closes();
  });
  run([&]() -> asio::awaitable<void> {
    const auto started = std::chrono::steady_clock::now();
    auto response = co_await client_.send(request_to(), UpstreamDeadlines{1000ms, 5000ms, 400ms});
    if (!response) {
      ADD_FAILURE() << response.error().message;
      co_return;
    }
    const auto body = co_await response->read_all(1024);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_FALSE(body.ok());
    if (!body) {
      EXPECT_EQ(body.error().status, 504);
      EXPECT_EQ(body.error().code, "upstream_timeout");
      EXPECT_NE(body.error().message.find("total deadline of 400 ms"), std::string::npos) << body.error().message;
    }
    EXPECT_LT(elapsed, 1500ms);
  }());
  EXPECT_EQ(client_.idle_connections(origin()), 0u);
}

TEST_F(UpstreamClientTest, ATruncatedBodyIs502UpstreamTransport) {
  server_.serve([&](TestServerConnection& connection) -> asio::awaitable<void> {
    if (!co_await connection.read_request()) co_return;
    co_await connection.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
    connection.close();
  });
  run([&]() -> asio::awaitable<void> {
    const auto body = co_await fetch(client_, request_to());
    EXPECT_FALSE(body.ok());
    if (!body) {
      EXPECT_EQ(body.error().code, "upstream_transport");
      EXPECT_NE(body.error().message.find("before the response was complete"), std::string::npos)
          << body.error().message;
    }
  }());
}

// The upstream sends the head and a first chunk, then waits to see the client go away.
test::TestUpstreamServer::Script stream_one_chunk_then_watch(TestSignal& client_closed) {
  return [&client_closed](TestServerConnection& connection) -> asio::awaitable<void> {
    if (!co_await connection.read_request()) co_return;
    co_await connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n");
    co_await connection.wait_until_client_closes();
    client_closed.raise();
  };
}

TEST_F(UpstreamClientTest, AbortClosesTheConnectionAtOnce) {
  TestSignal client_closed(io_);
  server_.serve(stream_one_chunk_then_watch(client_closed));
  run([&]() -> asio::awaitable<void> {
    auto response = co_await client_.send(request_to(), kTestDeadlines);
    if (!response) {
      ADD_FAILURE() << response.error().message;
      co_return;
    }
    const auto first = co_await response->read_some();
    EXPECT_TRUE(first.ok() && *first == "first");
    response->abort();
    co_await (client_closed.wait() || sleep_for(2000ms));
    EXPECT_TRUE(client_closed.raised());
    const auto after = co_await response->read_some();
    EXPECT_FALSE(after.ok());
    if (!after) {
      EXPECT_EQ(after.error().code, "upstream_transport");
    }
  }());
  EXPECT_EQ(client_.idle_connections(origin()), 0u);
}

TEST_F(UpstreamClientTest, ACancelledReadClosesTheConnection) {
  TestSignal client_closed(io_);
  server_.serve(stream_one_chunk_then_watch(client_closed));
  run([&]() -> asio::awaitable<void> {
    auto response = co_await client_.send(request_to(), kTestDeadlines);
    if (!response) {
      ADD_FAILURE() << response.error().message;
      co_return;
    }
    EXPECT_TRUE((co_await response->read_some()).ok());
    // As the gateway does when its own caller leaves: the read loses the race and is cancelled.
    const auto winner = co_await (response->read_some() || sleep_for(100ms));
    EXPECT_EQ(winner.index(), 1u);
    co_await (client_closed.wait() || sleep_for(2000ms));
    EXPECT_TRUE(client_closed.raised());
    EXPECT_FALSE((co_await response->read_some()).ok());
  }());
  EXPECT_EQ(client_.idle_connections(origin()), 0u);
}

TEST_F(UpstreamClientTest, DroppingAResponseBeforeItsEndClosesTheConnection) {
  TestSignal client_closed(io_);
  server_.serve(stream_one_chunk_then_watch(client_closed));
  run([&]() -> asio::awaitable<void> {
    {
      auto response = co_await client_.send(request_to(), kTestDeadlines);
      EXPECT_TRUE(response.ok());
    }
    co_await (client_closed.wait() || sleep_for(2000ms));
    EXPECT_TRUE(client_closed.raised());
  }());
  EXPECT_EQ(client_.idle_connections(origin()), 0u);
}

TEST_F(UpstreamClientTest, ReadAllRefusesABodyLargerThanItsLimit) {
  server_.serve(answer_every_request_with(http_response(200, std::string(100, 'x'))));
  run([&]() -> asio::awaitable<void> {
    auto response = co_await client_.send(request_to(), kTestDeadlines);
    if (!response) {
      ADD_FAILURE() << response.error().message;
      co_return;
    }
    const auto body = co_await response->read_all(99);
    EXPECT_FALSE(body.ok());
    if (!body) {
      EXPECT_EQ(body.error().status, 502);
      EXPECT_EQ(body.error().code, "upstream_transport");
      EXPECT_NE(body.error().message.find("exceeds the limit of 99 bytes"), std::string::npos);
    }
  }());
  EXPECT_EQ(client_.idle_connections(origin()), 0u);
}

TEST_F(UpstreamClientTest, ReadAllRefusesAnOversizeChunkedBody) {
  server_.serve(answer_every_request_with(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n01234567\r\n8\r\n89abcdef\r\n0\r\n\r\n"));
  run([&]() -> asio::awaitable<void> {
    auto response = co_await client_.send(request_to(), kTestDeadlines);
    if (!response) {
      ADD_FAILURE() << response.error().message;
      co_return;
    }
    const auto body = co_await response->read_all(10);
    EXPECT_FALSE(body.ok());
    if (!body) {
      EXPECT_EQ(body.error().code, "upstream_transport");
    }
  }());
  EXPECT_EQ(client_.idle_connections(origin()), 0u);
}

}  // namespace
}  // namespace sluice::upstream
