// UpstreamConnection: one open HTTP/1.1 connection to one upstream origin, plain or TLS.
//
// It is the transport under an exchange: open() resolves the host (asio's resolver, which runs
// getaddrinfo on a background thread so the I/O thread never blocks), connects, and for https does
// the TLS handshake with the certificate chain and the host name verified. The read/write
// functions are the few operations an exchange needs, each bounded by a Deadline. The connection
// keeps its read buffers, so a pooled connection serves request after request without allocating
// new ones.
//
// Internal to upstream/: callers use UpstreamClient and UpstreamResponse.
#pragma once

#include "core/Expected.h"
#include "upstream/UpstreamDeadlines.h"
#include "upstream/UpstreamRequestMessage.h"
#include "upstream/UpstreamUrl.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <variant>

namespace sluice::upstream {

// The response body is decoded (chunked or not) into buffers the reader supplies, piece by piece.
using ResponseParser = boost::beast::http::response_parser<boost::beast::http::buffer_body>;

class UpstreamConnection {
 public:
  // Size of the buffer body pieces are decoded into. One read from the socket brings at most what
  // the read buffer holds (4 KiB unless a large head grew it), so a larger piece would sit mostly
  // unused, in every open stream (bench/README.md, "Fifth look").
  static constexpr std::size_t kPieceBytes = 4 * 1024;

  // Resolves, connects and (for https) handshakes, all by `deadline`. `tls_context` must outlive
  // the connection; it is only used for https.
  static boost::asio::awaitable<Expected<std::unique_ptr<UpstreamConnection>>> open(
      boost::asio::io_context& io, boost::asio::ssl::context& tls_context, const UpstreamUrl& url,
      const Deadline& deadline);

  UpstreamConnection(const UpstreamConnection&) = delete;
  UpstreamConnection& operator=(const UpstreamConnection&) = delete;
  ~UpstreamConnection();

  const std::string& origin() const { return origin_; }
  const std::string& peer() const { return peer_; }

  // Writes the whole request.
  boost::asio::awaitable<boost::system::error_code> write(const RequestMessage& request, const Deadline& deadline);
  // Reads whatever bytes arrive first into the read buffer: tells "the peer answered" apart from
  // "the peer had closed", before any parsing.
  boost::asio::awaitable<boost::system::error_code> read_some_bytes(const Deadline& deadline);
  // Reads until the parser has the whole response head.
  boost::asio::awaitable<boost::system::error_code> read_header(ResponseParser& parser, const Deadline& deadline);
  // Reads (at most once from the socket) and decodes body bytes into the parser's buffer_body.
  // http::error::need_buffer means the supplied buffer is full, not a failure.
  boost::asio::awaitable<boost::system::error_code> read_body(ResponseParser& parser, const Deadline& deadline);

  // The buffer body pieces are decoded into; valid until the next read_body().
  std::span<char> piece_buffer() { return piece_buffer_; }
  // Bytes read but not parsed: after a complete response there must be none to reuse the
  // connection (anything else is a protocol violation by the peer).
  bool has_unparsed_bytes() const { return read_buffer_.size() != 0; }

  // True when an idle connection can no longer carry a request: the peer closed or reset it, or
  // sent bytes nobody asked for. A non-blocking peek, so checking costs one system call.
  bool unusable_while_idle();
  // Drops the deadline before the connection waits in the pool, and notes when it began to wait.
  void park();
  std::chrono::steady_clock::time_point parked_at() const { return parked_at_; }
  // Closes the socket at once; pending operations complete with operation_aborted. Idempotent.
  void close();
  bool is_open() const;

 private:
  using PlainStream = boost::beast::tcp_stream;
  using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  UpstreamConnection(std::variant<PlainStream, TlsStream> stream, const UpstreamUrl& url);

  boost::beast::tcp_stream& tcp();
  const boost::beast::tcp_stream& tcp() const;
  void set_deadline(const Deadline& deadline);

  std::variant<PlainStream, TlsStream> stream_;
  std::string origin_;
  std::string peer_;
  boost::beast::flat_buffer read_buffer_;
  std::array<char, kPieceBytes> piece_buffer_;
  std::chrono::steady_clock::time_point parked_at_{};
};

}  // namespace sluice::upstream
