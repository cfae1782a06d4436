#include "config/ValueSource.h"

#include <fmt/format.h>

namespace sluice::config {

namespace {

constexpr std::string_view kEnvPrefix = "env.";
constexpr std::string_view kLiteralPrefix = "literal.";

}  // namespace

std::optional<std::string> ValueResolver::resolve_env(const ConfigNode& node,
                                                      std::string_view name) const {
  if (name.empty()) {
    node.error("`env.` reference names no environment variable");
    return std::nullopt;
  }
  auto value = env_(name);
  if (!value) node.error(fmt::format("required environment variable `{}` is not set", name));
  return value;
}

std::optional<Secret> ValueResolver::secret(const ConfigNode& node) const {
  if (!node.present()) return std::nullopt;
  if (!node.yaml().IsScalar()) {
    node.error(fmt::format("expected a secret reference (env.NAME or literal.VALUE), got {}",
                           node.kind_name()));
    return std::nullopt;
  }
  const std::string_view text = node.yaml().Scalar();
  if (text.starts_with(kEnvPrefix)) {
    auto value = resolve_env(node, text.substr(kEnvPrefix.size()));
    if (!value) return std::nullopt;
    return Secret(std::move(*value));
  }
  if (text.starts_with(kLiteralPrefix)) return Secret(std::string(text.substr(kLiteralPrefix.size())));
  // Deliberately not the reference's "`...`" echo: this text may be a real credential.
  node.error("unsupported secret reference (value hidden); use env.* or literal.* for this phase");
  return std::nullopt;
}

std::optional<std::string> ValueResolver::text(const ConfigNode& node) const {
  std::string text;
  if (!read_into(node, text)) return std::nullopt;
  const std::string_view view = text;
  if (view.starts_with(kEnvPrefix)) return resolve_env(node, view.substr(kEnvPrefix.size()));
  if (view.starts_with(kLiteralPrefix)) return std::string(view.substr(kLiteralPrefix.size()));
  return text;
}

}  // namespace sluice::config
