#include "upstream/UpstreamResponse.h"

#include "upstream/UpstreamErrors.h"
#include "upstream/UpstreamExchange.h"

namespace sluice::upstream {

namespace asio = boost::asio;

UpstreamResponse::UpstreamResponse(std::unique_ptr<UpstreamExchange> exchange) : exchange_(std::move(exchange)) {}
UpstreamResponse::UpstreamResponse(UpstreamResponse&&) noexcept = default;
UpstreamResponse& UpstreamResponse::operator=(UpstreamResponse&&) noexcept = default;
UpstreamResponse::~UpstreamResponse() = default;

unsigned UpstreamResponse::status() const { return exchange_->status(); }

const boost::beast::http::fields& UpstreamResponse::headers() const { return exchange_->headers(); }

asio::awaitable<Expected<std::string_view>> UpstreamResponse::read_some() {
  return exchange_->read_body_piece();
}

asio::awaitable<Expected<std::string>> UpstreamResponse::read_all(std::size_t max_bytes) {
  std::string body;
  if (const auto length = exchange_->content_length()) {
    // Refused before reading a byte of it; otherwise the exact size is known up front.
    if (*length > max_bytes) {
      exchange_->abort();
      co_return response_too_large(exchange_->peer(), max_bytes);
    }
    body.reserve(static_cast<std::size_t>(*length));
  }
  for (;;) {
    auto piece = co_await exchange_->read_body_piece();
    if (!piece) co_return piece.error();
    if (piece->empty()) co_return body;
    if (piece->size() > max_bytes - body.size()) {
      exchange_->abort();
      co_return response_too_large(exchange_->peer(), max_bytes);
    }
    body.append(*piece);
  }
}

void UpstreamResponse::abort() {
  if (exchange_) exchange_->abort();
}

}  // namespace sluice::upstream
