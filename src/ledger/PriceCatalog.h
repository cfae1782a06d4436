// PriceCatalog: list prices per million tokens, by pricing provider and model, read from
// data/pricing/catalog.json.
//
// A route's cost is only as right as this table, so the table is data, not code: prices are decimal
// strings parsed with Money4 (never floats), each provider carries the date its prices were taken
// and where from, and a unit test loads the shipped file so a bad edit fails the build. The catalog
// is a lookup, nothing more; which rates a request is charged at (a route's pricing_override first)
// is Pricing's decision.
#pragma once

#include "config/Money.h"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::ledger {

// USD per 1,000,000 tokens. Absent cache rates mean "charged at the input rate" (see Pricing.h).
struct ModelRates {
  config::Money4 input;
  config::Money4 output;
  std::optional<config::Money4> cache_read;
  std::optional<config::Money4> cache_write;

  friend bool operator==(const ModelRates&, const ModelRates&) = default;
};

class PriceCatalog {
 public:
  // The pricing_provider_id values config.md §10 allows; the catalog accepts no others.
  static bool is_supported_provider(std::string_view pricing_provider_id);

  // Parses the catalog document. On failure returns nullopt and, when `why` is given, a reason
  // naming the offending provider/model/field.
  static std::optional<PriceCatalog> parse(std::string_view json, std::string* why = nullptr);
  static std::optional<PriceCatalog> load(const std::filesystem::path& file,
                                          std::string* why = nullptr);

  // Rates for `model` under `pricing_provider_id`, or nullptr. Exact key first; then the
  // provider's spelling variants, so one entry serves them all:
  //  - amazon-bedrock: a cross-region inference profile prefix (`us.`, `eu.`, `apac.`, `global.`,
  //    `us-gov.`, `jp.`, `au.`, `ca.`) is dropped: `us.anthropic.claude-…` prices as
  //    `anthropic.claude-…`. An explicit prefixed entry, when present, wins (exact match first).
  //  - google-vertex / google-vertex-anthropic: a `<publisher>/` prefix and an `@<version>` suffix
  //    are dropped: `anthropic/claude-sonnet-4-5@20250929` prices as `claude-sonnet-4-5`.
  // ARNs (application inference profiles) are not resolved: they need a pricing_override.
  const ModelRates* find(std::string_view pricing_provider_id, std::string_view model) const;

  std::size_t model_count() const;

 private:
  struct ProviderPrices {
    std::string as_of;
    std::string source;
    std::map<std::string, ModelRates, std::less<>> models;
  };
  const ModelRates* find_exact(const ProviderPrices& prices, std::string_view model) const;

  std::map<std::string, ProviderPrices, std::less<>> providers_;
};

}  // namespace sluice::ledger
