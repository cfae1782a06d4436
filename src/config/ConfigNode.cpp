#include "config/ConfigNode.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <set>

namespace sluice::config {

namespace {

// yaml-cpp's tag for a plain (unquoted) scalar whose type YAML itself would infer.
constexpr std::string_view kPlainTag = "?";

std::string join_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return fmt::format("{}.{}", parent, key);
}

std::size_t levenshtein(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

void DiagnosticSink::add(Diagnostic::Severity severity, std::string path, const YAML::Mark& mark,
                         std::string message) {
  Diagnostic diagnostic;
  diagnostic.severity = severity;
  diagnostic.path = std::move(path);
  if (mark.line >= 0 && mark.column >= 0) {  // yaml-cpp marks are 0-based; people count from 1
    diagnostic.line = mark.line + 1;
    diagnostic.column = mark.column + 1;
  }
  diagnostic.message = std::move(message);
  auto& list = severity == Diagnostic::Severity::kError ? errors_ : warnings_;
  list.push_back(std::move(diagnostic));
}

ConfigNode::ConfigNode(YAML::Node root, DiagnosticSink& sink)
    : node_(std::move(root)), mark_(node_.IsDefined() ? node_.Mark() : YAML::Mark::null_mark()),
      sink_(&sink) {}

ConfigNode::ConfigNode(YAML::Node node, std::string path, YAML::Mark mark, DiagnosticSink* sink)
    : node_(std::move(node)), path_(std::move(path)), mark_(mark), sink_(sink) {}

ConfigNode ConfigNode::child(std::string_view key) const {
  const std::string path = join_path(path_, key);
  if (node_.IsDefined() && node_.IsMap()) {
    for (const auto& entry : node_) {
      if (!entry.first.IsScalar() || entry.first.Scalar() != key) continue;
      const YAML::Node& value = entry.second;
      // A null value has no useful position of its own (yaml-cpp points past it): use the key's.
      const YAML::Mark mark = value.IsNull() ? entry.first.Mark() : value.Mark();
      return ConfigNode(value, path, mark, sink_);
    }
  }
  return ConfigNode(YAML::Node(YAML::NodeType::Undefined), path, mark_, sink_);
}

std::vector<ConfigNode> ConfigNode::items() const {
  std::vector<ConfigNode> result;
  if (!present()) return result;
  if (!node_.IsSequence()) {
    error(fmt::format("expected a list, got {}", kind_name()));
    return result;
  }
  result.reserve(node_.size());
  for (std::size_t i = 0; i < node_.size(); ++i) {
    const YAML::Node item = node_[i];
    const YAML::Mark mark = item.IsNull() ? mark_ : item.Mark();
    result.push_back(ConfigNode(item, fmt::format("{}[{}]", path_, i), mark, sink_));
  }
  return result;
}

std::vector<std::pair<std::string, ConfigNode>> ConfigNode::entries() const {
  std::vector<std::pair<std::string, ConfigNode>> result;
  if (!expect_map()) return result;
  std::set<std::string, std::less<>> seen;
  for (const auto& entry : node_) {
    if (!entry.first.IsScalar()) continue;  // check_duplicate_keys reports non-scalar keys
    const std::string& key = entry.first.Scalar();
    if (!seen.insert(key).second) continue;
    const YAML::Mark mark = entry.second.IsNull() ? entry.first.Mark() : entry.second.Mark();
    result.emplace_back(key, ConfigNode(entry.second, join_path(path_, key), mark, sink_));
  }
  return result;
}

bool ConfigNode::expect_map() const {
  if (!present()) return false;
  if (node_.IsMap()) return true;
  error(fmt::format("expected a mapping, got {}", kind_name()));
  return false;
}

void ConfigNode::check_keys(std::initializer_list<std::string_view> known, UnknownKeys policy) const {
  check_keys(std::vector<std::string_view>(known), policy);
}

std::vector<std::pair<std::string, YAML::Mark>> ConfigNode::check_duplicate_keys() const {
  std::vector<std::pair<std::string, YAML::Mark>> distinct;
  if (!present() || !node_.IsMap()) return distinct;
  std::set<std::string, std::less<>> seen;
  for (const auto& entry : node_) {
    const YAML::Mark key_mark = entry.first.Mark();
    if (!entry.first.IsScalar()) {
      sink_->add(Diagnostic::Severity::kError, path_, key_mark, "mapping keys must be plain strings");
      continue;
    }
    const std::string& key = entry.first.Scalar();
    if (!seen.insert(key).second) {
      // yaml-cpp keeps both entries and lookups see the first; the reference's parser refuses.
      sink_->add(Diagnostic::Severity::kError, join_path(path_, key), key_mark,
                 fmt::format("duplicate key `{}`", key));
      continue;
    }
    distinct.emplace_back(key, key_mark);
  }
  return distinct;
}

void ConfigNode::check_keys(const std::vector<std::string_view>& known, UnknownKeys policy) const {
  for (const auto& [key, key_mark] : check_duplicate_keys()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string suggestion;
    if (const auto close = closest_match(key, known)) {
      suggestion = fmt::format("; did you mean `{}`?", *close);
    }
    const std::string key_path = join_path(path_, key);
    if (policy == UnknownKeys::kReject) {
      sink_->add(Diagnostic::Severity::kError, key_path, key_mark,
                 fmt::format("unknown key `{}`{}", key, suggestion));
    } else {
      sink_->add(Diagnostic::Severity::kWarning, key_path, key_mark,
                 fmt::format("unknown key `{}` is ignored{}", key, suggestion));
    }
  }
}

void ConfigNode::error(std::string message) const {
  sink_->add(Diagnostic::Severity::kError, path_, mark_, std::move(message));
}

void ConfigNode::warning(std::string message) const {
  sink_->add(Diagnostic::Severity::kWarning, path_, mark_, std::move(message));
}

void ConfigNode::missing() const {
  const auto dot = path_.find_last_of('.');
  const std::string_view key =
      dot == std::string::npos ? std::string_view(path_) : std::string_view(path_).substr(dot + 1);
  error(fmt::format("required key `{}` is missing", key));
}

std::optional<std::string> ConfigNode::scalar() const {
  if (!present()) return std::nullopt;
  if (!node_.IsScalar()) {
    error(fmt::format("expected a single value, got {}", kind_name()));
    return std::nullopt;
  }
  return node_.Scalar();
}

std::string_view ConfigNode::kind_name() const {
  if (!node_.IsDefined()) return "nothing";
  switch (node_.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "a single value";
    case YAML::NodeType::Null: return "null";
    case YAML::NodeType::Undefined: break;
  }
  return "nothing";
}

std::optional<std::string_view> closest_match(std::string_view word,
                                              const std::vector<std::string_view>& candidates) {
  std::optional<std::string_view> best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const std::string_view candidate : candidates) {
    const std::size_t distance = levenshtein(word, candidate);
    // "Close" is two edits, or a third of the word for long keys; and never a complete rewrite,
    // or every two-letter key would "suggest" every other one.
    const std::size_t allowed = std::max<std::size_t>(2, candidate.size() / 3);
    if (distance > allowed || distance >= std::min(word.size(), candidate.size())) continue;
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

bool read_into(const ConfigNode& node, std::string& out) {
  auto text = node.scalar();
  if (!text) return false;
  out = std::move(*text);
  return true;
}

bool read_into(const ConfigNode& node, bool& out) {
  const auto text = node.scalar();
  if (!text) return false;
  // A quoted "true" is a string in YAML, and the reference's parser refuses it for a bool.
  const bool plain = node.yaml().Tag() == kPlainTag || node.yaml().Tag() == "tag:yaml.org,2002:bool";
  const auto value = plain ? yaml_bool(*text) : std::nullopt;
  if (!value) {
    node.error(fmt::format("expected true or false, got \"{}\"", *text));
    return false;
  }
  out = *value;
  return true;
}

bool read_into(const ConfigNode& node, double& out) {
  const auto text = node.scalar();
  if (!text) return false;
  if (const auto special = yaml_special_float(*text)) {
    out = *special;
    return true;
  }
  std::string_view digits = *text;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  // from_chars also takes "inf" and "nan", which YAML reads as strings: insist on a digit or '.'.
  const bool starts_numeric =
      !digits.empty() && (std::isdigit(static_cast<unsigned char>(digits.front())) ||
                          digits.front() == '.' || digits.front() == '-');
  double value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (!starts_numeric || ec != std::errc() || end != digits.data() + digits.size()) {
    node.error(fmt::format("expected a number, got \"{}\"", *text));
    return false;
  }
  out = value;
  return true;
}

bool read_into(const ConfigNode& node, std::vector<std::string>& out) {
  if (!node.present()) return false;
  if (!node.yaml().IsSequence()) {
    node.error(fmt::format("expected a list of strings, got {}", node.kind_name()));
    return false;
  }
  std::vector<std::string> values;
  bool ok = true;
  for (const ConfigNode& item : node.items()) {
    std::string value;
    if (read_into(item, value)) {
      values.push_back(std::move(value));
    } else {
      if (!item.present()) item.error("expected a string, got null");
      ok = false;
    }
  }
  if (ok) out = std::move(values);
  return ok;
}

std::optional<std::int64_t> parse_signed(const ConfigNode& node) {
  const auto text = node.scalar();
  if (!text) return std::nullopt;
  std::string_view digits = *text;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec == std::errc::result_out_of_range) {
    node.error(fmt::format("{} is out of range", *text));
    return std::nullopt;
  }
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
    node.error(fmt::format("expected an integer, got \"{}\"", *text));
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> parse_unsigned(const ConfigNode& node) {
  const auto text = node.scalar();
  if (!text) return std::nullopt;
  std::string_view digits = *text;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  if (!digits.empty() && digits.front() == '-') {
    node.error(fmt::format("must not be negative, got {}", *text));
    return std::nullopt;
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec == std::errc::result_out_of_range) {
    node.error(fmt::format("{} is out of range", *text));
    return std::nullopt;
  }
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
    node.error(fmt::format("expected a non-negative integer, got \"{}\"", *text));
    return std::nullopt;
  }
  return value;
}

bool read_string_pairs(const ConfigNode& node,
                       std::vector<std::pair<std::string, std::string>>& out) {
  if (!node.expect_map()) return false;
  node.check_duplicate_keys();
  bool ok = true;
  std::vector<std::pair<std::string, std::string>> pairs;
  for (auto& [key, value] : node.entries()) {
    std::string text;
    if (read_into(value, text)) {
      pairs.emplace_back(key, std::move(text));
    } else {
      if (!value.present()) value.error("expected a string, got null");
      ok = false;
    }
  }
  if (ok) out = std::move(pairs);
  return ok;
}

}  // namespace sluice::config
