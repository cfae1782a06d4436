// Money4: a non-negative-or-negative fixed-point decimal with exactly 4 fractional digits, stored as
// an integer count of 1/10000 units. Money never touches floating point (reference config.md §0.3).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::config {

class Money4 {
 public:
  static constexpr std::int64_t kScale = 10'000;

  constexpr Money4() = default;
  static constexpr Money4 from_units(std::int64_t ten_thousandths) { return Money4(ten_thousandths); }

  // Parses "12", "12.5", "0.0001", "-3.25". Rejects exponents, more than 4 fractional digits,
  // empty input, stray characters and values that overflow. On failure returns nullopt and, when
  // `why` is given, a short reason.
  static std::optional<Money4> parse(std::string_view text, std::string* why = nullptr);

  constexpr std::int64_t units() const { return units_; }
  constexpr bool is_negative() const { return units_ < 0; }
  std::string to_string() const;  // always 4 fractional digits: "12.5000"

  friend constexpr auto operator<=>(const Money4&, const Money4&) = default;

 private:
  constexpr explicit Money4(std::int64_t units) : units_(units) {}
  std::int64_t units_ = 0;
};

}  // namespace sluice::config
