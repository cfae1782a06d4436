// CronSchedule: a 5-field cron expression (minute hour day-of-month month day-of-week) and the
// question the purge worker asks of it: when does it next fire after a given instant, in UTC.
//
// The config layer only checks a schedule's shape (five fields, a fixed minute and hour, so at most
// once a day); this is the evaluator. Each field takes `*`, numbers, ranges `a-b`, steps `*/n` and
// `a-b/n`, comma lists of those, and for month and day-of-week the English names (`jan`, `mon`);
// day-of-week 0 and 7 are both Sunday. As in Vixie cron, when both day-of-month and day-of-week
// are restricted a day matches if either does (`0 3 1 * mon`: the 1st and every Monday).
#pragma once

#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::ledger {

class CronSchedule {
 public:
  // nullopt with `why` set when `text` is not a 5-field cron expression this evaluator reads.
  static std::optional<CronSchedule> parse(std::string_view text, std::string* why = nullptr);

  // The first whole minute strictly after `after` (UTC) that the schedule matches; nullopt when
  // no day in the next eight years matches (`0 0 30 feb *`).
  std::optional<std::chrono::sys_seconds> next_after(std::chrono::sys_seconds after) const;

 private:
  bool matches_day(std::chrono::year_month_day date) const;

  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // 1..31
  std::bitset<13> months_;         // 1..12
  std::bitset<7> days_of_week_;    // 0 = Sunday
  bool day_of_month_is_star_ = true;
  bool day_of_week_is_star_ = true;
};

}  // namespace sluice::ledger
