#include "api/ApiRouter.h"

#include "access/CallerCredential.h"
#include "api/Endpoint.h"
#include "api/ErrorBody.h"
#include "api/GenerationEndpoint.h"
#include "api/ModelList.h"
#include "routing/TagSelector.h"

#include <boost/beast/core/string.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/pct_string_view.hpp>
#include <fmt/format.h>

namespace sluice::api {

namespace http = boost::beast::http;
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

server::Response json_response(http::status status, std::string body) {
  server::Response response{status, 11};
  response.set(http::field::content_type, "application/json");
  response.body() = std::move(body);
  return response;
}

// The key that authenticated the request, or the 401 to answer.
Expected<const access::CallerKey*> authenticate(const access::CallerKeyRegistry& keys,
                                                const server::Exchange& exchange,
                                                access::CredentialHeaders accepted) {
  const auto presented = access::presented_api_key(exchange.request(), accepted);
  if (!presented) return presented.error();
  return keys.authenticate(*presented);
}

// The model a caller named, if this key may use it: unknown ids are 404, ungranted ones 403.
Expected<const config::ModelConfig*> visible_model(const GatewayState& state,
                                                   const access::CallerKey& key,
                                                   const std::string& model_id) {
  const auto* model = state.models.find(model_id);
  if (model == nullptr) return GatewayError::model_not_found(model_id);
  if (!key.may_use(*model)) return GatewayError::model_not_granted(model_id);
  return model;
}

// What a generation endpoint was asked to do, once the body is parsed and the model resolved.
struct GenerationCall {
  ApiFamily family = ApiFamily::kChatCompletions;
  const config::ModelConfig* model = nullptr;  // canonical: aliases followed
  json::object body;
};

ApiFamily family_of(EndpointKind kind) {
  switch (kind) {
    case EndpointKind::kResponses: return ApiFamily::kResponses;
    case EndpointKind::kEmbeddings: return ApiFamily::kEmbeddings;
    case EndpointKind::kMessages: return ApiFamily::kMessages;
    default: return ApiFamily::kChatCompletions;
  }
}

// Parses a generation request's body and resolves the model it names, for this key.
Expected<GenerationCall> generation_call(const GatewayState& state, const access::CallerKey& key,
                                         EndpointKind kind, server::Exchange& exchange) {
  boost::system::error_code parse_error;
  // The document and every copy made of it for this request (one per attempt, the request log's)
  // share one arena that goes when the last of them does: parsed node by node onto the heap, a
  // small body was dozens of allocations.
  json::value body = json::parse(exchange.request().body(), parse_error,
                                 json::make_shared_resource<json::monotonic_resource>());
  if (parse_error) {
    return GatewayError::invalid_request("request body is not valid JSON: " + parse_error.message());
  }
  if (!body.is_object()) return GatewayError::invalid_request("request body must be a JSON object");
  const auto* model_field = body.as_object().if_contains("model");
  if (model_field == nullptr || !model_field->is_string() || model_field->as_string().empty()) {
    return GatewayError::invalid_request("`model` must be a non-empty string", "model");
  }
  const std::string model_id(model_field->as_string());
  exchange.log().model = model_id;
  Expected<const config::ModelConfig*> model = GatewayError::model_not_found(model_id);
  if (const auto tags = routing::parse_tag_selector(model_id)) {
    // `tag:a,b`: the first model (rank, then id) with every tag that this key may use; models it
    // may not use are skipped rather than refused.
    const auto* selected = routing::select_by_tags(
        state.models, *tags, [&](const config::ModelConfig& candidate) { return key.may_use(candidate); });
    if (selected != nullptr) model = selected;
  } else {
    model = visible_model(state, key, model_id);
  }
  if (!model) return model.error();
  const auto& canonical = state.models.canonical(**model);
  exchange.log().resolved_model = canonical.id;
  return GenerationCall{family_of(kind), &canonical, std::move(body.as_object())};
}

// The request's server span (GenAI semantic conventions); a not-sampled one when tracing is off.
// It continues the caller's W3C trace when the request carries a valid `traceparent`.
observability::ActiveSpan start_request_span(const observability::Telemetry& telemetry,
                                             const server::Exchange& exchange,
                                             const GenerationCall& call) {
  if (!telemetry.tracer) return {};
  const auto& request = exchange.request();
  const auto traceparent = request.find("traceparent");
  const std::string_view header =
      traceparent != request.end() ? std::string_view(traceparent->value()) : std::string_view();
  const std::string_view operation = call.family == ApiFamily::kEmbeddings ? "embeddings" : "chat";
  observability::ActiveSpan span =
      telemetry.tracer->start_root(fmt::format("{} {}", operation, call.model->id), header);
  if (span.sampled()) {
    span.set_attribute("gen_ai.operation.name", operation);
    span.set_attribute("gen_ai.request.model", call.model->id);
    span.set_attribute("http.request.method", std::string_view(request.method_string()));
    span.set_attribute("url.path", server::path_of(request.target()));
    span.set_attribute("sluice.request_id", exchange.request_id());
  }
  return span;
}

void end_request_span(observability::ActiveSpan& span, const observability::AccessLogRecord& log) {
  if (span.sampled()) {
    span.set_attribute("http.response.status_code", log.status);
    if (!log.route.empty()) span.set_attribute("sluice.route", log.route);
    if (log.usage_present) {
      span.set_attribute("gen_ai.usage.input_tokens", log.input_tokens);
      span.set_attribute("gen_ai.usage.output_tokens", log.output_tokens);
    }
    if (!log.error_code.empty()) {
      span.set_attribute("error.type", log.error_code);
      span.set_error(log.error_code);
    }
  }
  span.end();
}

// What the ledger knows before the upstream call: who, which model, the caller's tags, and — when
// payloads are captured — the request's headers.
ledger::RequestRecord start_ledger_record(server::Exchange& exchange,
                                          const access::CallerKey& key, const GenerationCall& call,
                                          bool capture_payloads) {
  ledger::RequestRecord record;
  record.request_id = exchange.request_id();
  record.occurred_at_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
  const auto& request = exchange.request();
  record.method = std::string(request.method_string());
  record.path = std::string(server::path_of(request.target()));
  record.operation = std::string(api_family_name(call.family));
  record.requested_model = exchange.log().model;
  record.resolved_model = call.model->id;
  record.principal = key.principal;
  record.api_key_public_id = key.public_id;
  // Every header is copied only when the payload is captured; otherwise just the caller tag
  // headers, so an ordinary request allocates nothing here.
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& field : request) {
    const std::string_view name = field.name_string();
    const auto named_from = [name](std::string_view prefix) {
      return boost::beast::iequals(name.substr(0, prefix.size()), prefix);
    };
    const bool tag_header = named_from("x-oceans-") || named_from("x-sluice-");
    if (capture_payloads || tag_header) headers.emplace_back(std::string(name), std::string(field.value()));
  }
  record.caller_tags = ledger::CallerTags::from_headers(headers);
  if (capture_payloads) record.request_headers = std::move(headers);
  return record;
}

// The rest, from the finished exchange: status, latency, attempts, usage (set by the answer),
// error.
void finish_ledger_record(ledger::RequestRecord& record, const observability::AccessLogRecord& log) {
  record.status = log.status;
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  record.latency_ms = static_cast<std::uint64_t>(std::max<std::int64_t>(0, now_ms - record.occurred_at_unix_ms));
  record.error_code = log.error_code;
  for (const auto& attempt : log.attempts) {
    record.attempts.push_back({attempt.route, attempt.outcome, attempt.status, attempt.duration_us});
  }
}

// Why this endpoint cannot take the request as sent (unknown path, wrong method), if it cannot.
std::optional<GatewayError> endpoint_refusal(const Endpoint& endpoint, const server::Request& request,
                                             std::string_view path) {
  if (endpoint.kind == EndpointKind::kUnknown) return GatewayError::unknown_path(std::string(path));
  if (endpoint.kind == EndpointKind::kConsole) return std::nullopt;  // it routes by method itself
  if (request.method() != endpoint.method) {
    return GatewayError::method_not_allowed(std::string(request.method_string()), std::string(path));
  }
  return std::nullopt;
}

}  // namespace

ApiRouter::ApiRouter(std::shared_ptr<const ActiveState> state,
                     std::shared_ptr<const observability::Telemetry> telemetry,
                     std::shared_ptr<ledger::Accounting> accounting,
                     std::shared_ptr<const access::KeyDirectory> keys,
                     std::shared_ptr<server::RequestHandler> console)
    : state_(std::move(state)),
      telemetry_(std::move(telemetry)),
      accounting_(std::move(accounting)),
      keys_(std::move(keys)),
      console_(std::move(console)) {}

server::Response ApiRouter::error_response(const GatewayError& error,
                                           std::string_view target) const {
  return api::error_response(error, server::path_of(target));
}

awaitable<void> ApiRouter::handle(server::Exchange& exchange) {
  // The request keeps the state it started with, even if a reload swaps it meanwhile.
  // (Errors are built into locals before they are awaited on: GCC 12 can destroy temporaries made
  // inside a co_await expression twice.)
  const std::shared_ptr<const GatewayState> state = state_->current();
  const auto& request = exchange.request();
  const auto path = server::path_of(request.target());
  const auto endpoint = endpoint_for_path(path);

  if (const auto refusal = endpoint_refusal(endpoint, request, path)) {
    co_await respond_with_error(exchange, *refusal);
    co_return;
  }
  if (endpoint.kind == EndpointKind::kConsole) {
    if (console_) {
      co_await console_->handle(exchange);
    } else {
      const auto unknown = GatewayError::unknown_path(std::string(path));
      co_await respond_with_error(exchange, unknown);
    }
    co_return;
  }

  switch (endpoint.kind) {
    case EndpointKind::kHealthz:
      co_await exchange.respond(json_response(http::status::ok, R"({"status":"ok"})"));
      co_return;
    case EndpointKind::kReadyz: {
      auto readiness = exchange.server_draining()
                           ? json_response(http::status::service_unavailable, R"({"status":"draining"})")
                           : json_response(http::status::ok, R"({"status":"ready"})");
      co_await exchange.respond(std::move(readiness));
      co_return;
    }
    case EndpointKind::kHealthJson: {
      json::object health{{"status", exchange.server_draining() ? "draining" : "ok"},
                          {"config_loaded_at", state->loaded_at_unix},
                          {"providers", state->config->providers.size()},
                          {"models", state->config->models.size()}};
      auto answer = json_response(http::status::ok, json::serialize(health));
      co_await exchange.respond(std::move(answer));
      co_return;
    }
    default:
      break;
  }

  // Everything below is the data plane: a gateway API key is required.
  const auto accepted = endpoint.kind == EndpointKind::kMessages
                            ? access::CredentialHeaders::kBearerOrXApiKey
                            : access::CredentialHeaders::kBearerOnly;
  // The key snapshot is held for the whole request: the CallerKey points into it.
  const std::shared_ptr<const access::CallerKeyRegistry> keys = keys_->current();
  const auto key = authenticate(*keys, exchange, accepted);
  if (!key) {
    co_await respond_with_error(exchange, key.error());
    co_return;
  }
  exchange.log().key_name = (*key)->name;

  if (endpoint.kind == EndpointKind::kListModels) {
    auto answer = json_response(http::status::ok,
                                model_list_body(state->models, **key, state->loaded_at_unix));
    co_await exchange.respond(std::move(answer));
    co_return;
  }
  if (endpoint.kind == EndpointKind::kRetrieveModel) {
    const auto encoded = boost::urls::make_pct_string_view(endpoint.model_id);
    const std::string model_id = encoded ? encoded->decode() : std::string(endpoint.model_id);
    exchange.log().model = model_id;
    const auto model = visible_model(*state, **key, model_id);
    if (!model) {
      co_await respond_with_error(exchange, model.error());
      co_return;
    }
    auto answer = json_response(http::status::ok, model_object_body(**model, state->loaded_at_unix));
    co_await exchange.respond(std::move(answer));
    co_return;
  }

  auto call = generation_call(*state, **key, endpoint.kind, exchange);
  if (!call) {
    co_await respond_with_error(exchange, call.error());
    co_return;
  }
  observability::ActiveSpan span = start_request_span(*telemetry_, exchange, *call);
  // Budgets are checked before any upstream call (api.md §4 step 7); the ledger row, spend and
  // request log are written after the caller has its answer (step 9).
  const auto& payloads = state->config->request_logging.payloads;
  const bool capture = payloads.capture_mode == config::PayloadCaptureMode::kRedactedPayloads;
  ledger::RequestRecord record = start_ledger_record(exchange, **key, *call, capture);
  std::optional<ledger::BudgetAdmission> admission;
  auto admitted = co_await accounting_->admit((*key)->principal, call->model->id);
  if (!admitted) {
    co_await respond_with_error(exchange, admitted.error());
  } else {
    admission = std::move(*admitted);
    const GenerationLedger ledger{&record, capture, static_cast<std::size_t>(payloads.stream_max_events)};
    co_await serve_generation(exchange, *state, call->family, *call->model, call->body, *telemetry_,
                              span, ledger);
  }
  // The request body joins the record once it is no longer needed for sending: moved, not copied.
  if (capture) record.request_body = json::value(std::move(call->body));
  end_request_span(span, exchange.log());
  finish_ledger_record(record, exchange.log());
  co_await accounting_->record(std::move(record), std::move(admission));
}

}  // namespace sluice::api
