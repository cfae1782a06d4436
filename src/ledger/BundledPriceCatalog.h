// BundledPriceCatalog: data/pricing/catalog.json as built into the binary (see data/pricing/README.md).
// The environment variable SLUICE_PRICE_CATALOG may name a file to use instead (newer prices
// without a rebuild).
#pragma once

#include "core/Expected.h"
#include "ledger/PriceCatalog.h"

#include <memory>
#include <string_view>

namespace sluice::ledger {

std::string_view bundled_price_catalog_json();

// SLUICE_PRICE_CATALOG's file when set, else the bundled catalog. A catalog that does not parse is
// an error naming why (the gateway refuses to start rather than price with nothing).
Expected<std::shared_ptr<const PriceCatalog>> load_price_catalog();

}  // namespace sluice::ledger
