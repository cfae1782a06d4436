#include "ledger/Pricing.h"

#include <algorithm>
#include <limits>

namespace sluice::ledger {

namespace {

__extension__ using Int128 = __int128;  // __extension__: a GNU type, on purpose

constexpr Int128 kTokensPerRateUnit = 1'000'000;  // rates are per million tokens

ModelRates rates_of(const config::RoutePricing& override_rates) {
  return {override_rates.input_usd_per_million_tokens, override_rates.output_usd_per_million_tokens,
          override_rates.cache_read_usd_per_million_tokens,
          override_rates.cache_write_usd_per_million_tokens};
}

Int128 tokens_times_rate(std::int64_t tokens, config::Money4 rate) {
  return static_cast<Int128>(std::max<std::int64_t>(tokens, 0)) * rate.units();
}

// Divides by one million, rounding half up (the sum is never negative), and saturates.
config::Money4 round_to_money(Int128 units_times_million) {
  const Int128 units = (units_times_million + kTokensPerRateUnit / 2) / kTokensPerRateUnit;
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  return config::Money4::from_units(units > kMax ? kMax : static_cast<std::int64_t>(units));
}

}  // namespace

std::string_view to_string(PricingStatus status) {
  switch (status) {
    case PricingStatus::kPriced:
      return "priced";
    case PricingStatus::kUnpriced:
      return "unpriced";
    case PricingStatus::kUsageMissing:
      return "usage_missing";
  }
  return "unpriced";
}

std::optional<CatalogKey> catalog_key_for(const config::ProviderConfig& provider,
                                          std::string_view upstream_model) {
  const std::string model(upstream_model);
  if (provider.openai_compat) return CatalogKey{provider.openai_compat->pricing_provider_id, model};
  if (provider.gcp_cloud_run) return CatalogKey{provider.gcp_cloud_run->pricing_provider_id, model};
  if (provider.aws_bedrock) return CatalogKey{"amazon-bedrock", model};
  if (provider.github_copilot && provider.github_copilot->pricing_provider_id) {
    return CatalogKey{*provider.github_copilot->pricing_provider_id, model};
  }
  if (provider.gcp_vertex) {
    if (upstream_model.starts_with("google/")) return CatalogKey{"google-vertex", model};
    if (upstream_model.starts_with("anthropic/") && provider.gcp_vertex->location == "global") {
      return CatalogKey{"google-vertex-anthropic", model};
    }
  }
  return std::nullopt;
}

std::optional<ModelRates> rates_for(const config::RouteConfig& route,
                                    const std::optional<CatalogKey>& key,
                                    const PriceCatalog& catalog) {
  if (route.pricing_override) return rates_of(*route.pricing_override);
  if (!key) return std::nullopt;
  const auto* rates = catalog.find(key->pricing_provider_id, key->model);
  return rates != nullptr ? std::optional<ModelRates>(*rates) : std::nullopt;
}

Charge charge_for(const streams::TokenUsage& usage, const std::optional<ModelRates>& rates) {
  if (!usage.present) return {PricingStatus::kUsageMissing, {}};
  if (!rates) return {PricingStatus::kUnpriced, {}};

  const std::int64_t cached = std::max<std::int64_t>(usage.cached_input, 0);
  const std::int64_t written = std::max<std::int64_t>(usage.cache_write_input, 0);
  // Saturating: a reader that reported more cache tokens than input leaves no plain input.
  const Int128 plain = std::max<Int128>(Int128{usage.input} - cached - written, 0);

  const Int128 total = plain * rates->input.units() +
                       tokens_times_rate(cached, rates->cache_read.value_or(rates->input)) +
                       tokens_times_rate(written, rates->cache_write.value_or(rates->input)) +
                       tokens_times_rate(usage.output, rates->output);
  return {PricingStatus::kPriced, round_to_money(total)};
}

}  // namespace sluice::ledger
