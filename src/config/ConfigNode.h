// ConfigNode: a YAML node together with its key path and the place diagnostics go.
//
// Every section reader walks the document through ConfigNode, so every error it reports carries the
// key path (`models[0].routes[1].upstream_model`) and the line:column of the offending text without
// the reader having to build either. The typed reads (read_into, read_enum, ...) report a wrong type
// or an out-of-range value themselves and leave the destination untouched, so a reader can keep going
// after a mistake and report the next one: validation never stops at the first error.
//
// Internal to config/: other modules see only GatewayConfig and ConfigLoader.
#pragma once

#include "config/ConfigLoader.h"
#include "config/EnumNames.h"
#include "config/ValueSyntax.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::config {

// Collects errors and warnings while a document is read.
class DiagnosticSink {
 public:
  void add(Diagnostic::Severity severity, std::string path, const YAML::Mark& mark,
           std::string message);

  bool has_errors() const { return !errors_.empty(); }
  std::vector<Diagnostic> take_errors() { return std::move(errors_); }
  std::vector<Diagnostic> take_warnings() { return std::move(warnings_); }

 private:
  std::vector<Diagnostic> errors_;
  std::vector<Diagnostic> warnings_;
};

// What an unknown key in a mapping is: the reference's `deny_unknown_fields` sections reject it;
// everywhere else Sluice warns, because a silently ignored typo is a setting that never took effect.
enum class UnknownKeys { kReject, kWarn };

class ConfigNode {
 public:
  // The document root (path "").
  ConfigNode(YAML::Node root, DiagnosticSink& sink);

  // Defined and not YAML null. `key:` with nothing after it counts as absent, like an omitted key.
  bool present() const { return node_.IsDefined() && !node_.IsNull(); }
  const YAML::Node& yaml() const { return node_; }
  const std::string& path() const { return path_; }
  const YAML::Mark& mark() const { return mark_; }

  // The value under `key`; absent (present() == false) when the key is missing. Never inserts.
  ConfigNode child(std::string_view key) const;

  // The elements of a sequence, each with path `<path>[i]`. Reports an error and returns nothing
  // when this node is present but not a sequence.
  std::vector<ConfigNode> items() const;

  // The entries of a mapping as (key text, value) in file order, first occurrence of each key only
  // (check_duplicate_keys reports the rest). Reports non-mappings.
  std::vector<std::pair<std::string, ConfigNode>> entries() const;

  // True when this node is a mapping; reports an error (and returns false) when it is present but
  // something else. Absent nodes return false without a report.
  bool expect_map() const;

  // Reports every key of this mapping that is not in `known` (an error or a warning, with a "did
  // you mean" when a known key is close) and every key written twice (always an error).
  void check_keys(std::initializer_list<std::string_view> known, UnknownKeys policy) const;
  void check_keys(const std::vector<std::string_view>& known, UnknownKeys policy) const;
  // Reports keys written twice (and non-string keys); returns each distinct key with its position.
  std::vector<std::pair<std::string, YAML::Mark>> check_duplicate_keys() const;

  void error(std::string message) const;
  void warning(std::string message) const;
  // For a key that must be present: reports "required key `k` is missing" at this (absent) node.
  void missing() const;

  // The scalar text; reports and returns nullopt for mappings and sequences. Secret fields use
  // ValueResolver instead, whose messages never repeat the text.
  std::optional<std::string> scalar() const;

  // A short description of the node's kind for "expected X, got Y" messages.
  std::string_view kind_name() const;

 private:
  ConfigNode(YAML::Node node, std::string path, YAML::Mark mark, DiagnosticSink* sink);

  YAML::Node node_;
  std::string path_;
  YAML::Mark mark_;  // the value's position, or its key's when the value is absent or null
  DiagnosticSink* sink_;
};

// The closest of `candidates` to `word` when it is close enough to be a likely typo.
std::optional<std::string_view> closest_match(std::string_view word,
                                              const std::vector<std::string_view>& candidates);

// ---------------------------------------------------------------------------------------------
// Typed reads. Each returns true when the node was present and valid (and `out` was assigned);
// false when absent (nothing reported) or invalid (reported, `out` untouched).

bool read_into(const ConfigNode& node, std::string& out);
bool read_into(const ConfigNode& node, bool& out);
bool read_into(const ConfigNode& node, double& out);
bool read_into(const ConfigNode& node, std::vector<std::string>& out);

// Parses an integer scalar of type Int and reports values outside Int's range.
std::optional<std::int64_t> parse_signed(const ConfigNode& node);
std::optional<std::uint64_t> parse_unsigned(const ConfigNode& node);

template <std::integral Int>
  requires(!std::same_as<Int, bool>)
bool read_into(const ConfigNode& node, Int& out) {
  if (!node.present()) return false;
  if constexpr (std::is_signed_v<Int>) {
    const auto value = parse_signed(node);
    if (!value) return false;
    if (*value < std::numeric_limits<Int>::min() || *value > std::numeric_limits<Int>::max()) {
      node.error(fmt::format("{} is out of range ({}..{})", *value, std::numeric_limits<Int>::min(),
                             std::numeric_limits<Int>::max()));
      return false;
    }
    out = static_cast<Int>(*value);
  } else {
    const auto value = parse_unsigned(node);
    if (!value) return false;
    if (*value > std::numeric_limits<Int>::max()) {
      node.error(fmt::format("{} is out of range (0..{})", *value, std::numeric_limits<Int>::max()));
      return false;
    }
    out = static_cast<Int>(*value);
  }
  return true;
}

template <class T>
bool read_into(const ConfigNode& node, std::optional<T>& out) {
  T value{};
  if (!read_into(node, value)) return false;
  out = std::move(value);
  return true;
}

// "a, b, c": every spelling in the enum's EnumNames table.
template <NamedEnum E>
std::string expected_values() {
  std::string expected;
  for (const auto& entry : EnumNames<E>::kTable) {
    if (!expected.empty()) expected += ", ";
    expected += entry.name;
  }
  return expected;
}

// `unknown value "X"; expected one of a, b, c`.
template <NamedEnum E>
std::string unknown_value_message(std::string_view value) {
  return fmt::format("unknown value \"{}\"; expected one of {}", value, expected_values<E>());
}

template <NamedEnum E>
bool read_enum(const ConfigNode& node, E& out) {
  std::string text;
  if (!read_into(node, text)) return false;
  if (const auto value = enum_from_string<E>(text)) {
    out = *value;
    return true;
  }
  node.error(unknown_value_message<E>(text));
  return false;
}

template <NamedEnum E>
bool read_enum(const ConfigNode& node, std::optional<E>& out) {
  E value{};
  if (!read_enum(node, value)) return false;
  out = value;
  return true;
}

// A mapping of string to string, in file order (headers: order is what the operator wrote).
bool read_string_pairs(const ConfigNode& node, std::vector<std::pair<std::string, std::string>>& out);

}  // namespace sluice::config
