// The models page (docs/admin-api.md, "Models"): the running config's models with their routes,
// what each route can serve and what it is charged at.
//
// Capabilities are the route's effective ones (its flags narrowed by the provider's built-in truth,
// routing::effective_capabilities), and prices come from the same ledger::rates_for the accounting
// charges with, so the page shows what callers get and what they pay, not what the YAML says.
#include "config/EnumNames.h"
#include "console/ConsoleJson.h"
#include "console/ConsoleRouteSets.h"
#include "ledger/Pricing.h"
#include "routing/CapabilityGate.h"

#include <boost/json/array.hpp>

namespace sluice::console {

namespace http = boost::beast::http;
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

json::value optional_money(const std::optional<config::Money4>& amount) {
  return amount ? json::value(amount->to_string()) : json::value(nullptr);
}

json::object capabilities_json(const config::Capabilities& capabilities) {
  return json::object{{"chat_completions", capabilities.chat_completions},
                      {"responses", capabilities.responses},
                      {"embeddings", capabilities.embeddings},
                      {"stream", capabilities.stream},
                      {"tools", capabilities.tools},
                      {"vision", capabilities.vision},
                      {"json_schema", capabilities.json_schema},
                      {"developer_role", capabilities.developer_role}};
}

// The rates a route is charged at and where they come from: its pricing_override, else the bundled
// (or SLUICE_PRICE_CATALOG) catalog, else none — the request is then `unpriced`.
json::object pricing_json(const config::RouteConfig& route, const config::ProviderConfig* provider,
                          const ledger::PriceCatalog* catalog) {
  const ledger::PriceCatalog empty_catalog;
  const auto key = provider ? ledger::catalog_key_for(*provider, route.upstream_model)
                            : std::optional<ledger::CatalogKey>();
  const auto rates = ledger::rates_for(route, key, catalog ? *catalog : empty_catalog);
  const char* source = route.pricing_override ? "override" : rates ? "catalog" : "none";
  json::object pricing{{"source", source}};
  pricing["input_per_million"] = rates ? json::value(rates->input.to_string()) : json::value(nullptr);
  pricing["output_per_million"] = rates ? json::value(rates->output.to_string()) : json::value(nullptr);
  pricing["cache_read_per_million"] = rates ? optional_money(rates->cache_read) : json::value(nullptr);
  pricing["cache_write_per_million"] = rates ? optional_money(rates->cache_write) : json::value(nullptr);
  return pricing;
}

json::object route_json(const config::GatewayConfig& config, const config::RouteConfig& route,
                        const ledger::PriceCatalog* catalog) {
  // The loader does not check that a route's provider exists (config.md §12): such a route is
  // listed with what is known, and never served.
  const config::ProviderConfig* provider = config.find_provider(route.provider);
  json::object object{{"provider", route.provider}};
  object["provider_type"] =
      provider ? json::value(config::to_string(provider->type)) : json::value(nullptr);
  object["provider_label"] = provider ? optional_json(provider->display.label) : json::value(nullptr);
  object["provider_icon_key"] = provider && provider->display.icon_key
                                    ? json::value(config::to_string(*provider->display.icon_key))
                                    : json::value(nullptr);
  object["upstream_model"] = route.upstream_model;
  // Only Bedrock routes choose a wire API; every other provider type has exactly one.
  object["api_style"] = route.compatibility.aws_bedrock
                            ? json::value(config::to_string(route.compatibility.aws_bedrock->api_style))
                            : json::value(nullptr);
  object["capabilities"] = capabilities_json(
      provider ? routing::effective_capabilities(route, *provider) : route.capabilities);
  object["pricing"] = pricing_json(route, provider, catalog);
  return object;
}

awaitable<Expected<ConsoleReply>> list_models(ConsoleCall& call) {
  const config::GatewayConfig& config = call.config();
  json::array data;
  // Aliases are listed on the model they resolve to, not as models of their own: they have no
  // routes, and a caller reaching one is served by the target's.
  for (const config::ModelConfig* model : call.state->models.in_listing_order()) {
    if (model->alias_of) continue;
    json::array aliases;
    for (const config::ModelConfig* other : call.state->models.in_listing_order()) {
      if (other->alias_of && other->canonical_id == model->id) aliases.emplace_back(other->id);
    }
    json::array tags;
    for (const auto& tag : model->tags) tags.emplace_back(tag);
    json::array routes;
    for (const auto& route : model->routes) {
      routes.push_back(route_json(config, route, call.services.prices.get()));
    }
    data.push_back(json::object{{"id", model->id},
                                {"aliases", std::move(aliases)},
                                {"tags", std::move(tags)},
                                {"description", optional_json(model->description)},
                                {"routes", std::move(routes)}});
  }
  co_return ConsoleReply::json(json::object{{"data", std::move(data)}});
}

}  // namespace

void add_model_routes(ConsoleRoutes& routes) {
  routes.add(http::verb::get, "/api/v1/admin/models", RouteGuard::page_of(config::AdminPage::kModels),
             list_models);
}

}  // namespace sluice::console
