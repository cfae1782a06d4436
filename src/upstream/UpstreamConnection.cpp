#include "upstream/UpstreamConnection.h"

#include "upstream/UpstreamErrors.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/read.hpp>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <sys/socket.h>

#include <cerrno>
#include <vector>

namespace sluice::upstream {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// The first read of a response: one go for a typical head.
constexpr std::size_t kFirstReadBytes = 4096;

// A DNS lookup in flight. asio's resolver cannot abandon a lookup (getaddrinfo runs to completion
// on the resolver's thread), so the waiting side races a timer against it and walks away at the
// deadline; the lookup's completion handler keeps this state alive until it runs.
struct PendingLookup {
  explicit PendingLookup(asio::io_context& io) : resolver(io), wakeup(io) {}
  tcp::resolver resolver;
  asio::steady_timer wakeup;
  bool finished = false;
  error_code error;
  tcp::resolver::results_type results;
};

asio::awaitable<Expected<std::vector<tcp::endpoint>>> resolve(asio::io_context& io, const UpstreamUrl& url,
                                                              const Deadline& deadline) {
  if (url.host_is_ip) {
    error_code error;
    const auto address = asio::ip::make_address(url.host, error);
    if (error) co_return transport_failed("resolving", url.peer, error);
    co_return std::vector<tcp::endpoint>{tcp::endpoint(address, url.port)};
  }

  auto lookup = std::make_shared<PendingLookup>(io);
  lookup->wakeup.expires_at(deadline.at);
  lookup->resolver.async_resolve(
      url.host, std::to_string(url.port),
      [lookup](const error_code& error, tcp::resolver::results_type results) {
        lookup->finished = true;
        lookup->error = error;
        lookup->results = std::move(results);
        lookup->wakeup.cancel();
      });
  const auto [wait_error] = co_await lookup->wakeup.async_wait(use_nothrow);
  if (!lookup->finished) {
    lookup->resolver.cancel();
    // The timer was cancelled by someone else than the lookup: the caller gave up.
    if (wait_error == asio::error::operation_aborted) co_return exchange_cancelled(url.peer);
    co_return timed_out("resolving", url.peer, deadline);
  }
  if (lookup->error) co_return transport_failed("resolving", url.peer, lookup->error);
  std::vector<tcp::endpoint> endpoints;
  for (const auto& entry : lookup->results) endpoints.push_back(entry.endpoint());
  co_return endpoints;
}

// Makes the handshake check the certificate against the host we meant to reach: by DNS name
// (wildcards only as a whole left-most label) or, for an IP literal, by IP address SAN. The chain
// itself is checked by the context's verify_peer mode.
bool require_certificate_for(SSL* ssl, const UpstreamUrl& url) {
  X509_VERIFY_PARAM* params = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(params, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (url.host_is_ip) return X509_VERIFY_PARAM_set1_ip_asc(params, url.host.c_str()) == 1;
  // SNI: a server hosting many names picks its certificate by it. Never sent for IP literals
  // (RFC 6066). SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
  if (SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(url.host.c_str())) != 1) {
    return false;
  }
  return X509_VERIFY_PARAM_set1_host(params, url.host.data(), url.host.size()) == 1;
}

}  // namespace

asio::awaitable<Expected<std::unique_ptr<UpstreamConnection>>> UpstreamConnection::open(
    asio::io_context& io, asio::ssl::context& tls_context, const UpstreamUrl& url, const Deadline& deadline) {
  auto endpoints = co_await resolve(io, url, deadline);
  if (!endpoints) co_return endpoints.error();

  beast::tcp_stream tcp_stream(io);
  tcp_stream.expires_at(deadline.at);
  const auto [connect_error, endpoint] = co_await tcp_stream.async_connect(*endpoints, use_nothrow);
  (void)endpoint;
  if (connect_error == beast::error::timeout) co_return timed_out("connecting to", url.peer, deadline);
  if (connect_error == asio::error::operation_aborted) co_return exchange_cancelled(url.peer);
  if (connect_error) co_return transport_failed("connecting to", url.peer, connect_error);
  error_code ignored;
  tcp_stream.socket().set_option(tcp::no_delay(true), ignored);  // requests go out whole; don't wait for ACKs

  if (!url.tls) {
    co_return std::unique_ptr<UpstreamConnection>(new UpstreamConnection(
        std::variant<PlainStream, TlsStream>(std::in_place_type<PlainStream>, std::move(tcp_stream)), url));
  }

  TlsStream tls_stream(std::move(tcp_stream), tls_context);
  if (!require_certificate_for(tls_stream.native_handle(), url)) {
    co_return upstream_transport("setting up TLS for " + url.peer + " failed");
  }
  const auto [handshake_error] = co_await tls_stream.async_handshake(asio::ssl::stream_base::client, use_nothrow);
  if (handshake_error) {
    const long verify_result = SSL_get_verify_result(tls_stream.native_handle());
    if (verify_result != X509_V_OK) {
      co_return tls_verification_failed(url.host, X509_verify_cert_error_string(verify_result));
    }
    if (handshake_error == beast::error::timeout) co_return timed_out("TLS handshake with", url.peer, deadline);
    if (handshake_error == asio::error::operation_aborted) co_return exchange_cancelled(url.peer);
    co_return transport_failed("TLS handshake with", url.peer, handshake_error);
  }
  co_return std::unique_ptr<UpstreamConnection>(new UpstreamConnection(
      std::variant<PlainStream, TlsStream>(std::in_place_type<TlsStream>, std::move(tls_stream)), url));
}

UpstreamConnection::UpstreamConnection(std::variant<PlainStream, TlsStream> stream, const UpstreamUrl& url)
    : stream_(std::move(stream)), origin_(url.origin), peer_(url.peer) {}

UpstreamConnection::~UpstreamConnection() = default;

beast::tcp_stream& UpstreamConnection::tcp() {
  return std::visit([](auto& stream) -> beast::tcp_stream& { return beast::get_lowest_layer(stream); }, stream_);
}

const beast::tcp_stream& UpstreamConnection::tcp() const {
  return std::visit([](const auto& stream) -> const beast::tcp_stream& { return beast::get_lowest_layer(stream); },
                    stream_);
}

void UpstreamConnection::set_deadline(const Deadline& deadline) { tcp().expires_at(deadline.at); }

asio::awaitable<error_code> UpstreamConnection::write(const RequestMessage& request, const Deadline& deadline) {
  set_deadline(deadline);
  // Head and body in one gather write (one sendmsg in plain text; the TLS stream coalesces them
  // into one record where they fit).
  const std::array<asio::const_buffer, 2> wire = {asio::buffer(request.head),
                                                  asio::buffer(request.body.data(), request.body.size())};
  const auto [error, bytes] = co_await std::visit(
      [&](auto& stream) { return asio::async_write(stream, wire, use_nothrow); }, stream_);
  (void)bytes;
  co_return error;
}

asio::awaitable<error_code> UpstreamConnection::read_some_bytes(const Deadline& deadline) {
  set_deadline(deadline);
  const auto [error, bytes] = co_await std::visit(
      [&](auto& stream) { return stream.async_read_some(read_buffer_.prepare(kFirstReadBytes), use_nothrow); },
      stream_);
  read_buffer_.commit(bytes);
  co_return error;
}

asio::awaitable<error_code> UpstreamConnection::read_header(ResponseParser& parser, const Deadline& deadline) {
  set_deadline(deadline);
  const auto [error, bytes] = co_await std::visit(
      [&](auto& stream) { return http::async_read_header(stream, read_buffer_, parser, use_nothrow); }, stream_);
  (void)bytes;
  co_return error;
}

asio::awaitable<error_code> UpstreamConnection::read_body(ResponseParser& parser, const Deadline& deadline) {
  set_deadline(deadline);
  const auto [error, bytes] = co_await std::visit(
      [&](auto& stream) { return http::async_read_some(stream, read_buffer_, parser, use_nothrow); }, stream_);
  (void)bytes;
  co_return error;
}

bool UpstreamConnection::unusable_while_idle() {
  if (!is_open()) return true;
  char probe = 0;
  const auto peeked = ::recv(tcp().socket().native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
  if (peeked < 0) return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
  // 0: the peer closed (orderly). More: bytes nobody asked for, typically a TLS close_notify
  // before the FIN, or garbage; either way the next answer could not be trusted.
  return true;
}

void UpstreamConnection::park() {
  tcp().expires_never();
  parked_at_ = std::chrono::steady_clock::now();
}

void UpstreamConnection::close() { tcp().close(); }

bool UpstreamConnection::is_open() const { return tcp().socket().is_open(); }

}  // namespace sluice::upstream
