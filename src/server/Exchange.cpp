#include "server/Exchange.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

namespace sluice::server {

namespace http = boost::beast::http;

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
  stream_.expires_after(write_timeout_);
  auto [error, written] = co_await http::async_write(
      stream_, response, boost::asio::as_tuple(boost::asio::use_awaitable));
  (void)written;
  write_failed_ = static_cast<bool>(error);
  co_return !write_failed_;
}

namespace {
constexpr auto use_nothrow = boost::asio::as_tuple(boost::asio::use_awaitable);
}  // namespace

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
  http::response_serializer<http::empty_body> serializer{streamed};
  stream_.expires_after(write_timeout_);
  auto [error, written] = co_await http::async_write_header(stream_, serializer, use_nothrow);
  (void)written;
  write_failed_ = static_cast<bool>(error);
  co_return !write_failed_;
}

boost::asio::awaitable<bool> Exchange::write_chunk(std::string_view data) {
  if (write_failed_) co_return false;
  if (data.empty()) co_return true;  // an empty chunk would end the body
  stream_.expires_after(write_timeout_);
  auto [error, written] = co_await boost::asio::async_write(
      stream_, http::make_chunk(boost::asio::buffer(data.data(), data.size())), use_nothrow);
  (void)written;
  record_.response_bytes += data.size();
  write_failed_ = static_cast<bool>(error);
  co_return !write_failed_;
}

boost::asio::awaitable<bool> Exchange::end_stream() {
  if (write_failed_) co_return false;
  stream_.expires_after(write_timeout_);
  auto [error, written] = co_await boost::asio::async_write(stream_, http::make_chunk_last(), use_nothrow);
  (void)written;
  write_failed_ = static_cast<bool>(error);
  co_return !write_failed_;
}

}  // namespace sluice::server
