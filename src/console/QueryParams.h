// QueryParams: the admin API's shared query parameters, read and checked once — a time range
// (`from`, `to`: unix ms) and a page (`limit`, `offset`). A bad value is 400 invalid_request
// naming the parameter.
#pragma once

#include "console/ConsoleRoute.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice::console {

struct TimeRange {
  store::UnixMillis from = 0;
  store::UnixMillis to = 0;  // exclusive
};

inline constexpr std::int64_t kDefaultRangeDays = 30;
inline constexpr std::int64_t kMaxRangeDays = 366;

// `from` and `to`; by default the 30 days before `to`, and `to` = now. `to` must be after `from`
// and the range at most 366 days, so one request cannot ask the database for years of rows.
Expected<TimeRange> time_range(const ConsoleCall& call);

struct Page {
  std::int64_t limit = 50;  // 1..200
  std::int64_t offset = 0;  // ≥ 0
};
Expected<Page> page_params(const ConsoleCall& call);

// An integer query parameter; nullopt when absent, 400 naming it when not an integer.
Expected<std::optional<std::int64_t>> integer_param(const ConsoleCall& call, std::string_view name);

}  // namespace sluice::console
