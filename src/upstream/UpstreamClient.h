// UpstreamClient: sends UpstreamRequests to providers over HTTP/1.1 and returns their answers.
//
// http:// URLs go over plain TCP (local models on any host); https:// over TLS 1.2 or newer, with
// the certificate chain checked against the system trust store (which honours SSL_CERT_FILE and
// SSL_CERT_DIR) and the certificate checked against the URL's host; SNI is sent. DNS lookups run on
// asio's resolver thread, never on the I/O thread. Keep-alive connections are pooled per origin
// (scheme, host, port), at most `max_idle_per_origin` idle ones each, for at most `idle_timeout`.
// A request sent on a pooled connection that the upstream had already closed (the write fails, or
// the connection ends before one byte of an answer) is sent once more on a fresh connection; no
// other request is ever repeated.
//
// Deadlines (UpstreamDeadlines) bound connecting, the first byte of the answer and the whole
// exchange including the body; expiry is 504 `upstream_timeout`. DNS, connect, TLS, reset and
// malformed-answer failures are 502 `upstream_transport`. Messages never carry URLs, headers or
// bodies.
//
// Threading: one client per io_context / I/O thread, used only from coroutines running on that
// thread. The pool and the counters are deliberately unsynchronised — nothing on the request path
// takes a lock — so a client must never be shared between threads. The TLS context is built once
// per client (loading the trust store is far too slow to do per request).
//
//   auto response = co_await client.send(request, UpstreamDeadlines::for_total(provider.total_timeout));
//   if (!response) co_return response.error();             // 502 / 504, ready to render
//   for (;;) {
//     auto piece = co_await response->read_some();        // as soon as bytes arrive
//     if (!piece) co_return piece.error();
//     if (piece->empty()) break;                           // end of body: connection pooled
//     decoder.feed(*piece);
//   }
#pragma once

#include "core/Expected.h"
#include "upstream/UpstreamDeadlines.h"
#include "upstream/UpstreamRequest.h"
#include "upstream/UpstreamResponse.h"
#include "upstream/UpstreamUrl.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace boost::asio::ssl {
class context;
}

namespace sluice::upstream {

class UpstreamConnectionPool;

struct UpstreamClientOptions {
  // Per origin and I/O thread. As many as a burst of concurrent requests opened, so that the next
  // burst reuses them: with 64, 1,000 concurrent callers of a 20 ms upstream reconnected for most
  // requests and got 25% less throughput (bench/README.md, "Fourth look").
  std::size_t max_idle_per_origin = 1024;
  // A PEM file of CA certificates trusted in addition to the system store: private CAs, and tests.
  std::optional<std::string> ca_file;
  // Idle connections older than this are closed, when next looked at or by the pool's sweep
  // timer, whichever comes first (nginx's keepalive_timeout default; providers' own idle timeouts
  // are about as long).
  std::chrono::steady_clock::duration idle_timeout = std::chrono::seconds(60);
};

class UpstreamClient {
 public:
  using Options = UpstreamClientOptions;

  // Throws boost::system::system_error when the TLS context or `ca_file` cannot be loaded.
  explicit UpstreamClient(boost::asio::io_context& io, Options options = {});
  UpstreamClient(const UpstreamClient&) = delete;
  UpstreamClient& operator=(const UpstreamClient&) = delete;
  ~UpstreamClient();

  // Sends `request` and returns once the response head has arrived (any status: a 4xx or 5xx from
  // the upstream is a response, not an error). `request` and the client must stay alive until this
  // completes; the response may outlive the client.
  boost::asio::awaitable<Expected<UpstreamResponse>> send(const UpstreamRequest& request,
                                                           UpstreamDeadlines deadlines);

  // Connections opened by this client, and requests sent on a pooled connection instead.
  std::uint64_t connections_opened() const;
  std::uint64_t connections_reused() const;
  // Idle pooled connections to `origin` ("https://host:port").
  std::size_t idle_connections(const std::string& origin) const;

 private:
  // Beyond this many distinct URLs the parsed-URL cache starts over (a config's routes name a few).
  static constexpr std::size_t kMaxParsedUrls = 1024;

  // `url` parsed, from the cache when this client has seen it before: a route sends to the same
  // few URLs over and over, and parsing one costs more than the lookup. Shared, so a request
  // keeps its URL across suspensions even if the cache starts over meanwhile.
  Expected<std::shared_ptr<const UpstreamUrl>> parsed_url(const std::string& url);

  boost::asio::io_context& io_;
  std::unique_ptr<boost::asio::ssl::context> tls_context_;
  std::shared_ptr<UpstreamConnectionPool> pool_;  // shared weakly with responses still reading
  std::unordered_map<std::string, std::shared_ptr<const UpstreamUrl>> parsed_urls_;
};

}  // namespace sluice::upstream
