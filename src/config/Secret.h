// Secret: a resolved credential (from an `env.NAME` or `literal.value` source).
//
// It is the only way credentials travel through the gateway. It prints as `***` through every
// formatting path (ostream, fmt/spdlog), so a secret cannot end up in a log line or an error message
// by accident; code that must send it upstream asks for it by name with reveal(). The bytes are
// wiped when the Secret is destroyed.
#pragma once

#include <fmt/format.h>

#include <ostream>
#include <string>
#include <string_view>

namespace sluice::config {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret&) = default;
  Secret(Secret&&) noexcept = default;
  Secret& operator=(const Secret&) = default;
  Secret& operator=(Secret&&) noexcept = default;
  ~Secret();

  // The plain value, for the one place that must put it on the wire or hash it.
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

  static constexpr std::string_view kMask = "***";

  friend std::ostream& operator<<(std::ostream& out, const Secret&) { return out << kMask; }
  friend bool operator==(const Secret&, const Secret&) = default;

 private:
  std::string value_;
};

}  // namespace sluice::config

template <>
struct fmt::formatter<sluice::config::Secret> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const sluice::config::Secret&, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(sluice::config::Secret::kMask, ctx);
  }
};
