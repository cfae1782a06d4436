#include "ledger/PosixTzRule.h"

namespace sluice::ledger {

namespace {

using namespace std::chrono;

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

struct PosixTzRule::Cursor {
  std::string_view text;
  std::size_t pos = 0;

  bool done() const { return pos >= text.size(); }
  char peek() const { return done() ? '\0' : text[pos]; }
  bool take(char c) {
    if (peek() != c) return false;
    ++pos;
    return true;
  }
  std::optional<int> number(int max) {
    if (!is_digit(peek())) return std::nullopt;
    int value = 0;
    while (is_digit(peek())) {
      value = value * 10 + (text[pos++] - '0');
      if (value > max) return std::nullopt;
    }
    return value;
  }
};

// A zone abbreviation: three or more letters, or anything but '>' inside <…> ("<+0330>").
bool PosixTzRule::parse_name(Cursor& in) {
  const std::size_t start = in.pos;
  if (in.take('<')) {
    while (!in.done() && in.peek() != '>') ++in.pos;
    return in.take('>') && in.pos - start > 2;
  }
  while (is_alpha(in.peek())) ++in.pos;
  return in.pos - start >= 3;
}

// [+-]hh[:mm[:ss]] in seconds, sign included.
std::optional<std::int32_t> PosixTzRule::parse_time(Cursor& in, int max_hours) {
  const bool negative = in.take('-');
  if (!negative) in.take('+');
  const auto hours = in.number(max_hours);
  if (!hours) return std::nullopt;
  std::int32_t seconds = *hours * 3600;
  if (in.take(':')) {
    const auto minutes = in.number(59);
    if (!minutes) return std::nullopt;
    seconds += *minutes * 60;
    if (in.take(':')) {
      const auto secs = in.number(59);
      if (!secs) return std::nullopt;
      seconds += *secs;
    }
  }
  return negative ? -seconds : seconds;
}

std::optional<PosixTzRule::RuleDate> PosixTzRule::parse_rule_date(Cursor& in) {
  RuleDate date;
  if (in.take('M')) {
    const int month_no = in.number(12).value_or(0);
    const int week = in.take('.') ? in.number(5).value_or(0) : 0;
    const int weekday_no = in.take('.') ? in.number(6).value_or(-1) : -1;
    if (month_no < 1 || week < 1 || weekday_no < 0) return std::nullopt;
    date.month_number = month_no;
    date.week = week;
    date.day_of_week = weekday_no;
  } else if (in.take('J')) {
    const auto day = in.number(365);
    if (!day || *day < 1) return std::nullopt;
    date.kind = RuleDate::Kind::kJulianNoLeap;
    date.day = *day;
  } else {
    const auto day = in.number(365);
    if (!day) return std::nullopt;
    date.kind = RuleDate::Kind::kZeroBasedDay;
    date.day = *day;
  }
  if (in.take('/')) {
    const auto time = parse_time(in, 167);
    if (!time) return std::nullopt;
    date.time = *time;
  }
  return date;
}

std::optional<PosixTzRule> PosixTzRule::parse(std::string_view text) {
  Cursor in{text};
  PosixTzRule rule;
  if (!parse_name(in)) return std::nullopt;
  const auto std_west = parse_time(in, 24);
  if (!std_west) return std::nullopt;
  rule.std_offset_ = -*std_west;  // POSIX counts hours west of Greenwich
  if (in.done()) return rule;

  if (!parse_name(in)) return std::nullopt;
  rule.dst_offset_ = rule.std_offset_ + 3600;
  if (in.peek() != ',' && !in.done()) {
    const auto dst_west = parse_time(in, 24);
    if (!dst_west) return std::nullopt;
    rule.dst_offset_ = -*dst_west;
  }
  if (in.done()) {
    rule.dst_start_ = RuleDate{RuleDate::Kind::kMonthWeekDay, 0, 3, 2, 0, 7200};
    rule.dst_end_ = RuleDate{RuleDate::Kind::kMonthWeekDay, 0, 11, 1, 0, 7200};
    return rule;
  }
  if (!in.take(',')) return std::nullopt;
  const auto start = parse_rule_date(in);
  if (!start || !in.take(',')) return std::nullopt;
  const auto end = parse_rule_date(in);
  if (!end || !in.done()) return std::nullopt;
  rule.dst_start_ = *start;
  rule.dst_end_ = *end;
  return rule;
}

local_seconds PosixTzRule::RuleDate::in_year(year y) const {
  const local_days jan1{y / January / 1};
  local_days date;
  switch (kind) {
    case Kind::kJulianNoLeap:
      // Day 60 is always 1 March: February 29 is never counted.
      date = jan1 + days(day - 1 + (y.is_leap() && day >= 60 ? 1 : 0));
      break;
    case Kind::kZeroBasedDay:
      date = jan1 + days(day);
      break;
    case Kind::kMonthWeekDay: {
      const local_days first{y / month_number / 1};
      const int first_weekday = static_cast<int>(weekday{first}.c_encoding());
      date = first + days((day_of_week - first_weekday + 7) % 7 + 7 * (week - 1));
      const local_days last{y / month_number / std::chrono::last};
      while (date > last) date -= days(7);  // week 5 means "the last one"
      break;
    }
  }
  return date + seconds(time);
}

seconds PosixTzRule::utc_offset_at(sys_seconds instant) const {
  if (!dst_offset_) return seconds(std_offset_);
  const auto local_standard = floor<days>(instant + seconds(std_offset_));
  const year y = year_month_day{local_standard}.year();
  const sys_seconds starts{dst_start_.in_year(y).time_since_epoch() - seconds(std_offset_)};
  const sys_seconds ends{dst_end_.in_year(y).time_since_epoch() - seconds(*dst_offset_)};
  // Northern zones have DST inside the year; southern ones across the new year.
  const bool in_dst = starts < ends ? (instant >= starts && instant < ends)
                                    : !(instant >= ends && instant < starts);
  return seconds(in_dst ? *dst_offset_ : std_offset_);
}

}  // namespace sluice::ledger
