#include "config/Money.h"

#include <fmt/format.h>

namespace sluice::config {

namespace {

constexpr int kFractionDigits = 4;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

void set_reason(std::string* why, std::string reason) {
  if (why != nullptr) *why = std::move(reason);
}

// Appends `digit` to `value` (value * 10 + digit), refusing to overflow.
bool push_digit(std::int64_t& value, char digit) {
  return !__builtin_mul_overflow(value, 10, &value) &&
         !__builtin_add_overflow(value, digit - '0', &value);
}

}  // namespace

std::optional<Money4> Money4::parse(std::string_view text, std::string* why) {
  if (text.empty()) {
    set_reason(why, "value is empty");
    return std::nullopt;
  }
  const bool negative = text.front() == '-';
  if (negative || text.front() == '+') text.remove_prefix(1);

  std::int64_t units = 0;
  std::size_t integer_digits = 0;
  std::size_t i = 0;
  for (; i < text.size() && is_digit(text[i]); ++i, ++integer_digits) {
    if (!push_digit(units, text[i])) {
      set_reason(why, "value is too large");
      return std::nullopt;
    }
  }
  std::size_t fraction_digits = 0;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && is_digit(text[i]); ++i, ++fraction_digits) {
      if (fraction_digits == kFractionDigits) {
        set_reason(why, "more than 4 fractional digits");
        return std::nullopt;
      }
      if (!push_digit(units, text[i])) {
        set_reason(why, "value is too large");
        return std::nullopt;
      }
    }
  }
  if (i < text.size()) {
    const char c = text[i];
    set_reason(why, c == 'e' || c == 'E' ? std::string("exponent notation is not allowed")
                                         : fmt::format("unexpected character `{}`", c));
    return std::nullopt;
  }
  if (integer_digits + fraction_digits == 0) {
    set_reason(why, "no digits");
    return std::nullopt;
  }
  // Scale to exactly four fractional digits.
  for (std::size_t pad = fraction_digits; pad < kFractionDigits; ++pad) {
    if (!push_digit(units, '0')) {
      set_reason(why, "value is too large");
      return std::nullopt;
    }
  }
  return Money4(negative ? -units : units);
}

std::string Money4::to_string() const {
  // Unsigned magnitude so that even the most negative value prints instead of overflowing.
  const std::uint64_t magnitude = units_ < 0 ? 0 - static_cast<std::uint64_t>(units_)
                                             : static_cast<std::uint64_t>(units_);
  const auto scale = static_cast<std::uint64_t>(kScale);
  return fmt::format("{}{}.{:04}", units_ < 0 ? "-" : "", magnitude / scale, magnitude % scale);
}

}  // namespace sluice::config
