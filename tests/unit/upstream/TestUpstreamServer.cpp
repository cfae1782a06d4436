#include "TestUpstreamServer.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <array>

namespace sluice::upstream::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

void report_coroutine_failure(std::exception_ptr failure) {
  if (!failure) return;
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& error) {
    ADD_FAILURE() << "test server coroutine threw: " << error.what();
  }
}

}  // namespace

TestServerConnection::TestServerConnection(TestUpstreamServer& server, std::variant<PlainStream, TlsStream> stream)
    : server_(server), stream_(std::move(stream)) {}

asio::awaitable<std::optional<ReceivedRequest>> TestServerConnection::read_request() {
  http::request_parser<http::string_body> parser;
  const auto [error, bytes] = co_await std::visit(
      [&](auto& stream) { return http::async_read(stream, buffer_, parser, use_nothrow); }, stream_);
  (void)bytes;
  if (error) co_return std::nullopt;
  ++server_.requests_received_;
  co_return parser.release();
}

asio::awaitable<bool> TestServerConnection::write(std::string_view bytes) {
  const auto [error, written] = co_await std::visit(
      [&](auto& stream) { return asio::async_write(stream, asio::buffer(bytes), use_nothrow); }, stream_);
  (void)written;
  co_return !error;
}

asio::awaitable<void> TestServerConnection::wait_until_client_closes() {
  std::array<char, 4096> discard{};
  for (;;) {
    const auto [error, bytes] = co_await std::visit(
        [&](auto& stream) { return stream.async_read_some(asio::buffer(discard), use_nothrow); }, stream_);
    (void)bytes;
    if (error) co_return;
  }
}

void TestServerConnection::close() {
  std::visit([](auto& stream) { beast::get_lowest_layer(stream).close(); }, stream_);
}

TestUpstreamServer::TestUpstreamServer(asio::io_context& io) : io_(io), acceptor_(io) {
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(endpoint.protocol());
  acceptor_.bind(endpoint);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
}

TestUpstreamServer::TestUpstreamServer(asio::io_context& io, const TestCertificate& certificate)
    : TestUpstreamServer(io) {
  tls_context_.emplace(asio::ssl::context::tls_server);
  tls_context_->use_certificate_chain(asio::buffer(certificate.certificate_pem));
  tls_context_->use_private_key(asio::buffer(certificate.private_key_pem), asio::ssl::context::pem);
}

void TestUpstreamServer::serve(Script script) {
  script_ = std::move(script);
  asio::co_spawn(io_, accept_connections(), report_coroutine_failure);
}

std::string TestUpstreamServer::url(std::string_view host, std::string_view path) const {
  return fmt::format("{}://{}:{}{}", tls_context_ ? "https" : "http", host, port_, path);
}

asio::awaitable<void> TestUpstreamServer::accept_connections() {
  for (;;) {
    auto [error, socket] = co_await acceptor_.async_accept(use_nothrow);
    if (error) co_return;
    ++connections_accepted_;
    asio::co_spawn(io_, run_connection(std::move(socket)), report_coroutine_failure);
  }
}

asio::awaitable<void> TestUpstreamServer::run_connection(tcp::socket socket) {
  if (!tls_context_) {
    TestServerConnection connection(*this, std::variant<TestServerConnection::PlainStream, TestServerConnection::TlsStream>(
                                               std::in_place_type<TestServerConnection::PlainStream>, std::move(socket)));
    co_await script_(connection);
    connection.close();
    co_return;
  }
  TestServerConnection::TlsStream tls_stream(std::move(socket), *tls_context_);
  const auto [error] = co_await tls_stream.async_handshake(asio::ssl::stream_base::server, use_nothrow);
  if (error) co_return;  // the client refused our certificate
  const char* server_name = SSL_get_servername(tls_stream.native_handle(), TLSEXT_NAMETYPE_host_name);
  server_names_seen_.emplace_back(server_name != nullptr ? server_name : "");
  TestServerConnection connection(*this, std::variant<TestServerConnection::PlainStream, TestServerConnection::TlsStream>(
                                             std::in_place_type<TestServerConnection::TlsStream>, std::move(tls_stream)));
  co_await script_(connection);
  connection.close();
}

TestSignal::TestSignal(asio::io_context& io) : timer_(io, std::chrono::steady_clock::time_point::max()) {}

void TestSignal::raise() {
  raised_ = true;
  timer_.cancel();
}

asio::awaitable<void> TestSignal::wait() {
  while (!raised_) co_await timer_.async_wait(use_nothrow);
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(use_nothrow);
}

std::string http_response(unsigned status, std::string_view body, std::string_view extra_headers) {
  return fmt::format("HTTP/1.1 {} X\r\nContent-Length: {}\r\n{}\r\n{}", status, body.size(), extra_headers, body);
}

std::string chunk(std::string_view data) { return fmt::format("{:x}\r\n{}\r\n", data.size(), data); }

void run_test_body(asio::io_context& io, asio::awaitable<void> body, std::chrono::seconds limit) {
  bool finished = false;
  std::exception_ptr failure;
  asio::co_spawn(io, std::move(body), [&](std::exception_ptr error) {
    finished = true;
    failure = error;
    io.stop();
  });
  io.run_for(limit);
  if (!finished) ADD_FAILURE() << "the test did not finish within " << limit.count() << " s";
  if (failure) std::rethrow_exception(failure);
}

}  // namespace sluice::upstream::test
