#include "server/HttpServer.h"

#include "core/ThreadName.h"
#include "server/Exchange.h"
#include "server/RequestId.h"

#include <boost/beast/core/string.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include <array>

namespace sluice::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// The first read of a request: large enough for a typical head in one go, small enough that idle
// keep-alive connections stay cheap.
constexpr std::size_t kFirstReadBytes = 4096;

// After refusing a request the gateway half-closes and reads (and discards) what the caller is
// still sending for a short while, so the caller sees the refusal instead of a connection reset.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerMaxBytes = 64u * 1024u * 1024u;

using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

// What to answer when reading the request failed, or nullopt to close quietly (the caller went
// away, or never sent anything).
std::optional<GatewayError> refusal_for(const boost::system::error_code& error,
                                        const ServerLimits& limits) {
  if (error == http::error::header_limit) return GatewayError::headers_too_large(limits.max_header_bytes);
  if (error == http::error::body_limit) return GatewayError::body_too_large(limits.max_body_bytes);
  if (error == beast::error::timeout) return GatewayError::request_timeout();
  if (error == http::error::end_of_stream || error == http::error::partial_message ||
      error == asio::error::eof || error == asio::error::connection_reset ||
      error == asio::error::operation_aborted || error == asio::error::broken_pipe) {
    return std::nullopt;
  }
  if (error.category() == make_error_code(http::error::bad_target).category()) {  // other HTTP syntax errors
    return GatewayError::invalid_request("malformed HTTP request: " + error.message());
  }
  return std::nullopt;
}

void log_spawn_failure(std::exception_ptr failure) {
  if (!failure) return;
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& error) {
    spdlog::error("connection coroutine failed: {}", error.what());
  }
}

}  // namespace

ServerLimits ServerLimits::from_config(const config::ServerConfig& server) {
  return ServerLimits{server.max_body_bytes, server.max_header_bytes,
                      server.request_header_timeout, server.request_body_timeout,
                      server.idle_timeout};
}

// One connection as the drain logic sees it. Lives in the connection coroutine's frame.
struct HttpServer::Connection {
  beast::tcp_stream* stream = nullptr;
  bool idle = true;  // waiting for the first byte of a request: safe to close when draining
};

struct HttpServer::Worker {
  // Declared before `io` so it outlives the coroutine frames the io_context destroys.
  std::list<Connection*> connections;
  asio::io_context io{1};
  std::optional<tcp::acceptor> acceptor;
};

HttpServer::HttpServer(ServerLimits limits, std::shared_ptr<RequestHandler> handler,
                       std::shared_ptr<observability::AccessLog> access_log)
    : limits_(limits), handler_(std::move(handler)), access_log_(std::move(access_log)) {}

HttpServer::~HttpServer() {
  stop();
  workers_.clear();  // before the counters the connection frames update on destruction
}

void HttpServer::start(const std::string& host, std::uint16_t port, unsigned io_threads,
                       ThreadPreparation prepare_thread) {
  boost::system::error_code not_numeric;
  auto address = asio::ip::make_address(host, not_numeric);
  if (not_numeric) {
    // A host name (`localhost:8080`): resolved once, here at start-up, before any I/O thread runs.
    asio::io_context lookup;
    tcp::resolver resolver(lookup);
    const auto found = resolver.resolve(host, std::to_string(port));
    address = found.begin()->endpoint().address();
  }
  io_threads = std::max(1u, io_threads);
  for (unsigned i = 0; i < io_threads; ++i) {
    auto worker = std::make_unique<Worker>();
    tcp::acceptor acceptor(worker->io);
    const tcp::endpoint endpoint(address, port_ != 0 ? port_ : port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.set_option(ReusePort(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    port_ = acceptor.local_endpoint().port();
    worker->acceptor.emplace(std::move(acceptor));
    workers_.push_back(std::move(worker));
  }
  for (auto& worker : workers_) {
    asio::co_spawn(worker->io, accept_loop(*worker), log_spawn_failure);
    threads_.emplace_back([io = &worker->io, prepare_thread, index = threads_.size()] {
      core::name_this_thread("io-" + std::to_string(index));
      if (prepare_thread) prepare_thread(*io);
      io->run();
    });
  }
}

void HttpServer::begin_drain() {
  if (draining_.exchange(true)) return;
  for (auto& worker : workers_) {
    asio::post(worker->io, [worker = worker.get()] {
      boost::system::error_code ignored;
      if (worker->acceptor) worker->acceptor->close(ignored);
      for (Connection* connection : worker->connections) {
        if (connection->idle) connection->stream->cancel();
      }
    });
  }
  if (open_connections_.load() == 0) {
    std::lock_guard lock(drained_mutex_);
    drained_.notify_all();
  }
}

bool HttpServer::wait_until_drained(std::chrono::milliseconds deadline) {
  std::unique_lock lock(drained_mutex_);
  return drained_.wait_for(lock, deadline, [this] { return open_connections_.load() == 0; });
}

void HttpServer::stop() {
  for (auto& worker : workers_) worker->io.stop();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

void HttpServer::connection_closed() {
  if (open_connections_.fetch_sub(1) == 1 && draining()) {
    std::lock_guard lock(drained_mutex_);
    drained_.notify_all();
  }
}

asio::awaitable<void> HttpServer::accept_loop(Worker& worker) {
  asio::steady_timer backoff(worker.io);
  for (;;) {
    auto [error, socket] = co_await worker.acceptor->async_accept(use_nothrow);
    if (error == asio::error::operation_aborted || !worker.acceptor->is_open()) co_return;
    if (error) {
      // Out of descriptors or a transient network error: pause instead of spinning.
      spdlog::warn("accept failed: {}", error.message());
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(use_nothrow);
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    open_connections_.fetch_add(1);
    asio::co_spawn(worker.io, serve_connection(worker, std::move(socket)), log_spawn_failure);
  }
}

namespace {

// Half-close, then discard what the caller still sends for a short while, then close.
asio::awaitable<void> linger_and_close(beast::tcp_stream& stream) {
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.expires_after(kLingerTime);
  thread_local std::array<char, 16384> discard;
  std::size_t discarded = 0;
  while (discarded < kLingerMaxBytes) {
    auto [error, size] = co_await stream.async_read_some(asio::buffer(discard), use_nothrow);
    if (error) break;
    discarded += size;
  }
  stream.socket().close(ignored);
}

// A deadline for one read of a request's head or body. When it passes it cancels the read and
// leaves the socket open, so the caller can still read the 408 (the stream's own expiry would
// close it). A plain timer handler rather than a race of two coroutines (`read || timer`), whose
// frames, parallel group and cancellation cost about 5% of a small request (bench/README.md).
class ReadDeadline {
 public:
  ReadDeadline(const asio::any_io_executor& executor, tcp::socket& socket)
      : timer_(executor), socket_(socket), state_(std::make_shared<State>()) {}
  ReadDeadline(const ReadDeadline&) = delete;
  ReadDeadline& operator=(const ReadDeadline&) = delete;

  void arm(std::chrono::milliseconds limit) {
    const std::uint64_t generation = ++state_->generation;
    state_->passed = false;
    timer_.expires_after(limit);
    // The handler may run after the read completed (both were ready at once) or after a later
    // arm(): the generation tells it apart, and it touches the socket only for the current read,
    // while the connection's coroutine is suspended in it.
    timer_.async_wait([state = state_, generation, &socket = socket_](boost::system::error_code error) {
      if (error || state->generation != generation) return;
      state->passed = true;
      boost::system::error_code ignored;
      socket.cancel(ignored);
    });
  }

  // Call as soon as the read completes: true when the deadline cut it short.
  bool disarm() {
    ++state_->generation;
    timer_.cancel();
    return state_->passed;
  }

 private:
  struct State {
    std::uint64_t generation = 0;
    bool passed = false;
  };
  asio::steady_timer timer_;
  tcp::socket& socket_;
  std::shared_ptr<State> state_;
};

}  // namespace

asio::awaitable<void> HttpServer::serve_connection(Worker& worker, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  Connection connection{&stream, true};
  const auto registration = worker.connections.insert(worker.connections.end(), &connection);
  struct Deregistration {
    HttpServer* server;
    Worker* worker;
    std::list<Connection*>::const_iterator registration;
    ~Deregistration() {
      worker->connections.erase(registration);
      server->connection_closed();
    }
  } deregistration{this, &worker, registration};

  boost::system::error_code endpoint_error;
  const auto remote_endpoint = stream.socket().remote_endpoint(endpoint_error);
  const std::string remote =
      endpoint_error ? std::string() : remote_endpoint.address().to_string();

  beast::flat_buffer buffer;
  ReadDeadline deadline(stream.get_executor(), stream.socket());
  bool close_quietly = true;  // false once a refusal was sent: linger so the caller reads it
  for (;;) {
    // Idle: wait for the first byte of the next request.
    if (buffer.size() == 0) {
      if (draining()) break;
      connection.idle = true;
      stream.expires_after(limits_.idle_timeout);
      auto [error, size] = co_await stream.async_read_some(buffer.prepare(kFirstReadBytes), use_nothrow);
      connection.idle = false;
      if (error) break;
      buffer.commit(size);
    }
    connection.idle = false;
    const auto started = std::chrono::steady_clock::now();
    observability::AccessLogRecord record;
    record.remote = remote;

    http::request_parser<http::string_body> parser;
    parser.header_limit(limits_.max_header_bytes);
    parser.body_limit(limits_.max_body_bytes);

    const auto finish_record = [&](const Exchange& exchange) {
      record.request_id = exchange.request_id();
      record.method = std::string(exchange.request().method_string());
      record.path = std::string(path_of(exchange.request().target()));
      if (record.method.empty()) record.method = "-";
      if (record.path.empty()) record.path = "-";
      record.duration_us = static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(
              std::chrono::steady_clock::now() - started)
              .count());
      access_log_->write(record);
      if (observer_) observer_(record);
    };

    // A request the server refuses before dispatch; the connection closes after the answer.
    std::optional<GatewayError> refusal;

    // Head and body deadlines are a ReadDeadline rather than the stream's own expiry, which
    // closes the socket: the caller must still be able to read the 408.
    stream.expires_never();
    deadline.arm(limits_.request_header_timeout);
    auto [head_error, head_size] = co_await http::async_read_header(stream, buffer, parser, use_nothrow);
    (void)head_size;
    if (deadline.disarm()) {
      refusal = GatewayError::request_timeout();
    } else if (head_error) {
      refusal = refusal_for(head_error, limits_);
      if (!refusal) break;
    }

    auto& request = parser.get();
    std::string request_id;
    if (!refusal) {
      const auto inbound_id = request.find("x-request-id");
      if (inbound_id == request.end()) {
        request_id = generate_request_id();
      } else if (is_acceptable_request_id(inbound_id->value())) {
        request_id = std::string(inbound_id->value());
      } else {
        refusal = GatewayError::invalid_request(
            "x-request-id must be 1 to 128 visible ASCII characters", "x-request-id");
      }
    }
    if (request_id.empty()) request_id = generate_request_id();

    if (!refusal) {
      // A caller that waits for permission before sending its body gets it now: the head passed.
      const auto expect = request.find(http::field::expect);
      if (expect != request.end() && boost::beast::iequals(expect->value(), "100-continue")) {
        http::response<http::empty_body> proceed{http::status::continue_, 11};
        stream.expires_after(limits_.request_body_timeout);
        auto [error, size] = co_await http::async_write(stream, proceed, use_nothrow);
        (void)size;
        if (error) break;
      }
      deadline.arm(limits_.request_body_timeout);
      auto [body_error, body_size] = co_await http::async_read(stream, buffer, parser, use_nothrow);
      (void)body_size;
      if (deadline.disarm()) {
        refusal = GatewayError::request_timeout();
      } else if (body_error) {
        refusal = refusal_for(body_error, limits_);
        if (!refusal) break;
      }
    }

    Exchange exchange(stream, request, std::move(request_id), record,
                      request.keep_alive() && !refusal, draining_, limits_.request_body_timeout);
    if (refusal) {
      record.error_code = refusal->code;
      auto answer = handler_->error_response(*refusal, request.target());
      co_await exchange.respond(std::move(answer));
      finish_record(exchange);
      close_quietly = false;
      break;
    }

    record.request_bytes = request.body().size();
    stream.expires_never();  // the handler sets the deadlines of its own work
    bool handler_failed = false;
    try {
      co_await handler_->handle(exchange);
    } catch (const std::exception& error) {
      spdlog::error("request {} failed inside the gateway: {}", exchange.request_id(), error.what());
      handler_failed = true;
    }
    bool written = true;
    if (!exchange.responded()) {
      if (!handler_failed) spdlog::error("request {} got no response", exchange.request_id());
      record.error_code = "internal_error";
      auto answer = handler_->error_response(GatewayError::internal(), request.target());
      written = co_await exchange.respond(std::move(answer));
    }
    finish_record(exchange);
    if (!written || exchange.write_failed() || !exchange.keep_alive()) break;
  }

  if (close_quietly) {
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.socket().close(ignored);
  } else {
    co_await linger_and_close(stream);
  }
}

}  // namespace sluice::server
