#include "api/GenerationEndpoint.h"

#include "api/ErrorBody.h"
#include "auth/UpstreamAuthenticator.h"
#include "providers/ProviderRequest.h"
#include "routing/CapabilityGate.h"
#include "routing/RetryPolicy.h"
#include "routing/RoutePlan.h"
#include "server/CallerWatch.h"
#include "streams/AnswerStream.h"
#include "streams/TokenUsage.h"
#include "streams/WholeAnswer.h"
#include "upstream/UpstreamClient.h"
#include "upstream/UpstreamUrl.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json/parse.hpp>
#include <fmt/format.h>

namespace sluice::api {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using asio::awaitable;

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

server::Response stream_head() {
  server::Response head{http::status::ok, 11};
  head.set(http::field::content_type, "text/event-stream; charset=utf-8");
  head.set(http::field::cache_control, "no-cache");
  head.set("x-accel-buffering", "no");  // tell buffering proxies in front of us not to
  return head;
}

// Forwards a streamed answer event by event, as each arrives, until the upstream ends, fails, or
// the caller leaves (which closes the upstream connection at once).
// Counts a stream as open for as long as it lives (sluice_open_streams).
class OpenStream {
 public:
  explicit OpenStream(observability::GatewayMetrics& metrics) : metrics_(metrics) {
    metrics_.stream_opened();
  }
  ~OpenStream() { metrics_.stream_closed(); }
  OpenStream(const OpenStream&) = delete;
  OpenStream& operator=(const OpenStream&) = delete;

 private:
  observability::GatewayMetrics& metrics_;
};

// Keeps what the caller received for the request log: the whole body, or the stream's writes (each
// write carries the events one upstream read produced), bounded by stream_max_events.
void capture_stream_write(const GenerationLedger& ledger, const std::string& out) {
  if (ledger.record == nullptr || !ledger.capture_response) return;
  if (ledger.record->response_events.size() < ledger.max_stream_events) {
    ledger.record->response_events.push_back(out);
  } else {
    ++ledger.record->response_events_omitted;
  }
}

awaitable<void> stream_answer(server::Exchange& exchange, upstream::UpstreamResponse& response,
                              streams::AnswerStream& answer, observability::GatewayMetrics& metrics,
                              const GenerationLedger& ledger) {
  const OpenStream open_stream(metrics);
  if (ledger.record != nullptr) ledger.record->streamed = true;
  std::string out;
  const auto head = stream_head();
  if (!co_await exchange.begin_stream(head)) {
    response.abort();
    co_return;
  }
  // A caller who leaves closes the upstream at once (the pending read then fails), even while the
  // upstream is silent.
  const server::CallerWatch caller(exchange, [&response] { response.abort(); });
  for (;;) {
    auto piece = co_await response.read_some();
    if (caller.caller_left()) {
      exchange.log().error_code = "caller_disconnected";
      co_return;
    }
    bool upstream_done = false;
    if (!piece) {
      answer.fail(piece.error(), out);
      upstream_done = true;
    } else if (piece->empty()) {
      answer.end(out);
      upstream_done = true;
    } else {
      answer.feed(*piece, out);
    }
    if (!out.empty()) {
      capture_stream_write(ledger, out);
      if (!co_await exchange.write_chunk(out)) {
        response.abort();
        co_return;
      }
      out.clear();
    }
    if (upstream_done) break;
    if (answer.finished()) {  // ended early (an error frame): stop reading the upstream
      response.abort();
      break;
    }
  }
  record_usage(exchange.log(), answer.usage());
  if (ledger.record != nullptr) ledger.record->usage = answer.usage();
  if (answer.error()) exchange.log().error_code = answer.error()->code;
  co_await exchange.end_stream();
}

awaitable<void> whole_answer(server::Exchange& exchange, upstream::UpstreamResponse& response,
                             streams::WireFormat wire, ApiFamily family,
                             const streams::AnswerIdentity& identity,
                             const GenerationLedger& ledger) {
  auto body = co_await response.read_all(kMaxWholeBodyBytes);
  if (!body) {
    co_await respond_with_error(exchange, body.error());
    co_return;
  }
  auto answer = streams::whole_answer_for(wire, family, std::move(*body), identity);
  if (!answer) {
    co_await respond_with_error(exchange, answer.error());
    co_return;
  }
  record_usage(exchange.log(), answer->usage);
  if (ledger.record != nullptr) {
    ledger.record->usage = answer->usage;
    if (ledger.capture_response) ledger.record->response_body = answer->body;
  }

  server::Response reply{http::status::ok, 11};
  const auto content_type = response.headers().find(http::field::content_type);
  reply.set(http::field::content_type,
            !answer->translated && content_type != response.headers().end()
                ? std::string(content_type->value())
                : std::string("application/json"));
  reply.body() = std::move(answer->body);
  co_await exchange.respond(std::move(reply));
}

using SteadyClock = std::chrono::steady_clock;

// How one attempt on one route ended.
struct AttemptResult {
  enum class Kind {
    kServed,     // the upstream answered 2xx and the answer went to the caller (or it left)
    kRetryable,  // a failure worth another try: transport, timeout, credentials, 429/5xx
    kFinal,      // an answer to pass on as it is (other 4xx, a request that cannot be built)
  };
  Kind kind = Kind::kFinal;
  bool reached_upstream = false;  // the upstream gave a verdict on the route (for its breaker)
  std::optional<GatewayError> error;  // kRetryable / kFinal: what the caller sees if it is the last
  std::optional<std::chrono::milliseconds> retry_after;
  unsigned status = 0;  // the upstream's HTTP status; 0 when none arrived
  std::string outcome;  // for the access log's attempts[]
  std::chrono::microseconds first_byte{0};  // request sent → answer head; 0 when none arrived
};

AttemptResult failed_attempt(GatewayError error, bool retryable) {
  AttemptResult result;
  result.kind = retryable ? AttemptResult::Kind::kRetryable : AttemptResult::Kind::kFinal;
  result.reached_upstream = retryable;
  result.outcome = error.code;
  result.error = std::move(error);
  return result;
}

// One try of one route: build, authorize, send; a 2xx answer is served to the caller right here,
// anything else is handed back for the retry loop to decide. Nothing reaches the caller unless the
// upstream answered 2xx (a stream begins only on a 2xx head), so every other outcome can still
// fall back.
// The attempt's trace span: the GenAI semantic conventions' client-span attributes.
void describe_attempt(observability::ActiveSpan& span, const config::ProviderConfig& provider,
                      const config::RouteConfig& route, ApiFamily family,
                      const upstream::UpstreamRequest& request) {
  if (!span.sampled()) return;
  span.set_attribute("gen_ai.operation.name",
                     family == ApiFamily::kEmbeddings ? "embeddings" : "chat");
  span.set_attribute("gen_ai.system", provider.type == config::ProviderType::kAwsBedrock
                                          ? "aws.bedrock"
                                          : "openai");
  span.set_attribute("gen_ai.request.model", route.upstream_model);
  span.set_attribute("http.request.method", "POST");
  if (const auto url = upstream::UpstreamUrl::parse(request.url)) {
    span.set_attribute("server.address", url->host);
    span.set_attribute("server.port", url->port);
  }
}

awaitable<AttemptResult> attempt_route(server::Exchange& exchange, const GatewayState& state,
                                       ApiFamily family, const routing::ResolvedRoute& chosen,
                                       const json::object& body,
                                       const std::optional<SteadyClock::time_point>& deadline,
                                       const observability::Telemetry& telemetry,
                                       observability::ActiveSpan& span,
                                       const GenerationLedger& ledger) {
  const auto& route = *chosen.route;
  const auto& provider = *chosen.provider;
  json::object attempt_body = body;
  auto request = providers::build_upstream_request(provider, route, family, std::move(attempt_body),
                                                   exchange.request_id());
  if (!request) co_return failed_attempt(request.error(), false);
  describe_attempt(span, provider, route, family, *request);
  // The next hop joins the trace through our span, never through the caller's own header.
  if (telemetry.tracer) request->set_header("traceparent", span.traceparent());
  if (auto refused = co_await state.authenticator_for(route).authorize(*request)) {
    const bool retryable = routing::is_retryable_error(*refused);
    co_return failed_attempt(std::move(*refused), retryable);
  }

  auto executor = co_await asio::this_coro::executor;
  auto& io = static_cast<asio::io_context&>(asio::query(executor, asio::execution::context));
  auto budget = provider.total_timeout;
  if (deadline) {
    const auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - SteadyClock::now());
    budget = std::max(std::chrono::milliseconds(1), std::min(budget, remaining));
  }
  const auto deadlines = upstream::UpstreamDeadlines::for_total(budget);
  const auto sent = SteadyClock::now();
  auto response = co_await upstream_client_for(io).send(*request, deadlines);
  if (!response) {
    const bool retryable = routing::is_retryable_error(response.error());
    co_return failed_attempt(response.error(), retryable);
  }
  const auto first_byte =
      std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - sent);
  const unsigned status = response->status();
  exchange.log().upstream_status = status;
  if (span.sampled()) span.set_attribute("http.response.status_code", status);
  if (status < 200 || status > 299) {
    const auto error_body = co_await response->read_all(kMaxErrorBodyBytes);
    AttemptResult result;
    result.reached_upstream = true;
    result.status = status;
    result.first_byte = first_byte;
    result.outcome = routing::outcome_for_status(status);
    result.error = upstream_http_error(status, provider.id, error_body);
    if (routing::is_retryable_status(status)) {
      result.kind = AttemptResult::Kind::kRetryable;
      const auto retry_after = response->headers().find(http::field::retry_after);
      if (retry_after != response->headers().end()) {
        result.retry_after = routing::parse_retry_after(retry_after->value());
      }
    }
    co_return result;
  }
  // What names the answer where a translated upstream did not: the model id the caller asked for,
  // now, and the request id.
  const auto* requested_model = body.if_contains("model");
  const std::string model_id =
      requested_model != nullptr && requested_model->is_string() ? std::string(requested_model->get_string())
                                                                 : route.upstream_model;
  const std::int64_t created = std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
  const streams::WireFormat wire = providers::wire_format_for(provider, route, family);
  if (request->expects_event_stream) {
    const streams::StreamIdentity identity{model_id, created, std::string(exchange.request_id())};
    auto answer = streams::make_answer_stream(wire, family, identity);
    co_await stream_answer(exchange, *response, *answer, *telemetry.metrics, ledger);
  } else {
    const streams::AnswerIdentity identity{model_id, created, exchange.request_id()};
    co_await whole_answer(exchange, *response, wire, family, identity, ledger);
  }
  AttemptResult served;
  served.kind = AttemptResult::Kind::kServed;
  served.reached_upstream = true;
  served.status = status;
  served.outcome = "ok";
  served.first_byte = first_byte;
  co_return served;
}

GatewayError nothing_attempted(const config::ModelConfig& model) {
  return {503, "routing_error", "no_routes_available", std::nullopt,
          fmt::format("model `{}` has no route available right now (every circuit is open or the "
                      "routing deadline passed)",
                      model.id)};
}

}  // namespace

void prepare_upstream_client(asio::io_context& io) { upstream_client_for(io); }

// Route plan → attempts in plan order (retries of a route with full-jitter backoff, then the next
// route) until one is served, a final answer arrives, or the attempt cap or the deadline is reached.
// See docs/data-plane.md "Retries, fallback and circuit breakers".
awaitable<void> serve_generation(server::Exchange& exchange, const GatewayState& state,
                                 ApiFamily family, const config::ModelConfig& model,
                                 const json::object& body, const observability::Telemetry& telemetry,
                                 observability::ActiveSpan& request_span, GenerationLedger ledger) {
  const auto required = routing::required_capabilities(family, body);
  const config::RoutingPolicy& policy = state.config->routing_for(model);
  // plan_random() is per thread: fetched at each use, never held across a suspension.
  std::optional<SteadyClock::time_point> deadline;
  if (policy.deadline) deadline = SteadyClock::now() + *policy.deadline;

  // Breakers steer fallback: without fallback the plan's first route is the route, as in the
  // reference.
  routing::RouteAvailable available;
  if (policy.fallback) {
    available = [&state](const routing::ResolvedRoute& candidate) {
      return state.breaker_for(*candidate.route).available();
    };
  }
  const auto plan = routing::plan_routes(*state.config, model, required, routing::plan_random(), available);
  if (!plan) {
    co_await respond_with_error(exchange, plan.error());
    co_return;
  }
  const bool use_breakers = policy.fallback && !plan->panic;

  std::optional<GatewayError> last_error;
  unsigned attempts = 0;
  bool stop = false;
  for (std::size_t index = 0; index < plan->routes.size() && !stop; ++index) {
    if (index > 0 && !policy.fallback) break;
    const routing::ResolvedRoute& chosen = plan->routes[index];
    auto& breaker = state.breaker_for(*chosen.route);
    const unsigned tries = 1 + chosen.route->retries.value_or(policy.retries_per_route);
    const std::string route_name = chosen.provider->id + "/" + chosen.route->upstream_model;
    for (unsigned attempt_on_route = 0; attempt_on_route < tries; ++attempt_on_route) {
      if (attempts >= policy.max_attempts || (deadline && SteadyClock::now() >= *deadline)) {
        stop = true;
        break;
      }
      auto admission = routing::CircuitBreaker::Admission::kAdmitted;
      if (use_breakers) {
        admission = breaker.try_acquire();
        if (admission == routing::CircuitBreaker::Admission::kRefused) break;
      }
      ++attempts;
      exchange.log().route = route_name;
      exchange.set_response_header("x-sluice-route", route_name);
      exchange.set_response_header("x-sluice-attempts", std::to_string(attempts));
      const auto started = SteadyClock::now();
      observability::ActiveSpan attempt_span =
          telemetry.tracer ? telemetry.tracer->start_child(request_span, "chat " + route_name)
                           : observability::ActiveSpan();
      if (ledger.record != nullptr) {
        ledger.record->provider = chosen.provider;
        ledger.record->route = chosen.route;
        ledger.record->route_name = route_name;
      }
      AttemptResult result = co_await attempt_route(exchange, state, family, chosen, body, deadline,
                                                    telemetry, attempt_span, ledger);
      const auto elapsed =
          std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - started);
      if (result.error && attempt_span.sampled()) {
        attempt_span.set_attribute("error.type", result.error->code);
        attempt_span.set_error(result.error->code);
      }
      attempt_span.end();
      exchange.log().attempts.push_back(observability::AttemptRecord{
          route_name, result.outcome, result.status, static_cast<std::uint64_t>(elapsed.count()),
          static_cast<std::uint64_t>(result.first_byte.count())});

      if (result.kind == AttemptResult::Kind::kRetryable) {
        breaker.record_failure(admission);
      } else if (result.reached_upstream) {
        breaker.record_success(admission);
      } else {
        breaker.release(admission);
      }
      if (result.kind == AttemptResult::Kind::kServed) co_return;
      last_error = std::move(result.error);
      if (result.kind == AttemptResult::Kind::kFinal) {
        stop = true;
        break;
      }
      if (attempt_on_route + 1 >= tries) break;  // this route's tries are spent: next route
      if (attempts >= policy.max_attempts) {     // no attempt left: do not wait for nothing
        stop = true;
        break;
      }

      // Back off before trying the same route again; a Retry-After that fits is honoured instead,
      // one that does not fit moves on to the next route at once. It fits in what is left of the
      // deadline, or, without a deadline, in the provider's timeouts.total_ms (the budget that
      // governs each attempt then).
      auto wait = routing::full_jitter_backoff(policy, attempt_on_route, routing::plan_random());
      const auto now = SteadyClock::now();
      if (result.retry_after) {
        const auto limit = deadline ? std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - now)
                                    : chosen.provider->total_timeout;
        if (*result.retry_after > limit) break;
        wait = *result.retry_after;
      }
      if (deadline && now + wait >= *deadline) break;
      if (wait.count() > 0) {
        const auto executor = co_await asio::this_coro::executor;
        asio::steady_timer timer(executor, wait);
        const server::CallerWatch caller(exchange, [&timer] { timer.cancel(); });
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (caller.caller_left()) {
          exchange.log().error_code = "caller_disconnected";
          co_return;
        }
      }
    }
  }
  if (!last_error) last_error = nothing_attempted(model);
  co_await respond_with_error(exchange, *last_error);
}

}  // namespace sluice::api
