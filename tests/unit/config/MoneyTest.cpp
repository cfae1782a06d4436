// Money4: fixed-point dollars with four fractional digits (reference config.md §0.3).
#include "config/Money.h"

#include <gtest/gtest.h>

#include <limits>

namespace sluice::config {
namespace {

struct ValidMoney {
  const char* text;
  std::int64_t units;
  const char* printed;
};

class MoneyParsesValid : public ::testing::TestWithParam<ValidMoney> {};

TEST_P(MoneyParsesValid, ToExactUnits) {
  const auto& [text, units, printed] = GetParam();
  const auto money = Money4::parse(text);
  ASSERT_TRUE(money) << text;
  EXPECT_EQ(money->units(), units) << text;
  EXPECT_EQ(money->to_string(), printed) << text;
}

INSTANTIATE_TEST_SUITE_P(
    MoneyTable, MoneyParsesValid,
    ::testing::Values(ValidMoney{"0", 0, "0.0000"}, ValidMoney{"12", 120000, "12.0000"},
                      ValidMoney{"12.5", 125000, "12.5000"}, ValidMoney{"0.0001", 1, "0.0001"},
                      ValidMoney{"200.0000", 2000000, "200.0000"},
                      ValidMoney{"-3.25", -32500, "-3.2500"}, ValidMoney{"+7", 70000, "7.0000"},
                      ValidMoney{".5", 5000, "0.5000"}, ValidMoney{"5.", 50000, "5.0000"},
                      ValidMoney{"922337203685477.5807", std::numeric_limits<std::int64_t>::max(),
                                 "922337203685477.5807"}));

struct InvalidMoney {
  const char* text;
  const char* reason;
};

class MoneyRejectsInvalid : public ::testing::TestWithParam<InvalidMoney> {};

TEST_P(MoneyRejectsInvalid, WithAReason) {
  const auto& [text, reason] = GetParam();
  std::string why;
  EXPECT_FALSE(Money4::parse(text, &why)) << text;
  EXPECT_NE(why.find(reason), std::string::npos) << text << ": " << why;
}

INSTANTIATE_TEST_SUITE_P(
    MoneyTable, MoneyRejectsInvalid,
    ::testing::Values(InvalidMoney{"", "empty"}, InvalidMoney{"1e3", "exponent"},
                      InvalidMoney{"1.5E2", "exponent"}, InvalidMoney{"0.00001", "4 fractional"},
                      InvalidMoney{"12.34567", "4 fractional"}, InvalidMoney{"abc", "unexpected"},
                      InvalidMoney{"1,000", "unexpected"}, InvalidMoney{"1.2.3", "unexpected"},
                      InvalidMoney{" 1", "unexpected"}, InvalidMoney{".", "no digits"},
                      InvalidMoney{"-", "no digits"},
                      InvalidMoney{"922337203685477.5808", "too large"},
                      InvalidMoney{"99999999999999999999", "too large"}));

TEST(MoneyFormat, NegativeValuesKeepTheirSign) {
  EXPECT_EQ(Money4::from_units(-1).to_string(), "-0.0001");
  EXPECT_TRUE(Money4::from_units(-1).is_negative());
}

TEST(MoneyFormat, MostNegativeValuePrintsWithoutOverflow) {
  EXPECT_EQ(Money4::from_units(std::numeric_limits<std::int64_t>::min()).to_string(),
            "-922337203685477.5808");
}

TEST(MoneyCompare, OrdersByValue) {
  EXPECT_LT(*Money4::parse("1.9999"), *Money4::parse("2"));
  EXPECT_EQ(*Money4::parse("2.50"), *Money4::parse("2.5000"));
}

}  // namespace
}  // namespace sluice::config
