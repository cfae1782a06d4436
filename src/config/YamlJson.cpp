#include "config/YamlJson.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace sluice::config {

namespace {

constexpr std::string_view kCoreTag = "tag:yaml.org,2002:";

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

std::string_view without_sign(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  return text;
}

bool is_yaml_decimal_int(std::string_view text) { return all_digits(without_sign(text)); }

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_yaml_float(std::string_view text) {
  text = without_sign(text);
  const auto exponent = text.find_first_of("eE");
  const std::string_view mantissa = text.substr(0, exponent);
  if (exponent != std::string_view::npos && !all_digits(without_sign(text.substr(exponent + 1)))) {
    return false;
  }
  const auto dot = mantissa.find('.');
  if (dot == std::string_view::npos) return all_digits(mantissa);
  const std::string_view whole = mantissa.substr(0, dot);
  const std::string_view fraction = mantissa.substr(dot + 1);
  const bool fraction_ok = fraction.empty() || all_digits(fraction);
  if (whole.empty()) return all_digits(fraction);
  return all_digits(whole) && fraction_ok;
}

std::optional<boost::json::value> integer_value(const ConfigNode& node, std::string_view text) {
  std::string_view digits = text.starts_with('+') ? text.substr(1) : text;
  std::int64_t signed_value = 0;
  auto result = std::from_chars(digits.data(), digits.data() + digits.size(), signed_value);
  if (result.ec == std::errc() && result.ptr == digits.data() + digits.size()) return boost::json::value(signed_value);
  std::uint64_t unsigned_value = 0;
  result = std::from_chars(digits.data(), digits.data() + digits.size(), unsigned_value);
  if (result.ec == std::errc() && result.ptr == digits.data() + digits.size()) return boost::json::value(unsigned_value);
  node.error(fmt::format("integer {} does not fit in 64 bits", text));
  return std::nullopt;
}

std::optional<boost::json::value> float_value(const ConfigNode& node, std::string_view text) {
  if (yaml_special_float(text)) {
    node.error(fmt::format("{} cannot be represented in JSON", text));
    return std::nullopt;
  }
  std::string_view digits = text.starts_with('+') ? text.substr(1) : text;
  double value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || !std::isfinite(value)) {
    node.error(fmt::format("number {} cannot be represented in JSON", text));
    return std::nullopt;
  }
  return boost::json::value(value);
}

std::optional<boost::json::value> scalar_value(const ConfigNode& node) {
  const std::string& text = node.yaml().Scalar();
  const std::string& tag = node.yaml().Tag();
  // Quoted ("!") and explicitly string-tagged scalars are strings whatever they look like.
  if (tag == "!" || tag == std::string(kCoreTag) + "str") return boost::json::value(text);
  const bool plain = tag == "?";
  if (plain || tag == std::string(kCoreTag) + "bool") {
    if (const auto flag = yaml_bool(text)) return boost::json::value(*flag);
  }
  if ((plain || tag == std::string(kCoreTag) + "int") && is_yaml_decimal_int(text)) {
    return integer_value(node, text);
  }
  if ((plain || tag == std::string(kCoreTag) + "float") &&
      (is_yaml_float(text) || yaml_special_float(text))) {
    return float_value(node, text);
  }
  return boost::json::value(text);
}

}  // namespace

std::optional<boost::json::value> yaml_to_json(const ConfigNode& node) {
  const YAML::Node& yaml = node.yaml();
  if (!yaml.IsDefined() || yaml.IsNull()) return boost::json::value(nullptr);
  if (yaml.IsScalar()) return scalar_value(node);
  bool ok = true;
  if (yaml.IsSequence()) {
    boost::json::array array;
    for (const ConfigNode& item : node.items()) {
      auto value = yaml_to_json(item);
      ok = ok && value.has_value();
      if (value) array.push_back(std::move(*value));
    }
    if (!ok) return std::nullopt;
    return boost::json::value(std::move(array));
  }
  node.check_duplicate_keys();
  boost::json::object object;
  for (const auto& [key, value_node] : node.entries()) {
    auto value = yaml_to_json(value_node);
    ok = ok && value.has_value();
    if (value) object[key] = std::move(*value);
  }
  if (!ok) return std::nullopt;
  return boost::json::value(std::move(object));
}

}  // namespace sluice::config
