// FocusExport: the FOCUS 1.0 header, one row per ledger aggregate with its periods, costs, units
// and tags, and CSV safety for names that come from callers.
#include "console/FocusExport.h"
#include "console/UtcDates.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <algorithm>

namespace sluice::console {
namespace {

// Splits one CSV line (quoted fields may hold commas and doubled quotes, not line breaks).
std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(field);
      field.clear();
    } else {
      field += c;
    }
  }
  out.push_back(field);
  return out;
}

std::vector<std::string> lines(const std::string& document) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < document.size()) {
    const auto end = document.find("\r\n", start);
    out.push_back(document.substr(start, end - start));
    start = end + 2;
  }
  return out;
}

store::FocusUsageRow sample_row() {
  store::FocusUsageRow row;
  row.day = 20'089;  // 2025-01-01
  row.principal = {store::PrincipalKind::kServiceAccount, "robot"};
  row.principal_name = "Robot";
  row.model = "gpt";
  row.provider = "openai";
  row.cost = config::Money4::from_units(12'345);
  row.requests = 3;
  row.unpriced_requests = 1;
  row.input_tokens = 100;
  row.output_tokens = 50;
  return row;
}

std::string column(const std::vector<std::string>& header, const std::vector<std::string>& row,
                   std::string_view name) {
  const auto at = std::find(header.begin(), header.end(), name);
  EXPECT_NE(at, header.end()) << name;
  return at == header.end() ? std::string() : row.at(static_cast<std::size_t>(at - header.begin()));
}

TEST(FocusExportTest, AnEmptyExportIsTheHeaderRowAlone) {
  const auto document = lines(focus_csv({}));
  ASSERT_EQ(document.size(), 1u);
  const auto header = fields(document[0]);
  for (const char* name :
       {"BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "BillingCurrency",
        "BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd",
        "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency", "ConsumedQuantity",
        "ConsumedUnit", "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName",
        "InvoiceIssuerName", "ServiceName", "ServiceCategory", "ResourceId", "ResourceName",
        "SubAccountId", "SubAccountName", "Tags"}) {
    EXPECT_NE(std::find(header.begin(), header.end(), name), header.end()) << name;
  }
  EXPECT_EQ(header.size(), focus_columns().size());
}

TEST(FocusExportTest, WritesARowWithItsDayMonthCostsAndQuantities) {
  const auto document = lines(focus_csv({sample_row()}));
  ASSERT_EQ(document.size(), 2u);
  const auto header = fields(document[0]);
  const auto row = fields(document[1]);
  ASSERT_EQ(row.size(), header.size());
  for (const char* cost : {"BilledCost", "EffectiveCost", "ListCost", "ContractedCost"}) {
    EXPECT_EQ(column(header, row, cost), "1.2345") << cost;
  }
  EXPECT_EQ(column(header, row, "BillingCurrency"), "USD");
  EXPECT_EQ(column(header, row, "ChargePeriodStart"), "2025-01-01T00:00:00Z");
  EXPECT_EQ(column(header, row, "ChargePeriodEnd"), "2025-01-02T00:00:00Z");
  EXPECT_EQ(column(header, row, "BillingPeriodStart"), "2025-01-01T00:00:00Z");
  EXPECT_EQ(column(header, row, "BillingPeriodEnd"), "2025-02-01T00:00:00Z");
  EXPECT_EQ(column(header, row, "ChargeCategory"), "Usage");
  EXPECT_EQ(column(header, row, "ChargeClass"), "");
  EXPECT_EQ(column(header, row, "ChargeFrequency"), "Usage-Based");
  EXPECT_EQ(column(header, row, "ConsumedQuantity"), "150");
  EXPECT_EQ(column(header, row, "ConsumedUnit"), "Tokens");
  EXPECT_EQ(column(header, row, "ServiceCategory"), "AI and Machine Learning");
  EXPECT_EQ(column(header, row, "ServiceName"), "gpt");
  EXPECT_EQ(column(header, row, "ResourceId"), "gpt");
  EXPECT_EQ(column(header, row, "ProviderName"), "openai");
  EXPECT_EQ(column(header, row, "InvoiceIssuerName"), "Sluice");
  EXPECT_EQ(column(header, row, "SubAccountId"), "robot");
  EXPECT_EQ(column(header, row, "SubAccountName"), "Robot");
  EXPECT_EQ(column(header, row, "x_UnpricedRequests"), "1");
  const auto tags = boost::json::parse(column(header, row, "Tags")).as_object();
  EXPECT_EQ(tags.at("principal_kind").as_string(), "service_account");
  EXPECT_EQ(tags.at("pricing_status").as_string(), "partially_priced");
  EXPECT_EQ(tags.at("input_tokens").as_string(), "100");
  EXPECT_EQ(tags.at("output_tokens").as_string(), "50");
}

TEST(FocusExportTest, ADecemberRowBillsUntilTheNextJanuary) {
  store::FocusUsageRow row = sample_row();
  row.day = 20'088;  // 2024-12-31
  const auto document = lines(focus_csv({row}));
  const auto header = fields(document[0]);
  const auto fields_of_row = fields(document[1]);
  EXPECT_EQ(column(header, fields_of_row, "BillingPeriodStart"), "2024-12-01T00:00:00Z");
  EXPECT_EQ(column(header, fields_of_row, "BillingPeriodEnd"), "2025-01-01T00:00:00Z");
  EXPECT_EQ(column(header, fields_of_row, "ChargePeriodEnd"), "2025-01-01T00:00:00Z");
}

TEST(FocusExportTest, NamesFromCallersCannotInjectFormulasOrBreakTheRow) {
  store::FocusUsageRow row = sample_row();
  row.principal_name = "=cmd|' /C calc'!A0";
  row.model = "evil,\"model\"";
  const auto document = lines(focus_csv({row}));
  ASSERT_EQ(document.size(), 2u);
  const auto header = fields(document[0]);
  const auto values = fields(document[1]);
  ASSERT_EQ(values.size(), header.size());
  EXPECT_EQ(column(header, values, "SubAccountName"), "'=cmd|' /C calc'!A0");
  EXPECT_EQ(column(header, values, "ResourceId"), "evil,\"model\"");
}

TEST(FocusExportTest, SaysHowMuchOfARowWasPriced) {
  store::FocusUsageRow row = sample_row();
  row.unpriced_requests = 0;
  EXPECT_EQ(focus_pricing_status(row), "priced");
  row.unpriced_requests = row.requests;
  EXPECT_EQ(focus_pricing_status(row), "unpriced");
}

TEST(UtcDatesTest, WritesDaysAndInstants) {
  EXPECT_EQ(utc_date(0), "1970-01-01");
  EXPECT_EQ(utc_date(20'089), "2025-01-01");
  EXPECT_EQ(utc_timestamp(std::chrono::sys_seconds{std::chrono::seconds{1'735'693'261}}),
            "2025-01-01T01:01:01Z");
  EXPECT_EQ(utc_compact_timestamp(std::chrono::sys_seconds{std::chrono::seconds{1'735'693'261}}),
            "20250101T010101Z");
}

}  // namespace
}  // namespace sluice::console
