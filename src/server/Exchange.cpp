#include "server/Exchange.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
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

boost::asio::awaitable<bool> Exchange::respond(Response response) {
  responded_ = true;
  response.version(11);
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

}  // namespace sluice::server
