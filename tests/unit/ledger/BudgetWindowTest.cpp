// BudgetWindow: daily, weekly and monthly windows in the budget's time zone (config.md §6).
#include "ledger/BudgetWindow.h"

#include "TzifBuilder.h"

#include <gtest/gtest.h>

namespace sluice::ledger {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using config::BudgetCadence;

sys_seconds at(year_month_day day, seconds time = 0s) { return sys_days(day) + time; }

const TimeZone& berlin() {
  static const TimeZone zone = *TimeZone::load("Europe/Berlin");
  return zone;
}

const TimeZone& new_york() {
  static const TimeZone zone = *TimeZone::load("America/New_York");
  return zone;
}

TEST(BudgetWindow, UtcDayIsTwentyFourHours) {
  const auto window =
      BudgetWindow::containing(BudgetCadence::kDaily, TimeZone::utc(), at(2024y / May / 5, 13h));
  EXPECT_EQ(window.start, at(2024y / May / 5));
  EXPECT_EQ(window.end, at(2024y / May / 6));
}

TEST(BudgetWindow, BerlinSpringForwardDayIsTwentyThreeHours) {
  const auto window =
      BudgetWindow::containing(BudgetCadence::kDaily, berlin(), at(2024y / March / 31, 12h));
  EXPECT_EQ(window.start, at(2024y / March / 30, 23h));
  EXPECT_EQ(window.end, at(2024y / March / 31, 22h));
  EXPECT_EQ(window.length(), 23h);
}

TEST(BudgetWindow, BerlinFallBackDayIsTwentyFiveHours) {
  const auto window =
      BudgetWindow::containing(BudgetCadence::kDaily, berlin(), at(2024y / October / 27, 12h));
  EXPECT_EQ(window.start, at(2024y / October / 26, 22h));
  EXPECT_EQ(window.end, at(2024y / October / 27, 23h));
  EXPECT_EQ(window.length(), 25h);
}

TEST(BudgetWindow, NewYorkDstDaysAreTwentyThreeAndTwentyFiveHours) {
  const auto spring =
      BudgetWindow::containing(BudgetCadence::kDaily, new_york(), at(2024y / March / 10, 12h));
  EXPECT_EQ(spring.start, at(2024y / March / 10, 5h));
  EXPECT_EQ(spring.length(), 23h);
  const auto fall =
      BudgetWindow::containing(BudgetCadence::kDaily, new_york(), at(2024y / November / 3, 12h));
  EXPECT_EQ(fall.start, at(2024y / November / 3, 4h));
  EXPECT_EQ(fall.length(), 25h);
}

TEST(BudgetWindow, LocalDayNotUtcDayDecides) {
  // 2024-06-01 02:00 UTC is still 31 May, 22:00 in New York.
  const auto window =
      BudgetWindow::containing(BudgetCadence::kDaily, new_york(), at(2024y / June / 1, 2h));
  EXPECT_EQ(window.start, at(2024y / May / 31, 4h));
}

TEST(BudgetWindow, WeekStartsMondayMidnightLocal) {
  // Sunday 2024-03-31 in Berlin: the week began Monday 25 March (CET) and ends Monday 1 April
  // (CEST).
  const auto window =
      BudgetWindow::containing(BudgetCadence::kWeekly, berlin(), at(2024y / March / 31, 12h));
  EXPECT_EQ(window.start, at(2024y / March / 24, 23h));
  EXPECT_EQ(window.end, at(2024y / March / 31, 22h));
  EXPECT_EQ(window.length(), 167h);
}

TEST(BudgetWindow, MondayJustAfterLocalMidnightOpensANewWeek) {
  // Sunday 22:30 UTC is Monday 00:30 in Berlin (summer).
  const auto window =
      BudgetWindow::containing(BudgetCadence::kWeekly, berlin(), at(2024y / June / 9, 22h + 30min));
  EXPECT_EQ(window.start, at(2024y / June / 9, 22h));
}

TEST(BudgetWindow, FebruaryHasTwentyNineDaysInALeapYear) {
  const auto leap = BudgetWindow::containing(BudgetCadence::kMonthly, TimeZone::utc(),
                                             at(2024y / February / 29, 12h));
  EXPECT_EQ(leap.start, at(2024y / February / 1));
  EXPECT_EQ(leap.end, at(2024y / March / 1));
  const auto common =
      BudgetWindow::containing(BudgetCadence::kMonthly, TimeZone::utc(), at(2023y / February / 28));
  EXPECT_EQ(common.length(), days(28));
  const auto century =
      BudgetWindow::containing(BudgetCadence::kMonthly, TimeZone::utc(), at(2100y / February / 10));
  EXPECT_EQ(century.length(), days(28));  // 2100 is not a leap year
}

TEST(BudgetWindow, MonthBoundaryFollowsTheLocalCalendar) {
  // 2024-01-31 23:30 UTC is already 1 February in Berlin.
  const auto berlin_month = BudgetWindow::containing(BudgetCadence::kMonthly, berlin(),
                                                     at(2024y / January / 31, 23h + 30min));
  EXPECT_EQ(berlin_month.start, at(2024y / January / 31, 23h));
  EXPECT_EQ(berlin_month.end, at(2024y / February / 29, 23h));
  // 2024-12-01 03:00 UTC is still 30 November in New York; November began on EDT, ends on EST.
  const auto ny_month =
      BudgetWindow::containing(BudgetCadence::kMonthly, new_york(), at(2024y / December / 1, 3h));
  EXPECT_EQ(ny_month.start, at(2024y / November / 1, 4h));
  EXPECT_EQ(ny_month.end, at(2024y / December / 1, 5h));
}

TEST(BudgetWindow, DecemberRollsIntoTheNextYear) {
  const auto window = BudgetWindow::containing(BudgetCadence::kMonthly, TimeZone::utc(),
                                               at(2024y / December / 31, 23h));
  EXPECT_EQ(window.end, at(2025y / January / 1));
}

TEST(BudgetWindow, RepeatedHourAfterMidnightFallBackBelongsToTheNewDay) {
  // Fall-back at 00:30 XDT (02:30 UTC) on 2030-11-03 to 23:30 on the 2nd: 3 November began at
  // 02:00 UTC (its first midnight), yet 02:45 UTC reads 23:45 on 2 November.
  const auto zone = TimeZone::from_tzif(
      "Test/Midnight", test::make_tzif({{-3 * 3600, false}}, {}, "XST3XDT,M3.2.0/0,M11.1.0/0:30"));
  ASSERT_TRUE(zone);
  const auto window =
      BudgetWindow::containing(BudgetCadence::kDaily, *zone, at(2030y / November / 3, 2h + 45min));
  EXPECT_EQ(window.start, at(2030y / November / 3, 2h));
  EXPECT_EQ(window.end, at(2030y / November / 4, 3h));
}

TEST(BudgetWindow, WindowsTileTheYearWithoutGapsOrOverlaps) {
  for (const TimeZone* zone : {&berlin(), &new_york()}) {
    for (const auto cadence :
         {BudgetCadence::kDaily, BudgetCadence::kWeekly, BudgetCadence::kMonthly}) {
      auto window = BudgetWindow::containing(cadence, *zone, at(2024y / January / 1));
      for (sys_seconds t = at(2024y / January / 1); t < at(2025y / January / 1); t += 1h) {
        ASSERT_TRUE(window.contains(t) || t == window.end) << zone->name();
        if (t == window.end) {
          const auto next = BudgetWindow::containing(cadence, *zone, t);
          ASSERT_EQ(next.start, window.end) << zone->name();
          window = next;
        }
      }
    }
  }
}

}  // namespace
}  // namespace sluice::ledger
