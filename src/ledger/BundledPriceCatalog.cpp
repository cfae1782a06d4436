#include "ledger/BundledPriceCatalog.h"

#include <cstdlib>

namespace sluice::ledger {

Expected<std::shared_ptr<const PriceCatalog>> load_price_catalog() {
  std::string why;
  std::optional<PriceCatalog> catalog;
  const char* override_file = std::getenv("SLUICE_PRICE_CATALOG");
  if (override_file != nullptr && *override_file != '\0') {
    catalog = PriceCatalog::load(override_file, &why);
    if (!catalog) {
      return GatewayError{500, "internal_error", "price_catalog_invalid", std::nullopt,
                          std::string("SLUICE_PRICE_CATALOG ") + override_file + ": " + why};
    }
  } else {
    catalog = PriceCatalog::parse(bundled_price_catalog_json(), &why);
    if (!catalog) {
      return GatewayError{500, "internal_error", "price_catalog_invalid", std::nullopt,
                          "the bundled price catalog does not parse: " + why};
    }
  }
  return std::make_shared<const PriceCatalog>(std::move(*catalog));
}

}  // namespace sluice::ledger
