#include "api/GenerationEndpoint.h"

#include "api/ErrorBody.h"
#include "auth/UpstreamAuthenticator.h"
#include "providers/ProviderRequest.h"
#include "routing/CapabilityGate.h"
#include "routing/RouteSelection.h"
#include "streams/ChatStreamNormalizer.h"
#include "streams/ResponsesStreamNormalizer.h"
#include "streams/SseParser.h"
#include "streams/TokenUsage.h"
#include "upstream/UpstreamClient.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json/parse.hpp>
#include <fmt/format.h>

namespace sluice::api {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using asio::awaitable;
using namespace asio::experimental::awaitable_operators;

namespace {

// Whole (non-streamed) upstream answers larger than this are refused rather than buffered.
constexpr std::size_t kMaxWholeBodyBytes = 64u * 1024u * 1024u;
// An upstream error body is read up to this size for its message.
constexpr std::size_t kMaxErrorBodyBytes = 64u * 1024u;

// One upstream client (and so one set of connection pools) per I/O thread: a connection is used
// only by the thread that opened it, and no pool needs a lock.
upstream::UpstreamClient& upstream_client_for(asio::io_context& io) {
  thread_local std::unique_ptr<upstream::UpstreamClient> client;
  thread_local asio::io_context* client_io = nullptr;
  if (!client || client_io != &io) {
    client = std::make_unique<upstream::UpstreamClient>(io);
    client_io = &io;
  }
  return *client;
}

void record_usage(observability::AccessLogRecord& record, const streams::TokenUsage& usage) {
  if (!usage.present) return;
  record.usage_present = true;
  record.input_tokens = usage.input;
  record.output_tokens = usage.output;
  record.cached_input_tokens = usage.cached_input;
  record.reasoning_tokens = usage.reasoning;
}

// The caller-facing error for an upstream's non-2xx answer: the upstream status passes through,
// with the upstream's own message where it gave one.
GatewayError upstream_http_error(unsigned status, const std::string& provider_id,
                                 const Expected<std::string>& body) {
  std::string detail;
  if (body) {
    boost::system::error_code parse_error;
    const auto parsed = json::parse(*body, parse_error);
    if (!parse_error && parsed.is_object()) {
      const auto* error = parsed.as_object().if_contains("error");
      const json::value* message = nullptr;
      if (error && error->is_object()) message = error->as_object().if_contains("message");
      if (error && error->is_string()) message = error;
      if (!message) message = parsed.as_object().if_contains("message");
      if (message && message->is_string()) detail = std::string(message->as_string());
    }
  }
  auto message = fmt::format("upstream provider `{}` answered HTTP {}", provider_id, status);
  if (!detail.empty()) message += ": " + detail;
  const int caller_status = status >= 400 && status <= 599 ? static_cast<int>(status) : 502;
  return GatewayError{caller_status, "upstream_error", "upstream_http_error", std::nullopt,
                      std::move(message)};
}

std::unique_ptr<streams::StreamNormalizer> normalizer_for(ApiFamily family) {
  if (family == ApiFamily::kResponses) return std::make_unique<streams::ResponsesStreamNormalizer>();
  return std::make_unique<streams::ChatStreamNormalizer>();
}

server::Response stream_head() {
  server::Response head{http::status::ok, 11};
  head.set(http::field::content_type, "text/event-stream; charset=utf-8");
  head.set(http::field::cache_control, "no-cache");
  head.set("x-accel-buffering", "no");  // tell buffering proxies in front of us not to
  return head;
}

// Forwards an SSE answer event by event, as each arrives, until the upstream ends, fails, or the
// caller leaves (which closes the upstream connection at once).
awaitable<void> stream_answer(server::Exchange& exchange, upstream::UpstreamResponse& response,
                              ApiFamily family) {
  auto normalizer = normalizer_for(family);
  streams::SseParser parser;
  std::string out;
  const auto on_event = [&](const streams::SseEvent& event) { normalizer->on_event(event, out); };

  const auto head = stream_head();
  if (!co_await exchange.begin_stream(head)) {
    response.abort();
    co_return;
  }
  for (;;) {
    auto next = co_await (response.read_some() || exchange.caller_gone());
    if (next.index() == 1) {
      response.abort();
      exchange.log().error_code = "caller_disconnected";
      co_return;
    }
    auto& piece = std::get<0>(next);
    if (!piece) {
      normalizer->on_upstream_failure(piece.error(), out);
    } else if (piece->empty()) {
      parser.finish(on_event);
      if (parser.failed()) normalizer->on_upstream_failure(parser.error(), out);
      else normalizer->on_upstream_end(out);
    } else {
      parser.feed(*piece, on_event);
      if (parser.failed()) {
        normalizer->on_upstream_failure(parser.error(), out);
        response.abort();
      }
    }
    if (!out.empty()) {
      if (!co_await exchange.write_chunk(out)) {
        response.abort();
        co_return;
      }
      out.clear();
    }
    if (!piece || piece->empty() || parser.failed()) break;
  }
  record_usage(exchange.log(), normalizer->usage());
  if (normalizer->failed() && normalizer->error()) exchange.log().error_code = normalizer->error()->code;
  co_await exchange.end_stream();
}

awaitable<void> whole_answer(server::Exchange& exchange, upstream::UpstreamResponse& response,
                             ApiFamily family) {
  auto body = co_await response.read_all(kMaxWholeBodyBytes);
  if (!body) {
    co_await respond_with_error(exchange, body.error());
    co_return;
  }
  boost::system::error_code parse_error;
  const auto parsed = json::parse(*body, parse_error);
  if (!parse_error) record_usage(exchange.log(), streams::usage_from_body(family, parsed));

  server::Response answer{http::status::ok, 11};
  const auto content_type = response.headers().find(http::field::content_type);
  answer.set(http::field::content_type,
             content_type != response.headers().end() ? std::string(content_type->value())
                                                      : std::string("application/json"));
  answer.body() = std::move(*body);
  co_await exchange.respond(std::move(answer));
}

}  // namespace

void prepare_upstream_client(asio::io_context& io) { upstream_client_for(io); }

awaitable<void> serve_generation(server::Exchange& exchange, const GatewayState& state,
                                 ApiFamily family, const config::ModelConfig& model,
                                 json::object body) {
  const auto required = routing::required_capabilities(family, body);
  const auto chosen = routing::first_eligible_route(*state.config, model, required);
  if (!chosen) {
    co_await respond_with_error(exchange, chosen.error());
    co_return;
  }
  const auto& route = *chosen->route;
  const auto& provider = *chosen->provider;
  exchange.log().route = provider.id + "/" + route.upstream_model;

  auto request = providers::build_upstream_request(provider, route, family, std::move(body),
                                                   exchange.request_id());
  if (!request) {
    co_await respond_with_error(exchange, request.error());
    co_return;
  }
  if (const auto refused = co_await state.authenticator_for(route).authorize(*request)) {
    co_await respond_with_error(exchange, *refused);
    co_return;
  }

  auto executor = co_await asio::this_coro::executor;
  auto& io = static_cast<asio::io_context&>(asio::query(executor, asio::execution::context));
  const auto deadlines = upstream::UpstreamDeadlines::for_total(provider.total_timeout);
  auto response = co_await upstream_client_for(io).send(*request, deadlines);
  if (!response) {
    co_await respond_with_error(exchange, response.error());
    co_return;
  }
  exchange.log().upstream_status = response->status();
  if (response->status() < 200 || response->status() > 299) {
    const auto error_body = co_await response->read_all(kMaxErrorBodyBytes);
    const auto error = upstream_http_error(response->status(), provider.id, error_body);
    co_await respond_with_error(exchange, error);
    co_return;
  }
  if (request->expects_event_stream) {
    co_await stream_answer(exchange, *response, family);
  } else {
    co_await whole_answer(exchange, *response, family);
  }
}

}  // namespace sluice::api
