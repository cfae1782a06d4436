// TimeZone and PosixTzRule: offsets from TZif files and from their POSIX TZ footers.
#include "ledger/TimeZone.h"

#include "TzifBuilder.h"

#include <gtest/gtest.h>

namespace sluice::ledger {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

sys_seconds at(year_month_day day, seconds time = 0s) { return sys_days(day) + time; }

TimeZone zone(std::string_view name) {
  std::string why;
  auto loaded = TimeZone::load(name, &why);
  EXPECT_TRUE(loaded) << why;
  return loaded ? *loaded : TimeZone::utc();
}

seconds posix_offset(std::string_view rule, sys_seconds instant) {
  const auto parsed = PosixTzRule::parse(rule);
  EXPECT_TRUE(parsed) << rule;
  return parsed ? parsed->utc_offset_at(instant) : -999h;
}

TEST(TimeZone, UtcIsBuiltInWithoutZoneinfo) {
  const auto utc = TimeZone::load("UTC", nullptr, "/nonexistent");
  ASSERT_TRUE(utc);
  EXPECT_EQ(utc->utc_offset_at(at(2024y / July / 1)), 0s);
  EXPECT_TRUE(TimeZone::load("Etc/UTC", nullptr, "/nonexistent"));
}

TEST(TimeZone, RejectsNamesThatCouldEscapeTheDirectory) {
  for (const char* name : {"", "../etc/passwd", "/etc/localtime", "Europe/../../etc/passwd",
                           "Europe//Berlin", "Europe/Berlin;ls", "Europe/Berlin\n"}) {
    std::string why;
    EXPECT_FALSE(TimeZone::load(name, &why)) << name;
    EXPECT_NE(why.find("not a valid time zone name"), std::string::npos) << name;
  }
}

TEST(TimeZone, UnknownNameIsAnError) {
  std::string why;
  EXPECT_FALSE(TimeZone::load("Mars/Olympus_Mons", &why));
  EXPECT_NE(why.find("unknown time zone `Mars/Olympus_Mons`"), std::string::npos);
  EXPECT_FALSE(TimeZone::load("Europe", &why));  // a directory, not a zone
}

TEST(TimeZone, RejectsFilesThatAreNotTzif) {
  std::string why;
  EXPECT_FALSE(
      TimeZone::from_tzif("Bad/Zone", "not a tzif file at all, but long enough to read", &why));
  EXPECT_NE(why.find("not a valid TZif file"), std::string::npos);
  const std::string valid = test::make_tzif({{0, false}}, {}, "UTC0");
  EXPECT_FALSE(TimeZone::from_tzif("Cut/Short", std::string_view(valid).substr(0, 70)));
}

TEST(TimeZone, BerlinIsOneHourAheadInWinterAndTwoInSummer) {
  const auto berlin = zone("Europe/Berlin");
  EXPECT_EQ(berlin.utc_offset_at(at(2024y / January / 15)), 1h);
  EXPECT_EQ(berlin.utc_offset_at(at(2024y / July / 15)), 2h);
}

TEST(TimeZone, BerlinSwitchesAtOneUtcOnTheLastSundayOfMarch) {
  const auto berlin = zone("Europe/Berlin");
  EXPECT_EQ(berlin.utc_offset_at(at(2024y / March / 31, 1h) - 1s), 1h);
  EXPECT_EQ(berlin.utc_offset_at(at(2024y / March / 31, 1h)), 2h);
}

TEST(TimeZone, NewYorkFallsBackAtSixUtcOnTheFirstSundayOfNovember) {
  const auto new_york = zone("America/New_York");
  EXPECT_EQ(new_york.utc_offset_at(at(2024y / November / 3, 6h) - 1s), -4h);
  EXPECT_EQ(new_york.utc_offset_at(at(2024y / November / 3, 6h)), -5h);
}

TEST(TimeZone, FooterRuleGovernsYearsPastTheTable) {
  const auto berlin = zone("Europe/Berlin");
  EXPECT_EQ(berlin.utc_offset_at(at(2100y / January / 1)), 1h);
  EXPECT_EQ(berlin.utc_offset_at(at(2100y / July / 1)), 2h);
  // 2100-03-28 is the last Sunday of March 2100.
  EXPECT_EQ(berlin.utc_offset_at(at(2100y / March / 28, 1h) - 1s), 1h);
  EXPECT_EQ(berlin.utc_offset_at(at(2100y / March / 28, 1h)), 2h);
}

TEST(TimeZone, ReadsTransitionsAndTypesFromTheSixtyFourBitSection) {
  // Offset +1h until 2000-01-01, then +3h; no footer.
  const auto bytes = test::make_tzif({{3600, false}, {10800, false}}, {{946684800, 1}}, "");
  const auto built = TimeZone::from_tzif("Test/Zone", bytes);
  ASSERT_TRUE(built);
  EXPECT_EQ(built->utc_offset_at(at(1999y / December / 31)), 1h);
  EXPECT_EQ(built->utc_offset_at(at(2000y / January / 1)), 3h);
  EXPECT_EQ(built->utc_offset_at(at(2090y / January / 1)), 3h);
}

TEST(TimeZone, LocalDayStartsAtLocalMidnight) {
  const auto berlin = zone("Europe/Berlin");
  EXPECT_EQ(berlin.start_of_local_day(local_days(2024y / March / 31)), at(2024y / March / 30, 23h));
  EXPECT_EQ(berlin.start_of_local_day(local_days(2024y / April / 1)), at(2024y / March / 31, 22h));
  EXPECT_EQ(berlin.local_day_of(at(2024y / March / 30, 23h)), local_days(2024y / March / 31));
}

TEST(TimeZone, SkippedMidnightStartsTheDayAtTheTransition) {
  // DST begins at 00:00 local on the second Sunday of March (2030-03-10): 00:00 → 01:00.
  const auto zone = TimeZone::from_tzif(
      "Test/Midnight", test::make_tzif({{-3 * 3600, false}}, {}, "XST3XDT,M3.2.0/0,M11.1.0/0"));
  ASSERT_TRUE(zone);
  EXPECT_EQ(zone->start_of_local_day(local_days(2030y / March / 10)), at(2030y / March / 10, 3h));
  // DST ends at 00:00 XDT (02:00 UTC) on 2030-11-03, turning the clock back to 23:00 on the 2nd:
  // the 3rd's only midnight is the standard-time one.
  EXPECT_EQ(zone->start_of_local_day(local_days(2030y / November / 3)),
            at(2030y / November / 3, 3h));
}

TEST(TimeZone, RepeatedMidnightStartsTheDayAtTheFirst) {
  // DST ends at 01:00 XDT (03:00 UTC) on 2030-11-03: 00:00–01:00 happens twice.
  const auto zone = TimeZone::from_tzif(
      "Test/Midnight", test::make_tzif({{-3 * 3600, false}}, {}, "XST3XDT,M3.2.0/0,M11.1.0/1"));
  ASSERT_TRUE(zone);
  EXPECT_EQ(zone->start_of_local_day(local_days(2030y / November / 3)),
            at(2030y / November / 3, 2h));
}

TEST(TimeZonePosixRule, ParsesFixedOffsetsWithAngleBracketNames) {
  EXPECT_EQ(posix_offset("<+0530>-5:30", at(2030y / June / 1)), 5h + 30min);
  EXPECT_EQ(posix_offset("EST5", at(2030y / June / 1)), -5h);
}

TEST(TimeZonePosixRule, SouthernHemisphereDstSpansTheNewYear) {
  const char* sydney = "AEST-10AEDT,M10.1.0,M4.1.0/3";
  EXPECT_EQ(posix_offset(sydney, at(2030y / January / 15)), 11h);
  EXPECT_EQ(posix_offset(sydney, at(2030y / July / 15)), 10h);
  EXPECT_EQ(posix_offset(sydney, at(2030y / December / 25)), 11h);
}

TEST(TimeZonePosixRule, WeekFiveMeansTheLastWeekdayOfTheMonth) {
  // March 2030: the last Sunday is the 31st; 01:00 UTC is 02:00 CET.
  EXPECT_EQ(posix_offset("CET-1CEST,M3.5.0,M10.5.0/3", at(2030y / March / 31, 1h) - 1s), 1h);
  EXPECT_EQ(posix_offset("CET-1CEST,M3.5.0,M10.5.0/3", at(2030y / March / 31, 1h)), 2h);
}

TEST(TimeZonePosixRule, AcceptsNegativeRuleTimes) {
  // America/Nuuk since 2023: DST from the last Saturday of March at 22:00 (−2h of Sunday).
  const char* nuuk = "<-02>2<-01>,M3.5.0/-1,M10.5.0/0";
  EXPECT_EQ(posix_offset(nuuk, at(2030y / January / 10)), -2h);
  EXPECT_EQ(posix_offset(nuuk, at(2030y / June / 10)), -1h);
}

TEST(TimeZonePosixRule, JulianDayFormsSkipOrCountFebruary29) {
  // J60 is 1 March in every year; 59 (zero-based) is 29 February in a leap year.
  EXPECT_EQ(posix_offset("AAA0BBB,J60/0,J300/0", at(2028y / March / 1) - 1s), 0s);
  EXPECT_EQ(posix_offset("AAA0BBB,J60/0,J300/0", at(2028y / March / 1)), 1h);
  EXPECT_EQ(posix_offset("AAA0BBB,59/0,300/0", at(2028y / February / 29)), 1h);
}

TEST(TimeZonePosixRule, RejectsMalformedRules) {
  for (const char* rule : {"", "C", "CET", "CET-1CEST,M13.1.0,M10.5.0", "CET-1CEST,M3.5.0",
                           "CET-1CEST,M3.0.0,M10.5.0", "CET-1CEST,M3.5.0,M10.5.0/3x"}) {
    EXPECT_FALSE(PosixTzRule::parse(rule)) << rule;
  }
}

}  // namespace
}  // namespace sluice::ledger
