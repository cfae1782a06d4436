#include "console/QueryParams.h"

#include <fmt/format.h>

#include <charconv>

namespace sluice::console {

namespace {

constexpr std::int64_t kMillisPerDay = 86'400'000;
constexpr std::int64_t kMaxLimit = 200;

GatewayError bad_param(std::string_view name, std::string message) {
  return GatewayError::invalid_request(std::move(message), std::string(name));
}

}  // namespace

Expected<std::optional<std::int64_t>> integer_param(const ConsoleCall& call,
                                                    std::string_view name) {
  const auto text = call.query(name);
  if (!text) return std::optional<std::int64_t>();
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || error != std::errc() || end != text->data() + text->size()) {
    return bad_param(name, fmt::format("`{}` must be an integer", name));
  }
  return std::optional<std::int64_t>(value);
}

Expected<TimeRange> time_range(const ConsoleCall& call) {
  auto from = integer_param(call, "from");
  if (!from) return from.error();
  auto to = integer_param(call, "to");
  if (!to) return to.error();
  TimeRange range;
  range.to = to->value_or(call.now);
  range.from = from->value_or(range.to - kDefaultRangeDays * kMillisPerDay);
  if (range.from < 0) {
    return bad_param(from->has_value() ? "from" : "to", "times are unix milliseconds, not negative");
  }
  if (range.to <= range.from) return bad_param("to", "`to` must be after `from`");
  if (range.to - range.from > kMaxRangeDays * kMillisPerDay) {
    return bad_param("to", fmt::format("a range may span at most {} days", kMaxRangeDays));
  }
  return range;
}

Expected<Page> page_params(const ConsoleCall& call) {
  auto limit = integer_param(call, "limit");
  if (!limit) return limit.error();
  auto offset = integer_param(call, "offset");
  if (!offset) return offset.error();
  Page page;
  if (*limit) {
    if (**limit < 1 || **limit > kMaxLimit) {
      return bad_param("limit", fmt::format("`limit` must be between 1 and {}", kMaxLimit));
    }
    page.limit = **limit;
  }
  if (*offset) {
    if (**offset < 0) return bad_param("offset", "`offset` must not be negative");
    page.offset = **offset;
  }
  return page;
}

}  // namespace sluice::console
