// BudgetWindow: the stretch of time one budget's spend is summed over — [start, end) in UTC —
// computed from the budget's cadence and the time zone its owner configured (config.md §6).
//
//   daily    local midnight to the next local midnight (23 or 25 hours on DST change days)
//   weekly   Monday 00:00 local to the next Monday (ISO 8601 weeks, whatever the locale)
//   monthly  the 1st 00:00 local to the next 1st
//
// "Midnight" is the day's first instant (TimeZone::start_of_local_day), so zones whose DST jump
// skips midnight still get gap-free, non-overlapping windows. Windows compare equal only when they
// cover the same instants, which is what BudgetGuard uses to notice a roll-over.
#pragma once

#include "config/GatewayConfig.h"
#include "ledger/TimeZone.h"

#include <chrono>

namespace sluice::ledger {

struct BudgetWindow {
  config::BudgetCadence cadence = config::BudgetCadence::kMonthly;
  std::chrono::sys_seconds start;
  std::chrono::sys_seconds end;

  // The window of `cadence` in `zone` that contains `instant`.
  static BudgetWindow containing(config::BudgetCadence cadence, const TimeZone& zone,
                                 std::chrono::sys_seconds instant);

  bool contains(std::chrono::sys_seconds instant) const {
    return instant >= start && instant < end;
  }
  std::chrono::seconds length() const { return end - start; }

  friend bool operator==(const BudgetWindow&, const BudgetWindow&) = default;
};

}  // namespace sluice::ledger
