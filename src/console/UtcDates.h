// UtcDates: how the admin API writes UTC days and instants — "2025-03-01" for a day of the spend
// series, "2025-03-01T00:00:00Z" (ISO 8601) for FOCUS periods and export file names.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sluice::console {

// `day` counts UTC days since 1970-01-01 (the store's occurred_at / 86400000).
std::string utc_date(std::int64_t day);
std::string utc_timestamp(std::chrono::sys_seconds instant);
// "20250301T000000Z": the same instant, fit for a file name.
std::string utc_compact_timestamp(std::chrono::sys_seconds instant);

std::chrono::sys_days utc_day(std::int64_t day);
// The first day of the month `day` falls in, and of the month after.
std::chrono::sys_days month_start(std::chrono::sys_days day);
std::chrono::sys_days next_month_start(std::chrono::sys_days day);

}  // namespace sluice::console
