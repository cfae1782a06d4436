#include "console/FocusExport.h"

#include "console/CsvWriter.h"
#include "console/UtcDates.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

namespace sluice::console {

using std::chrono::days;
using std::chrono::sys_seconds;

const std::vector<std::string_view>& focus_columns() {
  static const std::vector<std::string_view> kColumns = {
      "BilledCost",        "BillingAccountId",   "BillingAccountName", "BillingCurrency",
      "BillingPeriodStart", "BillingPeriodEnd",  "ChargeCategory",     "ChargeClass",
      "ChargeDescription", "ChargeFrequency",    "ChargePeriodStart",  "ChargePeriodEnd",
      "ConsumedQuantity",  "ConsumedUnit",       "ContractedCost",     "EffectiveCost",
      "InvoiceIssuerName", "ListCost",           "PricingCategory",    "PricingQuantity",
      "PricingUnit",       "ProviderName",       "PublisherName",      "ResourceId",
      "ResourceName",      "ResourceType",       "ServiceCategory",    "ServiceName",
      "SubAccountId",      "SubAccountName",     "Tags",               "x_PrincipalKind",
      "x_PricingStatus",   "x_Requests",         "x_UnpricedRequests", "x_InputTokens",
      "x_OutputTokens"};
  return kColumns;
}

std::string_view focus_pricing_status(const store::FocusUsageRow& row) {
  if (row.unpriced_requests == 0) return "priced";
  return row.unpriced_requests >= row.requests ? "unpriced" : "partially_priced";
}

namespace {

void write_row(CsvWriter& csv, const store::FocusUsageRow& row) {
  const auto day = utc_day(row.day);
  const std::string charge_start = utc_timestamp(sys_seconds{day});
  const std::string charge_end = utc_timestamp(sys_seconds{day + days{1}});
  const std::string cost = row.cost.to_string();
  const std::int64_t tokens = row.input_tokens + row.output_tokens;
  const std::string_view principal_kind = store::to_text(row.principal.kind);
  const std::string_view pricing_status = focus_pricing_status(row);
  const std::string tags = boost::json::serialize(boost::json::object{
      {"principal_kind", principal_kind},
      {"pricing_status", pricing_status},
      {"input_tokens", std::to_string(row.input_tokens)},
      {"output_tokens", std::to_string(row.output_tokens)}});

  csv.number(cost);                                             // BilledCost
  csv.text("sluice");                                           // BillingAccountId
  csv.text("Sluice gateway");                                   // BillingAccountName
  csv.text("USD");                                              // BillingCurrency
  csv.text(utc_timestamp(sys_seconds{month_start(day)}));       // BillingPeriodStart
  csv.text(utc_timestamp(sys_seconds{next_month_start(day)}));  // BillingPeriodEnd
  csv.text("Usage");                                            // ChargeCategory
  csv.text("");                                                 // ChargeClass: not a correction
  csv.text(fmt::format("{} requests to {} via {}", row.requests, row.model, row.provider));
  csv.text("Usage-Based");  // ChargeFrequency
  csv.text(charge_start);   // ChargePeriodStart
  csv.text(charge_end);     // ChargePeriodEnd
  csv.number(tokens);       // ConsumedQuantity
  csv.text("Tokens");       // ConsumedUnit
  csv.number(cost);         // ContractedCost
  csv.number(cost);         // EffectiveCost
  csv.text("Sluice");       // InvoiceIssuerName
  csv.number(cost);         // ListCost
  csv.text("Standard");     // PricingCategory: list prices, no commitments
  csv.number(tokens);       // PricingQuantity
  csv.text("Tokens");       // PricingUnit
  csv.text(row.provider);   // ProviderName
  csv.text(row.provider);   // PublisherName
  csv.text(row.model);      // ResourceId
  csv.text(row.model);      // ResourceName
  csv.text("Model");        // ResourceType
  csv.text("AI and Machine Learning");  // ServiceCategory
  csv.text(row.model);                  // ServiceName
  csv.text(row.principal.id);           // SubAccountId
  csv.text(row.principal_name.empty() ? row.principal.id : row.principal_name);
  csv.text(tags);
  csv.text(principal_kind);
  csv.text(pricing_status);
  csv.number(row.requests);
  csv.number(row.unpriced_requests);
  csv.number(row.input_tokens);
  csv.number(row.output_tokens);
  csv.end_row();
}

}  // namespace

std::string focus_csv(const std::vector<store::FocusUsageRow>& rows) {
  CsvWriter csv;
  for (const std::string_view column : focus_columns()) csv.text(column);
  csv.end_row();
  for (const auto& row : rows) write_row(csv, row);
  return csv.take();
}

}  // namespace sluice::console
