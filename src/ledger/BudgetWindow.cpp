#include "ledger/BudgetWindow.h"

namespace sluice::ledger {

namespace {

using namespace std::chrono;

// The local day a window of `cadence` containing local day `day` begins on.
local_days first_day(config::BudgetCadence cadence, local_days day) {
  switch (cadence) {
    case config::BudgetCadence::kDaily:
      return day;
    case config::BudgetCadence::kWeekly:
      return day - days(weekday{day}.iso_encoding() - 1);  // back to Monday
    case config::BudgetCadence::kMonthly: {
      const year_month_day date{day};
      return local_days{date.year() / date.month() / 1};
    }
  }
  return day;
}

local_days next_first_day(config::BudgetCadence cadence, local_days first) {
  switch (cadence) {
    case config::BudgetCadence::kDaily:
      return first + days(1);
    case config::BudgetCadence::kWeekly:
      return first + days(7);
    case config::BudgetCadence::kMonthly:
      return local_days{year_month_day{first} + months(1)};  // always the 1st: no clamping
  }
  return first + days(1);
}

}  // namespace

BudgetWindow BudgetWindow::containing(config::BudgetCadence cadence, const TimeZone& zone,
                                      sys_seconds instant) {
  local_days first = first_day(cadence, zone.local_day_of(instant));
  local_days next = next_first_day(cadence, first);
  BudgetWindow window{cadence, zone.start_of_local_day(first), zone.start_of_local_day(next)};
  // Where a DST fall-back repeats the hour before midnight, an instant in the repeat reads as the
  // old day although the new day has begun (its only midnight came first): step forward.
  while (instant >= window.end) {
    first = next;
    next = next_first_day(cadence, first);
    window = {cadence, window.end, zone.start_of_local_day(next)};
  }
  return window;
}

}  // namespace sluice::ledger
