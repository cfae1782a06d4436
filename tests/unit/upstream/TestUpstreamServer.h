// TestUpstreamServer: a scriptable in-process HTTP/1.1 server on 127.0.0.1, plain or TLS, that
// plays the upstream in the client tests.
//
// It runs on the test's own io_context, next to the client, so a test is one thread and
// deterministic. Each accepted connection runs the test's Script, which reads requests and writes
// raw bytes — a test states exactly what goes on the wire (a chunk, a stall, a close). Also here:
// TestSignal (one coroutine waits until another raises it), sleep_for(), and run_test_body(),
// which runs a test coroutine to completion with a time limit.
#pragma once

#include "TestCertificates.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sluice::upstream::test {

using ReceivedRequest = boost::beast::http::request<boost::beast::http::string_body>;

class TestUpstreamServer;

// One accepted connection, as a script sees it.
class TestServerConnection {
 public:
  using PlainStream = boost::beast::tcp_stream;
  using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  TestServerConnection(TestUpstreamServer& server, std::variant<PlainStream, TlsStream> stream);

  // The next request, or nullopt when the client closed the connection (or sent garbage).
  boost::asio::awaitable<std::optional<ReceivedRequest>> read_request();
  // Writes raw bytes; false when the client is gone.
  boost::asio::awaitable<bool> write(std::string_view bytes);
  // Completes when the client closes or resets the connection (bytes it sends are discarded).
  boost::asio::awaitable<void> wait_until_client_closes();
  void close();

 private:
  TestUpstreamServer& server_;
  std::variant<PlainStream, TlsStream> stream_;
  boost::beast::flat_buffer buffer_;
};

class TestUpstreamServer {
 public:
  using Script = std::function<boost::asio::awaitable<void>(TestServerConnection&)>;

  // Plain HTTP.
  explicit TestUpstreamServer(boost::asio::io_context& io);
  // HTTPS with `certificate`.
  TestUpstreamServer(boost::asio::io_context& io, const TestCertificate& certificate);

  // Starts accepting; every connection runs `script`, then closes.
  void serve(Script script);

  std::uint16_t port() const { return port_; }
  std::string url(std::string_view host = "127.0.0.1", std::string_view path = "/") const;
  std::size_t connections_accepted() const { return connections_accepted_; }
  std::size_t requests_received() const { return requests_received_; }
  // TLS only: the SNI name each handshake carried ("" when the client sent none).
  const std::vector<std::string>& server_names_seen() const { return server_names_seen_; }

 private:
  friend class TestServerConnection;
  boost::asio::awaitable<void> accept_connections();
  boost::asio::awaitable<void> run_connection(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  std::optional<boost::asio::ssl::context> tls_context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  Script script_;
  std::size_t connections_accepted_ = 0;
  std::size_t requests_received_ = 0;
  std::vector<std::string> server_names_seen_;
};

// A one-shot event between coroutines on one io_context.
class TestSignal {
 public:
  explicit TestSignal(boost::asio::io_context& io);
  void raise();
  bool raised() const { return raised_; }
  boost::asio::awaitable<void> wait();

 private:
  boost::asio::steady_timer timer_;
  bool raised_ = false;
};

boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds duration);

// "HTTP/1.1 <status> X\r\nContent-Length: <n>\r\n<extra_headers>\r\n<body>" — extra_headers are
// whole lines, each ending in \r\n.
std::string http_response(unsigned status, std::string_view body, std::string_view extra_headers = "");

// One chunk of a chunked body: "<size in hex>\r\n<data>\r\n"; an empty `data` is the last chunk.
std::string chunk(std::string_view data);

// Runs `body` on `io` until it finishes (the server's coroutines are simply left behind), and
// fails the test if it takes longer than `limit`. Exceptions from `body` are rethrown.
void run_test_body(boost::asio::io_context& io, boost::asio::awaitable<void> body,
                   std::chrono::seconds limit = std::chrono::seconds(20));

}  // namespace sluice::upstream::test
