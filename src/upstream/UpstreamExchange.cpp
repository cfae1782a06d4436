#include "upstream/UpstreamExchange.h"

#include "upstream/UpstreamConnectionPool.h"
#include "upstream/UpstreamErrors.h"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace sluice::upstream {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

namespace {

// Upstream heads are small, but cloud front ends add a fair number of headers; beast's default
// (8 KiB) is too tight for some.
constexpr std::uint32_t kMaxHeaderBytes = 64 * 1024;

// The peer closed or reset the connection (for TLS: with or without close_notify).
bool is_peer_closed(const error_code& error) {
  return error == asio::error::eof || error == asio::error::connection_reset ||
         error == asio::error::connection_aborted || error == asio::error::broken_pipe ||
         error == asio::error::not_connected || error == asio::ssl::error::stream_truncated ||
         error == http::error::end_of_stream || error == http::error::partial_message;
}

bool is_http_syntax_error(const error_code& error) {
  return error.category() == make_error_code(http::error::bad_version).category();
}

}  // namespace

UpstreamExchange::UpstreamExchange(std::unique_ptr<UpstreamConnection> connection,
                                   std::weak_ptr<UpstreamConnectionPool> pool, const ExchangeDeadlines& deadlines,
                                   bool head_request)
    : connection_(std::move(connection)),
      pool_(std::move(pool)),
      deadlines_(deadlines),
      head_request_(head_request),
      peer_(connection_->peer()) {}

UpstreamExchange::~UpstreamExchange() {
  // A body read to its last byte whose end the caller did not ask for: the connection is clean.
  if (body_state_ == BodyState::kReading && connection_ && parser_ && parser_->is_done()) complete_body();
  // Otherwise connection_ (if still here) is destroyed, which closes it.
}

asio::awaitable<UpstreamExchange::HeadOutcome> UpstreamExchange::send_request(const RequestMessage& request) {
  if (const auto error = co_await connection_->write(request, deadlines_.first_byte)) {
    co_return failed_before_answer(error, "sending the request to");
  }
  if (const auto error = co_await connection_->read_some_bytes(deadlines_.first_byte)) {
    co_return failed_before_answer(error, "waiting for the response from");
  }
  // Part of an answer has arrived: from here on the request is never sent again.
  for (;;) {
    parser_.emplace();
    parser_->header_limit(kMaxHeaderBytes);
    parser_->body_limit(boost::none);  // the reader decides how much it keeps (read_all's limit)
    if (head_request_) parser_->skip(true);
    if (const auto error = co_await connection_->read_header(*parser_, deadlines_.total)) {
      connection_->close();
      body_state_ = BodyState::kFailed;
      co_return HeadOutcome{read_failure(error, "reading the response head from"), false};
    }
    const unsigned status = parser_->get().result_int();
    // 100 Continue, 103 Early Hints...: interim answers precede the real one.
    if (status >= 100 && status < 200 && status != 101) continue;
    co_return HeadOutcome{};
  }
}

UpstreamExchange::HeadOutcome UpstreamExchange::failed_before_answer(const error_code& error, std::string_view doing) {
  connection_->close();
  body_state_ = BodyState::kFailed;
  if (error == beast::error::timeout) return HeadOutcome{timed_out(doing, peer_, deadlines_.first_byte), false};
  if (error == asio::error::operation_aborted) return HeadOutcome{exchange_cancelled(peer_), false};
  if (is_peer_closed(error)) {
    return HeadOutcome{upstream_transport(peer_ + " closed the connection without answering"), true};
  }
  return HeadOutcome{transport_failed(doing, peer_, error), false};
}

GatewayError UpstreamExchange::read_failure(const error_code& error, std::string_view doing) const {
  if (error == beast::error::timeout) return timed_out(doing, peer_, deadlines_.total);
  if (error == asio::error::operation_aborted || body_state_ == BodyState::kAborted) {
    return exchange_cancelled(peer_);
  }
  if (is_peer_closed(error)) return response_incomplete(peer_);
  if (is_http_syntax_error(error)) return response_malformed(peer_, error);
  return transport_failed(doing, peer_, error);
}

unsigned UpstreamExchange::status() const { return parser_->get().result_int(); }

const http::fields& UpstreamExchange::headers() const { return parser_->get().base(); }

std::optional<std::uint64_t> UpstreamExchange::content_length() const {
  const auto length = parser_->content_length();
  return length ? std::optional<std::uint64_t>(*length) : std::nullopt;
}

asio::awaitable<Expected<std::string_view>> UpstreamExchange::read_body_piece() {
  switch (body_state_) {
    case BodyState::kComplete:
      co_return std::string_view();
    case BodyState::kAborted:
      co_return exchange_cancelled(peer_);
    case BodyState::kFailed:
      co_return failure_.value_or(upstream_transport("the response from " + peer_ + " cannot be read"));
    case BodyState::kReading:
      break;
  }
  while (!parser_->is_done()) {
    const std::span<char> piece = connection_->piece_buffer();
    auto& body = parser_->get().body();
    body.data = piece.data();
    body.size = piece.size();
    auto error = co_await connection_->read_body(*parser_, deadlines_.total);
    if (error == http::error::need_buffer) error = {};  // the piece buffer is full: hand it over
    if (error) {
      if (body_state_ == BodyState::kAborted) co_return exchange_cancelled(peer_);
      connection_->close();
      body_state_ = BodyState::kFailed;
      failure_ = read_failure(error, "reading the response body from");
      co_return *failure_;
    }
    const std::size_t produced = piece.size() - body.size;
    if (produced != 0) co_return std::string_view(piece.data(), produced);
    // Only framing was decoded (a chunk header, say): read on.
  }
  complete_body();
  co_return std::string_view();
}

void UpstreamExchange::abort() {
  if (body_state_ == BodyState::kComplete) return;
  body_state_ = BodyState::kAborted;
  if (connection_) connection_->close();
}

void UpstreamExchange::complete_body() {
  body_state_ = BodyState::kComplete;
  const auto pool = pool_.lock();
  const bool reusable =
      pool && parser_->keep_alive() && connection_->is_open() && !connection_->has_unparsed_bytes();
  if (reusable) {
    pool->give_back(std::move(connection_));
  } else {
    connection_.reset();
  }
}

}  // namespace sluice::upstream
