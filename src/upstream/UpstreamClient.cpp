#include "upstream/UpstreamClient.h"

#include "core/TlsClientContext.h"
#include "upstream/UpstreamConnection.h"
#include "upstream/UpstreamConnectionPool.h"
#include "upstream/UpstreamExchange.h"
#include "upstream/UpstreamRequestMessage.h"
#include "upstream/UpstreamUrl.h"

#include <boost/asio/ssl/context.hpp>
#include <openssl/ssl.h>

namespace sluice::upstream {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

std::unique_ptr<asio::ssl::context> make_tls_context(const UpstreamClientOptions& options) {
  return make_verifying_tls_client_context(options.ca_file);
}

asio::awaitable<Expected<std::unique_ptr<UpstreamConnection>>> open_connection(
    asio::io_context& io, asio::ssl::context& tls_context, UpstreamConnectionPool& pool, const UpstreamUrl& url,
    const Deadline& deadline) {
  auto connection = co_await UpstreamConnection::open(io, tls_context, url, deadline);
  if (connection) pool.count_opened();
  co_return std::move(connection);
}

}  // namespace

UpstreamClient::UpstreamClient(asio::io_context& io, Options options)
    : io_(io),
      tls_context_(make_tls_context(options)),
      pool_(std::make_shared<UpstreamConnectionPool>(io.get_executor(), options.max_idle_per_origin,
                                                    options.idle_timeout)) {}

UpstreamClient::~UpstreamClient() = default;

asio::awaitable<Expected<UpstreamResponse>> UpstreamClient::send(const UpstreamRequest& request,
                                                                 UpstreamDeadlines deadlines) {
  const auto exchange_deadlines = ExchangeDeadlines::starting_now(deadlines);
  const auto parsed = parsed_url(request.url);
  if (!parsed) co_return parsed.error();
  const std::shared_ptr<const UpstreamUrl> url = *parsed;
  const auto message = build_request_message(request, *url);
  if (!message) co_return message.error();
  const bool head_request = request.method == http::verb::head;

  std::unique_ptr<UpstreamConnection> connection = pool_->take(url->origin);
  const bool pooled = connection != nullptr;
  if (!connection) {
    auto opened = co_await open_connection(io_, *tls_context_, *pool_, *url, exchange_deadlines.connect);
    if (!opened) co_return opened.error();
    connection = std::move(*opened);
  }
  auto exchange = std::make_unique<UpstreamExchange>(std::move(connection), pool_, exchange_deadlines, head_request);
  auto outcome = co_await exchange->send_request(*message);

  if (outcome.error && outcome.peer_closed_before_answering && pooled) {
    // The pooled connection was closed by the upstream while idle (its keep-alive timeout raced
    // our request), and not one byte of an answer came back. Sent once more on a fresh connection;
    // any other failure is final, because the upstream may have acted on the request.
    exchange.reset();
    auto opened = co_await open_connection(io_, *tls_context_, *pool_, *url, exchange_deadlines.connect);
    if (!opened) co_return opened.error();
    exchange = std::make_unique<UpstreamExchange>(std::move(*opened), pool_, exchange_deadlines, head_request);
    outcome = co_await exchange->send_request(*message);
  }
  if (outcome.error) co_return std::move(*outcome.error);
  co_return UpstreamResponse(std::move(exchange));
}

Expected<std::shared_ptr<const UpstreamUrl>> UpstreamClient::parsed_url(const std::string& url) {
  if (const auto found = parsed_urls_.find(url); found != parsed_urls_.end()) return found->second;
  auto parsed = UpstreamUrl::parse(url);
  if (!parsed) return parsed.error();
  if (parsed_urls_.size() >= kMaxParsedUrls) parsed_urls_.clear();
  auto shared = std::make_shared<const UpstreamUrl>(std::move(*parsed));
  parsed_urls_.emplace(url, shared);
  return shared;
}

std::uint64_t UpstreamClient::connections_opened() const { return pool_->opened(); }

std::uint64_t UpstreamClient::connections_reused() const { return pool_->reused(); }

std::size_t UpstreamClient::idle_connections(const std::string& origin) const {
  return pool_->idle_connections(origin);
}

}  // namespace sluice::upstream
