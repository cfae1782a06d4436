#include "ledger/CronSchedule.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <vector>

namespace sluice::ledger {
namespace {

namespace chr = std::chrono;

// Far enough for any real schedule (a leap day on a given weekday repeats within 28 years, but
// nothing the purge accepts needs more than a year); bounded so a schedule that never fires ends.
constexpr int kSearchDays = 366 * 8;

constexpr std::array<std::string_view, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                          "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> kWeekdayNames = {"sun", "mon", "tue", "wed",
                                                           "thu", "fri", "sat"};

struct FieldSpec {
  std::string_view name;
  int min = 0;
  int max = 0;
  std::string_view const* names = nullptr;  // names[i] means min + i
  std::size_t name_count = 0;
};

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t begin = 0;
  while (true) {
    const auto end = text.find(separator, begin);
    parts.push_back(text.substr(begin, end - begin));
    if (end == std::string_view::npos) return parts;
    begin = end + 1;
  }
}

std::vector<std::string_view> split_whitespace(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
    const auto begin = at;
    while (at < text.size() && !std::isspace(static_cast<unsigned char>(text[at]))) ++at;
    if (at > begin) words.push_back(text.substr(begin, at - begin));
  }
  return words;
}

std::optional<int> parse_value(std::string_view text, const FieldSpec& spec) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc() && end == text.data() + text.size()) return value;
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::size_t i = 0; i < spec.name_count; ++i) {
    if (spec.names[i] == lower) return spec.min + static_cast<int>(i);
  }
  return std::nullopt;
}

// One comma-separated item: `*`, `n`, `a-b`, each optionally `/step`. Sets bits in `mask`.
std::optional<std::string> add_item(std::string_view item, const FieldSpec& spec,
                                    std::uint64_t& mask) {
  int step = 1;
  if (const auto slash = item.find('/'); slash != std::string_view::npos) {
    const auto parsed = parse_value(item.substr(slash + 1), FieldSpec{});
    if (!parsed || *parsed <= 0) return fmt::format("step in `{}` must be a positive number", item);
    step = *parsed;
    item = item.substr(0, slash);
  }
  int first = spec.min;
  int last = spec.max;
  if (item != "*") {
    const auto dash = item.find('-');
    const auto low = parse_value(item.substr(0, dash), spec);
    const auto high =
        dash == std::string_view::npos ? low : parse_value(item.substr(dash + 1), spec);
    if (!low || !high) return fmt::format("`{}` is not a value of the {} field", item, spec.name);
    first = *low;
    // `5/15` means 5, 20, 35, 50: a single start with a step runs to the end of the range.
    last = (dash == std::string_view::npos && step > 1) ? spec.max : *high;
  }
  if (first < spec.min || last > spec.max || first > last) {
    return fmt::format("`{}` is outside {}..{} for the {} field", item, spec.min, spec.max,
                       spec.name);
  }
  for (int value = first; value <= last; value += step) mask |= std::uint64_t{1} << value;
  return std::nullopt;
}

std::optional<std::string> parse_field(std::string_view field, const FieldSpec& spec,
                                       std::uint64_t& mask) {
  for (const std::string_view item : split(field, ',')) {
    if (item.empty()) return fmt::format("the {} field has an empty list item", spec.name);
    if (auto problem = add_item(item, spec, mask)) return problem;
  }
  return std::nullopt;
}

template <std::size_t N>
std::bitset<N> to_bits(std::uint64_t mask) {
  return std::bitset<N>(mask);
}

}  // namespace

std::optional<CronSchedule> CronSchedule::parse(std::string_view text, std::string* why) {
  const auto fields = split_whitespace(text);
  auto fail = [why](std::string reason) -> std::optional<CronSchedule> {
    if (why != nullptr) *why = std::move(reason);
    return std::nullopt;
  };
  if (fields.size() != 5) {
    return fail(fmt::format("a cron schedule has 5 fields, `{}` has {}", text, fields.size()));
  }
  const std::array<FieldSpec, 5> specs = {{
      {"minute", 0, 59},
      {"hour", 0, 23},
      {"day-of-month", 1, 31},
      {"month", 1, 12, kMonthNames.data(), kMonthNames.size()},
      // 7 is Sunday too; folded onto 0 below.
      {"day-of-week", 0, 7, kWeekdayNames.data(), kWeekdayNames.size()},
  }};
  std::array<std::uint64_t, 5> masks{};
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (auto problem = parse_field(fields[i], specs[i], masks[i])) return fail(*problem);
  }
  if (masks[4] & (std::uint64_t{1} << 7)) masks[4] = (masks[4] | 1) & 0x7f;

  CronSchedule schedule;
  schedule.minutes_ = to_bits<60>(masks[0]);
  schedule.hours_ = to_bits<24>(masks[1]);
  schedule.days_of_month_ = to_bits<32>(masks[2]);
  schedule.months_ = to_bits<13>(masks[3]);
  schedule.days_of_week_ = to_bits<7>(masks[4]);
  schedule.day_of_month_is_star_ = fields[2].starts_with('*');
  schedule.day_of_week_is_star_ = fields[4].starts_with('*');
  return schedule;
}

bool CronSchedule::matches_day(chr::year_month_day date) const {
  if (!months_.test(static_cast<unsigned>(date.month()))) return false;
  const bool day_of_month = days_of_month_.test(static_cast<unsigned>(date.day()));
  const bool day_of_week = days_of_week_.test(chr::weekday(chr::sys_days(date)).c_encoding());
  // Vixie cron: with both day fields restricted, either one matching is enough.
  if (!day_of_month_is_star_ && !day_of_week_is_star_) return day_of_month || day_of_week;
  return day_of_month && day_of_week;
}

std::optional<chr::sys_seconds> CronSchedule::next_after(chr::sys_seconds after) const {
  const auto first_minute = chr::floor<chr::minutes>(after) + chr::minutes(1);
  auto day = chr::floor<chr::days>(first_minute);
  auto from_minute_of_day = chr::duration_cast<chr::minutes>(first_minute - day).count();
  for (int searched = 0; searched < kSearchDays; ++searched, day += chr::days(1)) {
    if (matches_day(chr::year_month_day(day))) {
      for (auto minute_of_day = from_minute_of_day; minute_of_day < 24 * 60; ++minute_of_day) {
        if (hours_.test(static_cast<std::size_t>(minute_of_day / 60)) &&
            minutes_.test(static_cast<std::size_t>(minute_of_day % 60))) {
          return chr::sys_seconds(day) + chr::minutes(minute_of_day);
        }
      }
    }
    from_minute_of_day = 0;
  }
  return std::nullopt;
}

}  // namespace sluice::ledger
