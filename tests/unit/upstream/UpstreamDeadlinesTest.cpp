#include "upstream/UpstreamDeadlines.h"

#include <gtest/gtest.h>

namespace sluice::upstream {
namespace {

using namespace std::chrono_literals;

TEST(UpstreamDeadlines, ForTotalLetsTheFirstByteTakeTheWholeTotal) {
  const auto deadlines = UpstreamDeadlines::for_total(300'000ms);
  EXPECT_EQ(deadlines.connect, 10'000ms);
  EXPECT_EQ(deadlines.first_byte, 300'000ms);
  EXPECT_EQ(deadlines.total, 300'000ms);
}

TEST(UpstreamDeadlines, EachPhaseEndsByTheEarliestRuleThatApplies) {
  const auto exchange = ExchangeDeadlines::starting_now(UpstreamDeadlines{10'000ms, 120'000ms, 2'000ms});
  EXPECT_EQ(exchange.total.rule, "total");
  EXPECT_EQ(exchange.first_byte.rule, "total");  // the total comes first
  EXPECT_EQ(exchange.connect.rule, "total");
  EXPECT_EQ(exchange.connect.at, exchange.total.at);

  const auto roomy = ExchangeDeadlines::starting_now(UpstreamDeadlines{1'000ms, 5'000ms, 60'000ms});
  EXPECT_EQ(roomy.connect.rule, "connect");
  EXPECT_EQ(roomy.first_byte.rule, "first byte");
  EXPECT_EQ(roomy.first_byte.budget, 5'000ms);
  EXPECT_LT(roomy.connect.at, roomy.first_byte.at);
}

}  // namespace
}  // namespace sluice::upstream
