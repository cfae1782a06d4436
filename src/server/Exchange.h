// Exchange: one request and the means to answer it, as the handler sees it.
//
// The server fills in the request, its id and the access-log record; the handler reads the request,
// adds what it learns to the record (model, key name, error code) and answers through respond().
// respond() adds the headers every answer carries (x-request-id, Connection, Content-Length).
#pragma once

#include "observability/AccessLog.h"
#include "server/RequestHandler.h"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace sluice::server {

// The path part of a request target: the query string is neither routed on nor logged (it may
// carry values callers did not mean to be logged).
inline std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

class Exchange {
 public:
  Exchange(boost::beast::tcp_stream& stream, Request& request, std::string request_id,
           observability::AccessLogRecord& record, bool caller_keep_alive,
           const std::atomic<bool>& server_draining, std::chrono::milliseconds write_timeout);

  const Request& request() const { return request_; }
  const std::string& request_id() const { return request_id_; }
  observability::AccessLogRecord& log() { return record_; }

  // A header every answer of this exchange carries from now on (respond() and begin_stream() add
  // it); setting a name again replaces its value. Set before answering.
  void set_response_header(std::string name, std::string value);

  // Sends the whole response. Returns false when the caller went away before it was written.
  boost::asio::awaitable<bool> respond(Response response);

  // A streamed answer: the head (status and headers of `head`; its body is ignored) goes out at
  // once with chunked transfer-encoding, then each write_chunk() is sent as soon as it is called,
  // then end_stream() closes the body. Each returns false when the caller went away.
  boost::asio::awaitable<bool> begin_stream(const Response& head);
  boost::asio::awaitable<bool> write_chunk(std::string_view data);
  boost::asio::awaitable<bool> end_stream();
  bool streaming() const { return streaming_; }

  // The caller's connection, for a CallerWatch (which notices the caller leaving).
  boost::asio::ip::tcp::socket& caller_socket() { return stream_.socket(); }

  bool responded() const { return responded_; }
  // The caller went away while the answer was being written.
  bool write_failed() const { return write_failed_; }
  // The server is shutting down: readiness probes answer not-ready.
  bool server_draining() const { return server_draining_.load(); }
  // The connection stays open after this exchange: the caller asked for it and the server is not
  // draining.
  bool keep_alive() const { return caller_keep_alive_ && !server_draining_.load(); }

 private:
  boost::beast::tcp_stream& stream_;
  Request& request_;
  std::string request_id_;
  observability::AccessLogRecord& record_;
  bool caller_keep_alive_;
  const std::atomic<bool>& server_draining_;
  std::chrono::milliseconds write_timeout_;
  bool responded_ = false;
  bool write_failed_ = false;
  bool streaming_ = false;
  std::vector<std::pair<std::string, std::string>> extra_headers_;
};

}  // namespace sluice::server
