#include "routing/RetryPolicy.h"

#include <algorithm>
#include <charconv>
#include <ctime>

namespace sluice::routing {

bool is_retryable_status(unsigned status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

bool is_retryable_error(const GatewayError& error) {
  return error.code == "upstream_transport" || error.code == "upstream_timeout" ||
         error.code == "upstream_credentials";
}

std::string outcome_for_status(unsigned status) {
  if (status >= 200 && status <= 299) return "ok";
  return "http_" + std::to_string(status);
}

std::chrono::milliseconds full_jitter_backoff(const config::RoutingPolicy& policy, unsigned retry,
                                              std::mt19937_64& random) {
  const std::int64_t base = policy.backoff_base.count();
  const std::int64_t cap = policy.backoff_max.count();
  std::int64_t ceiling = base;
  for (unsigned i = 0; i < retry && ceiling < cap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap);
  if (ceiling <= 0) return std::chrono::milliseconds(0);
  std::uniform_int_distribution<std::int64_t> draw(0, ceiling);
  return std::chrono::milliseconds(draw(random));
}

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::optional<std::time_t> parse_http_date(const std::string& text) {
  // IMF-fixdate, then the obsolete RFC 850 and asctime forms (RFC 9110 §5.6.7).
  static constexpr const char* kFormats[] = {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT",
                                             "%a %b %e %H:%M:%S %Y"};
  for (const char* format : kFormats) {
    std::tm parts{};
    const char* end = ::strptime(text.c_str(), format, &parts);
    if (end != nullptr && *end == '\0') return ::timegm(&parts);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::uint64_t seconds = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (error != std::errc{} || end != value.data() + value.size()) {
      // Too large to represent: a wait longer than any deadline.
      return std::chrono::milliseconds(std::chrono::hours(24 * 365));
    }
    seconds = std::min<std::uint64_t>(seconds, 365ull * 24 * 3600);
    return std::chrono::milliseconds(static_cast<std::int64_t>(seconds) * 1000);
  }
  const auto when = parse_http_date(std::string(value));
  if (!when) return std::nullopt;
  const auto at = std::chrono::system_clock::from_time_t(*when);
  if (at <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
}

}  // namespace sluice::routing
