// Pricing: what one request cost, from the tokens the upstream reported and the rates its route is
// charged at (api.md §8).
//
// Rates come from the route's pricing_override when it has one, else from the catalog under the
// route's pricing provider; with neither the request is `unpriced` (it still succeeds and does not
// count toward budgets). A response without usage is `usage_missing`: never estimated.
//
// An override is taken whole: an override without a cache rate charges cached tokens at the
// override's own input rate, never at the catalog's cache rate ("no catalog fallback", config.md
// §12). Mixing an operator's negotiated input rate with a list cache rate would produce a price
// nobody agreed to; charging at the input rate errs towards the larger, explainable figure.
//
// Arithmetic is exact: tokens × rate in Money4 ten-thousandths, summed in 128 bits, divided by one
// million and rounded half-up once at the end.
#pragma once

#include "config/GatewayConfig.h"
#include "config/Money.h"
#include "ledger/PriceCatalog.h"
#include "streams/TokenUsage.h"

#include <optional>
#include <string>
#include <string_view>

namespace sluice::ledger {

enum class PricingStatus { kPriced, kUnpriced, kUsageMissing };

std::string_view to_string(PricingStatus status);  // priced | unpriced | usage_missing

struct Charge {
  PricingStatus status = PricingStatus::kUnpriced;
  config::Money4 cost;  // zero unless priced

  friend bool operator==(const Charge&, const Charge&) = default;
};

// Where in the catalog a route's model is priced: pricing provider id and model id.
struct CatalogKey {
  std::string pricing_provider_id;
  std::string model;
};

// The catalog key of `upstream_model` served by `provider`, or nullopt when the provider type has
// no catalog namespace. openai_compat / Cloud Run / Copilot use their configured
// pricing_provider_id; Bedrock is `amazon-bedrock`; Vertex picks by publisher: `google/…` is
// `google-vertex`, `anthropic/…` is `google-vertex-anthropic` and only for location `global`
// (regional Anthropic-on-Vertex prices differ and are not catalogued).
std::optional<CatalogKey> catalog_key_for(const config::ProviderConfig& provider,
                                          std::string_view upstream_model);

// The rates a route is charged at: its override, else the catalog entry for `key`, else nullopt.
std::optional<ModelRates> rates_for(const config::RouteConfig& route,
                                    const std::optional<CatalogKey>& key,
                                    const PriceCatalog& catalog);

// The cost of `usage` at `rates`. TokenUsage::input includes cached reads and cache writes, so
// plain input = input − cached_input − cache_write_input (never below zero), charged at `input`;
// cached reads at `cache_read` (else `input`); cache writes at `cache_write` (else `input`); output
// at `output`. Reasoning tokens are not added: every API family Sluice reads already counts them
// inside output (OpenAI's completion_tokens, Anthropic's output_tokens, Converse's outputTokens).
// Gemini's native usageMetadata reports thoughtsTokenCount apart from candidatesTokenCount: its
// reader must add the two into `output`, or thinking would go unbilled.
// A cost beyond Money4's range saturates at its maximum.
Charge charge_for(const streams::TokenUsage& usage, const std::optional<ModelRates>& rates);

}  // namespace sluice::ledger
