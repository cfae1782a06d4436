#include "api/ApiRouter.h"

#include "access/CallerCredential.h"
#include "api/Endpoint.h"
#include "api/ErrorBody.h"
#include "api/ModelList.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/pct_string_view.hpp>

namespace sluice::api {

namespace http = boost::beast::http;
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

server::Response json_response(http::status status, std::string body) {
  server::Response response{status, 11};
  response.set(http::field::content_type, "application/json");
  response.body() = std::move(body);
  return response;
}

awaitable<void> fail(server::Exchange& exchange, const GatewayError& error) {
  exchange.log().error_code = error.code;
  co_await exchange.respond(error_response(error, path_of(exchange.request().target())));
}

// The key that authenticated the request, or the 401 to answer.
Expected<const access::CallerKey*> authenticate(const GatewayState& state,
                                                const server::Exchange& exchange,
                                                access::CredentialHeaders accepted) {
  const auto presented = access::presented_api_key(exchange.request(), accepted);
  if (!presented) return presented.error();
  return state.caller_keys.authenticate(*presented);
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

}  // namespace

ApiRouter::ApiRouter(std::shared_ptr<const GatewayState> state) : state_(std::move(state)) {}

server::Response ApiRouter::error_response(const GatewayError& error,
                                           std::string_view target) const {
  return api::error_response(error, path_of(target));
}

awaitable<void> ApiRouter::handle(server::Exchange& exchange) {
  // The request keeps the state it started with, even if a reload swaps it meanwhile.
  const std::shared_ptr<const GatewayState> state = state_;
  const auto& request = exchange.request();
  const auto path = path_of(request.target());
  const auto endpoint = endpoint_for_path(path);

  if (endpoint.kind == EndpointKind::kUnknown) {
    co_await fail(exchange, GatewayError::unknown_path(std::string(path)));
    co_return;
  }
  if (request.method() != endpoint.method) {
    co_await fail(exchange, GatewayError::method_not_allowed(std::string(request.method_string()),
                                                            std::string(path)));
    co_return;
  }

  switch (endpoint.kind) {
    case EndpointKind::kHealthz:
      co_await exchange.respond(json_response(http::status::ok, R"({"status":"ok"})"));
      co_return;
    case EndpointKind::kReadyz:
      if (exchange.server_draining()) {
        co_await exchange.respond(
            json_response(http::status::service_unavailable, R"({"status":"draining"})"));
      } else {
        co_await exchange.respond(json_response(http::status::ok, R"({"status":"ready"})"));
      }
      co_return;
    case EndpointKind::kHealthJson: {
      json::object health{{"status", exchange.server_draining() ? "draining" : "ok"},
                          {"config_loaded_at", state->loaded_at_unix},
                          {"providers", state->config->providers.size()},
                          {"models", state->config->models.size()}};
      co_await exchange.respond(json_response(http::status::ok, json::serialize(health)));
      co_return;
    }
    default:
      break;
  }

  // Everything below is the data plane: a gateway API key is required.
  const auto accepted = endpoint.kind == EndpointKind::kMessages
                            ? access::CredentialHeaders::kBearerOrXApiKey
                            : access::CredentialHeaders::kBearerOnly;
  const auto key = authenticate(*state, exchange, accepted);
  if (!key) {
    co_await fail(exchange, key.error());
    co_return;
  }
  exchange.log().key_name = (*key)->name;

  if (endpoint.kind == EndpointKind::kListModels) {
    co_await exchange.respond(
        json_response(http::status::ok, model_list_body(state->models, **key, state->loaded_at_unix)));
    co_return;
  }
  if (endpoint.kind == EndpointKind::kRetrieveModel) {
    const auto encoded = boost::urls::make_pct_string_view(endpoint.model_id);
    const std::string model_id = encoded ? encoded->decode() : std::string(endpoint.model_id);
    exchange.log().model = model_id;
    const auto model = visible_model(*state, **key, model_id);
    if (!model) {
      co_await fail(exchange, model.error());
      co_return;
    }
    co_await exchange.respond(
        json_response(http::status::ok, model_object_body(**model, state->loaded_at_unix)));
    co_return;
  }

  // Generation endpoints: the body is a JSON object naming a gateway model.
  boost::system::error_code parse_error;
  json::value body = json::parse(request.body(), parse_error);
  if (parse_error || !body.is_object()) {
    co_await fail(exchange, GatewayError::invalid_request(
                                parse_error ? "request body is not valid JSON: " + parse_error.message()
                                            : "request body must be a JSON object"));
    co_return;
  }
  const auto* model_field = body.as_object().if_contains("model");
  if (model_field == nullptr || !model_field->is_string() || model_field->as_string().empty()) {
    co_await fail(exchange,
                  GatewayError::invalid_request("`model` must be a non-empty string", "model"));
    co_return;
  }
  const std::string model_id(model_field->as_string());
  exchange.log().model = model_id;
  const auto model = visible_model(*state, **key, model_id);
  if (!model) {
    co_await fail(exchange, model.error());
    co_return;
  }
  exchange.log().resolved_model = state->models.canonical(**model).id;

  // Forwarding to upstream providers is the data-plane work that follows the foundation.
  co_await fail(exchange, GatewayError{501, "not_implemented_error", "not_implemented", std::nullopt,
                                       "forwarding requests to upstream providers is not "
                                       "available in this build yet"});
}

}  // namespace sluice::api
