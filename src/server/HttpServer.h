// HttpServer: accepts callers' HTTP/1.1 connections and runs each one as a coroutine.
//
// Threading: one io_context per I/O thread, each with its own acceptor on the same port
// (SO_REUSEPORT lets the kernel spread connections), so a connection lives on one thread for its
// whole life and nothing on the request path takes a lock. A connection's life reads top to bottom
// in HttpServer::serve_connection: wait for a request (idle timeout), read its head (size limit,
// head timeout), refuse an oversized body before reading it, read the body, hand the request to the
// RequestHandler, write the access-log line, repeat while keep-alive holds.
//
// Draining (SIGTERM): acceptors close, idle keep-alive connections close, requests already being
// received or answered run to completion and are answered with `Connection: close`.
#pragma once

#include "config/GatewayConfig.h"
#include "observability/AccessLog.h"
#include "server/RequestHandler.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace sluice::server {

struct ServerLimits {
  std::uint64_t max_body_bytes;
  std::uint32_t max_header_bytes;
  std::chrono::milliseconds request_header_timeout;
  std::chrono::milliseconds request_body_timeout;
  std::chrono::milliseconds idle_timeout;

  static ServerLimits from_config(const config::ServerConfig& server);
};

class HttpServer {
 public:
  HttpServer(ServerLimits limits, std::shared_ptr<RequestHandler> handler,
             std::shared_ptr<observability::AccessLog> access_log);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Runs on each I/O thread before it serves anything: per-thread state that costs disk or CPU to
  // build (an upstream client's trust store) is made here, never on a request.
  using ThreadPreparation = std::function<void(boost::asio::io_context&)>;

  // Binds `io_threads` acceptors to host:port and starts the threads. Port 0 picks a free port
  // (the same one for every acceptor). Throws std::system_error when the address cannot be bound.
  void start(const std::string& host, std::uint16_t port, unsigned io_threads,
             ThreadPreparation prepare_thread = {});
  std::uint16_t port() const { return port_; }

  // Stop accepting and close idle connections; in-flight requests finish. Thread-safe.
  void begin_drain();
  bool draining() const { return draining_.load(std::memory_order_relaxed); }

  // Blocks until every connection has closed or the deadline passes; true when all closed.
  bool wait_until_drained(std::chrono::milliseconds deadline);

  // Stops every io_context and joins the threads. Open connections are dropped.
  void stop();

  std::size_t open_connections() const { return open_connections_.load(); }

  // Called with every request's finished access-log record, on the I/O thread that served it
  // (metrics count from the same records the access log writes). Set before start().
  using RequestObserver = std::function<void(const observability::AccessLogRecord&)>;
  void set_request_observer(RequestObserver observer) { observer_ = std::move(observer); }

 private:
  struct Connection;
  struct Worker;

  boost::asio::awaitable<void> accept_loop(Worker& worker);
  boost::asio::awaitable<void> serve_connection(Worker& worker,
                                                boost::asio::ip::tcp::socket socket);
  void connection_closed();

  ServerLimits limits_;
  std::shared_ptr<RequestHandler> handler_;
  std::shared_ptr<observability::AccessLog> access_log_;
  RequestObserver observer_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::uint16_t port_ = 0;
  std::atomic<bool> draining_{false};
  std::atomic<std::size_t> open_connections_{0};
  std::mutex drained_mutex_;
  std::condition_variable drained_;
};

}  // namespace sluice::server
