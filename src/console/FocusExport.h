// FocusExport: the usage ledger as a FOCUS 1.0 cost and usage dataset (FinOps Open Cost and Usage
// Specification), one CSV row per UTC day × principal × resolved model × provider.
//
// How the gateway's terms map to FOCUS columns:
//   ChargePeriod*       the UTC day; BillingPeriod* the calendar month holding it
//   BilledCost, EffectiveCost, ListCost, ContractedCost
//                       the priced cost (the gateway knows no discounts or commitments, so all four
//                       agree); unpriced and usage_missing requests add 0 and are counted in
//                       x_UnpricedRequests and the `pricing_status` tag
//   ConsumedQuantity    input + output tokens, ConsumedUnit "Tokens"
//   ServiceName, ResourceId, ResourceName
//                       the gateway's (resolved) model id
//   ProviderName, PublisherName
//                       the provider the route used; InvoiceIssuerName "Sluice"
//   SubAccountId/Name   the principal charged: a service account id or a user's email
// Columns prefixed x_ are this gateway's extensions, as the specification asks of custom columns.
#pragma once

#include "store/ConsoleSpendQueries.h"

#include <string>
#include <string_view>
#include <vector>

namespace sluice::console {

// The header row's column names, in order.
const std::vector<std::string_view>& focus_columns();

// The whole document: the header row, then one row per entry of `rows`.
std::string focus_csv(const std::vector<store::FocusUsageRow>& rows);

// "priced" | "unpriced" | "partially_priced": how much of a row's requests had a price.
std::string_view focus_pricing_status(const store::FocusUsageRow& row);

}  // namespace sluice::console
