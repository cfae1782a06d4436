#include "ledger/CronSchedule.h"

#include <gtest/gtest.h>

#include <chrono>

namespace sluice::ledger {
namespace {

using namespace std::chrono;

sys_seconds utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  return sys_days(year(y) / month(m) / day(d)) + hours(hh) + minutes(mm) + seconds(ss);
}

sys_seconds next(std::string_view schedule, sys_seconds after) {
  std::string why;
  auto parsed = CronSchedule::parse(schedule, &why);
  EXPECT_TRUE(parsed) << why;
  auto fire = parsed->next_after(after);
  EXPECT_TRUE(fire.has_value());
  return fire.value_or(sys_seconds{});
}

TEST(CronScheduleTest, DailyMidnightFiresAtTheNextMidnight) {
  EXPECT_EQ(next("0 0 * * *", utc(2024, 3, 5, 10, 30)), utc(2024, 3, 6));
}

TEST(CronScheduleTest, FiresLaterTheSameDayWhenTheTimeIsStillAhead) {
  EXPECT_EQ(next("30 4 * * *", utc(2024, 3, 5, 2, 0)), utc(2024, 3, 5, 4, 30));
}

TEST(CronScheduleTest, NeverFiresAtTheInstantItIsAskedFrom) {
  EXPECT_EQ(next("30 4 * * *", utc(2024, 3, 5, 4, 30)), utc(2024, 3, 6, 4, 30));
  EXPECT_EQ(next("30 4 * * *", utc(2024, 3, 5, 4, 29, 59)), utc(2024, 3, 5, 4, 30));
}

TEST(CronScheduleTest, DayOfWeekPicksTheNextMatchingWeekday) {
  // 2024-03-05 is a Tuesday; the next Sunday is the 10th.
  EXPECT_EQ(next("15 2 * * 0", utc(2024, 3, 5, 12)), utc(2024, 3, 10, 2, 15));
  EXPECT_EQ(next("15 2 * * 7", utc(2024, 3, 5, 12)), utc(2024, 3, 10, 2, 15));
  EXPECT_EQ(next("15 2 * * sun", utc(2024, 3, 5, 12)), utc(2024, 3, 10, 2, 15));
}

TEST(CronScheduleTest, DayOfMonthRollsIntoTheNextMonthAndYear) {
  EXPECT_EQ(next("0 3 1 * *", utc(2024, 12, 15)), utc(2025, 1, 1, 3, 0));
}

TEST(CronScheduleTest, MonthNamesRangesAndListsWork) {
  EXPECT_EQ(next("0 0 1 jan,jul *", utc(2024, 2, 1)), utc(2024, 7, 1));
  EXPECT_EQ(next("0 0 * * mon-fri", utc(2024, 3, 8, 1)), utc(2024, 3, 11));  // Fri → Mon
  EXPECT_EQ(next("0 0 */10 * *", utc(2024, 3, 2)), utc(2024, 3, 11));        // 1, 11, 21, 31
}

TEST(CronScheduleTest, BothDayFieldsRestrictedMatchEitherAsVixieCronDoes) {
  // The 15th, or any Monday: from Tuesday the 5th the next is Monday the 11th.
  EXPECT_EQ(next("0 0 15 * mon", utc(2024, 3, 5)), utc(2024, 3, 11));
}

TEST(CronScheduleTest, LeapDayIsFoundYearsAhead) {
  EXPECT_EQ(next("0 0 29 2 *", utc(2024, 3, 1)), utc(2028, 2, 29));
}

TEST(CronScheduleTest, ScheduleThatNeverMatchesHasNoNextTime) {
  auto parsed = CronSchedule::parse("0 0 30 feb *");
  ASSERT_TRUE(parsed);
  EXPECT_FALSE(parsed->next_after(utc(2024, 1, 1)).has_value());
}

TEST(CronScheduleTest, RejectsMalformedSchedulesWithAReason) {
  std::string why;
  EXPECT_FALSE(CronSchedule::parse("0 0 * *", &why));
  EXPECT_NE(why.find("5 fields"), std::string::npos);
  EXPECT_FALSE(CronSchedule::parse("61 0 * * *", &why));
  EXPECT_NE(why.find("minute"), std::string::npos);
  EXPECT_FALSE(CronSchedule::parse("0 0 * foo *", &why));
  EXPECT_FALSE(CronSchedule::parse("0 0 */0 * *", &why));
}

}  // namespace
}  // namespace sluice::ledger
