#include "server/Exchange.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>

#include <array>
#include <charconv>
#include <iterator>

namespace sluice::server {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// The status line, the header lines and the blank line that ends them, as text. Written by hand
// rather than by beast's serializer, which walks a chain of small buffers with a variant visit per
// step and cost about a tenth of a proxied request's CPU (bench/README.md, "Fourth look"). The
// head then goes out with the body in one gather write.
void append_response_head(const http::response_header<>& head, std::string& out) {
  char status[8];
  const auto [status_end, status_error] = std::to_chars(std::begin(status), std::end(status), head.result_int());
  (void)status_error;  // a status code has three digits
  out.append("HTTP/1.1 ").append(status, status_end).append(" ");
  out.append(head.reason()).append("\r\n");
  for (const auto& field : head) {
    out.append(field.name_string()).append(": ").append(field.value()).append("\r\n");
  }
  out.append("\r\n");
}

}  // namespace

Exchange::Exchange(boost::beast::tcp_stream& stream, Request& request, std::string request_id,
                   observability::AccessLogRecord& record, bool caller_keep_alive,
                   const std::atomic<bool>& server_draining,
                   std::chrono::milliseconds write_timeout)
    : stream_(stream),
      request_(request),
      request_id_(std::move(request_id)),
      record_(record),
      caller_keep_alive_(caller_keep_alive),
      server_draining_(server_draining),
      write_timeout_(write_timeout) {}

void Exchange::set_response_header(std::string name, std::string value) {
  for (auto& header : extra_headers_) {
    if (header.first == name) {
      header.second = std::move(value);
      return;
    }
  }
  extra_headers_.emplace_back(std::move(name), std::move(value));
}

boost::asio::awaitable<bool> Exchange::respond(Response response) {
  responded_ = true;
  response.version(11);
  for (const auto& [name, value] : extra_headers_) response.set(name, value);
  response.set("x-request-id", request_id_);
  response.keep_alive(keep_alive());
  response.prepare_payload();
  record_.status = response.result_int();
  record_.response_bytes = response.body().size();
  std::string head;
  head.reserve(256);
  append_response_head(response.base(), head);
  const std::array<asio::const_buffer, 2> wire = {asio::buffer(head), asio::buffer(response.body())};
  stream_.expires_after(write_timeout_);
  auto [error, written] = co_await asio::async_write(stream_, wire, use_nothrow);
  (void)written;
  write_failed_ = static_cast<bool>(error);
  co_return !write_failed_;
}

boost::asio::awaitable<bool> Exchange::begin_stream(const Response& head) {
  responded_ = true;
  streaming_ = true;
  http::response<http::empty_body> streamed{head.result(), 11};
  for (const auto& field : head) streamed.set(field.name_string(), field.value());
  for (const auto& [name, value] : extra_headers_) streamed.set(name, value);
  streamed.set("x-request-id", request_id_);
  streamed.keep_alive(keep_alive());
  streamed.chunked(true);
  record_.status = streamed.result_int();
  std::string wire;
  append_response_head(streamed.base(), wire);
  stream_.expires_after(write_timeout_);
  auto [error, written] = co_await asio::async_write(stream_, asio::buffer(wire), use_nothrow);
  (void)written;
  write_failed_ = static_cast<bool>(error);
  co_return !write_failed_;
}

boost::asio::awaitable<bool> Exchange::write_chunk(std::string_view data) {
  if (write_failed_) co_return false;
  if (data.empty()) co_return true;  // an empty chunk would end the body
  // One chunk: its size in hex, CRLF, the data, CRLF (RFC 9112 section 7.1).
  char size_line[20];
  auto [size_end, size_error] = std::to_chars(std::begin(size_line), std::end(size_line) - 2, data.size(), 16);
  (void)size_error;  // 16 hex digits hold any size_t
  *size_end++ = '\r';
  *size_end++ = '\n';
  const std::array<asio::const_buffer, 3> wire = {
      asio::buffer(size_line, static_cast<std::size_t>(size_end - size_line)), asio::buffer(data.data(), data.size()),
      asio::buffer("\r\n", 2)};
  stream_.expires_after(write_timeout_);
  auto [error, written] = co_await asio::async_write(stream_, wire, use_nothrow);
  (void)written;
  record_.response_bytes += data.size();
  write_failed_ = static_cast<bool>(error);
  co_return !write_failed_;
}

boost::asio::awaitable<bool> Exchange::end_stream() {
  if (write_failed_) co_return false;
  stream_.expires_after(write_timeout_);
  // The last chunk (size 0) and the empty trailer section.
  auto [error, written] = co_await asio::async_write(stream_, asio::buffer("0\r\n\r\n", 5), use_nothrow);
  (void)written;
  write_failed_ = static_cast<bool>(error);
  co_return !write_failed_;
}

}  // namespace sluice::server
