#include "console/UtcDates.h"

#include <fmt/format.h>

namespace sluice::console {

using namespace std::chrono;

namespace {

struct Parts {
  int year;
  unsigned month, day;
  long long hours, minutes, seconds;
};

Parts parts_of(sys_seconds instant) {
  const sys_days day = floor<days>(instant);
  const year_month_day date{day};
  const hh_mm_ss time{instant - day};
  return {static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
          static_cast<unsigned>(date.day()), time.hours().count(), time.minutes().count(),
          time.seconds().count()};
}

}  // namespace

sys_days utc_day(std::int64_t day) { return sys_days{days{day}}; }

std::string utc_date(std::int64_t day) {
  const year_month_day date{utc_day(day)};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
}

std::string utc_timestamp(sys_seconds instant) {
  const Parts p = parts_of(instant);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", p.year, p.month, p.day, p.hours,
                     p.minutes, p.seconds);
}

std::string utc_compact_timestamp(sys_seconds instant) {
  const Parts p = parts_of(instant);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", p.year, p.month, p.day, p.hours,
                     p.minutes, p.seconds);
}

sys_days month_start(sys_days day) {
  const year_month_day date{day};
  return sys_days{date.year() / date.month() / 1};
}

sys_days next_month_start(sys_days day) {
  const year_month_day date{day};
  return sys_days{(date.year() / date.month() + months{1}) / 1};
}

}  // namespace sluice::console
