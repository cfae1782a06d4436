// ValueSource: the `env.NAME` / `literal.VALUE` value sources of reference config.md §0.1.
//
// Secret fields (tokens, passwords, client secrets, caller keys) accept only those two forms and
// resolve to a Secret; anything else is refused with a message that never repeats what was written,
// because what was written may be a real key pasted in by mistake. Text fields that also take a
// reference (credentials paths, public base URLs, project ids) resolve the two forms and otherwise
// take the text as it stands. Environment variables are read when the config is loaded, so a missing
// one fails startup even when nothing would have used it yet.
#pragma once

#include "config/ConfigLoader.h"
#include "config/ConfigNode.h"
#include "config/Secret.h"

#include <optional>
#include <string>
#include <string_view>

namespace sluice::config {

class ValueResolver {
 public:
  explicit ValueResolver(const EnvironmentLookup& env) : env_(env) {}

  // A secret field. Reports (and returns nullopt) for other forms and unset variables.
  std::optional<Secret> secret(const ConfigNode& node) const;

  // A plain-text-or-reference field (paths, URLs, ids).
  std::optional<std::string> text(const ConfigNode& node) const;

  // The variable's value, or nullopt when unset. Reports nothing.
  std::optional<std::string> environment(std::string_view name) const { return env_(name); }

 private:
  std::optional<std::string> resolve_env(const ConfigNode& node, std::string_view name) const;

  const EnvironmentLookup& env_;
};

}  // namespace sluice::config
