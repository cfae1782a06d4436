// PosixTzRule: the POSIX TZ string at the end of a TZif v2+ file ("CET-1CEST,M3.5.0,M10.5.0/3"),
// which says what a zone does after its last listed transition — i.e. for every future instant.
//
// TimeZone consults it for instants past the transition table, so budget windows keep their DST
// shifts in years the table does not spell out. All three POSIX date forms are understood (`Jn`,
// `n`, `Mm.w.d`) and the RFC 8536 extensions (hours up to ±167 in rule times). A rule with a DST
// name but no dates takes the US rule POSIX implementations default to (M3.2.0,M11.1.0).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice::ledger {

class PosixTzRule {
 public:
  static std::optional<PosixTzRule> parse(std::string_view text);

  std::chrono::seconds utc_offset_at(std::chrono::sys_seconds instant) const;

 private:
  // When in a year DST starts or ends, as the rule spells it; `time` is local wall-clock seconds.
  struct RuleDate {
    enum class Kind { kJulianNoLeap, kZeroBasedDay, kMonthWeekDay };
    Kind kind = Kind::kMonthWeekDay;
    int day = 0;           // Jn: 1..365; n: 0..365
    int month_number = 0;  // Mm.w.d
    int week = 0;          // 1..5, 5 = last
    int day_of_week = 0;   // 0 = Sunday
    std::int32_t time = 2 * 3600;

    std::chrono::local_seconds in_year(std::chrono::year year) const;
  };
  struct Cursor;

  static bool parse_name(Cursor& in);
  static std::optional<std::int32_t> parse_time(Cursor& in, int max_hours);
  static std::optional<RuleDate> parse_rule_date(Cursor& in);

  std::int32_t std_offset_ = 0;  // seconds east of UTC
  std::optional<std::int32_t> dst_offset_;
  RuleDate dst_start_;
  RuleDate dst_end_;
};

}  // namespace sluice::ledger
