// UpstreamExchange: one request and its response on one connection, from the first byte written
// to the last byte of the body read.
//
// send_request() writes the request and reads the response head (skipping interim 1xx answers).
// read_body_piece() then decodes the body one piece at a time, reading from the socket only when
// asked, so a slow consumer slows the upstream down instead of filling memory. Once the body is
// complete the connection goes back to the pool — if the response was keep-alive and nothing
// unexpected followed it; in every other case (abort, failure, destruction part way) the
// connection is closed. The exchange holds the pool weakly: a client destroyed first just means
// the connection is closed instead of pooled.
//
// Internal to upstream/: UpstreamResponse is the public face of an exchange.
#pragma once

#include "core/Expected.h"
#include "upstream/UpstreamConnection.h"
#include "upstream/UpstreamDeadlines.h"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/fields.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

namespace sluice::upstream {

class UpstreamConnectionPool;

class UpstreamExchange {
 public:
  struct HeadOutcome {
    std::optional<GatewayError> error;  // empty: the head arrived
    // The connection turned out closed by the peer before one byte of an answer arrived: the
    // request may go out again on a fresh connection (once, and only if this one was pooled).
    bool peer_closed_before_answering = false;
  };

  UpstreamExchange(std::unique_ptr<UpstreamConnection> connection, std::weak_ptr<UpstreamConnectionPool> pool,
                   const ExchangeDeadlines& deadlines, bool head_request);
  UpstreamExchange(const UpstreamExchange&) = delete;
  UpstreamExchange& operator=(const UpstreamExchange&) = delete;
  ~UpstreamExchange();

  // Writes the request and reads the response head, bounded by the first-byte deadline until the
  // first byte arrives, then by the total deadline.
  boost::asio::awaitable<HeadOutcome> send_request(const RequestMessage& request);

  // The response head; only valid after send_request() succeeded.
  unsigned status() const;
  const boost::beast::http::fields& headers() const;
  std::optional<std::uint64_t> content_length() const;
  const std::string& peer() const { return peer_; }

  // The next piece of the body, valid until the next call; empty at the end of the body.
  boost::asio::awaitable<Expected<std::string_view>> read_body_piece();

  // Closes the connection now; a read in progress completes with an error. No-op once complete.
  void abort();

 private:
  enum class BodyState { kReading, kComplete, kAborted, kFailed };

  HeadOutcome failed_before_answer(const boost::system::error_code& error, std::string_view doing);
  GatewayError read_failure(const boost::system::error_code& error, std::string_view doing) const;
  void complete_body();

  std::unique_ptr<UpstreamConnection> connection_;  // null once returned to the pool
  std::weak_ptr<UpstreamConnectionPool> pool_;
  ExchangeDeadlines deadlines_;
  bool head_request_;
  std::string peer_;
  std::optional<ResponseParser> parser_;
  BodyState body_state_ = BodyState::kReading;
  std::optional<GatewayError> failure_;  // why reading stopped, repeated to later reads
};

}  // namespace sluice::upstream
