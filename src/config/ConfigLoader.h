// ConfigLoader: YAML file -> validated GatewayConfig, in one pass.
//
// Reading, parsing and validating are separate stages with the reference's three error wrappers
// ("failed reading config file", "failed parsing yaml config", "invalid gateway configuration").
// Validation never stops at the first problem: it returns every error, each with its key path
// (`models[0].routes[1].compatibility.aws_bedrock.api_style`) and the line:column it sits at, and
// every warning (an unknown key in a lenient section, with a "did you mean" where one is close).
// A config is returned only when there are no errors.
#pragma once

#include "config/GatewayConfig.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::config {

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string path;     // e.g. "providers[0].auth.mode"; empty for whole-file problems
  int line = 0;         // 1-based; 0 when unknown
  int column = 0;       // 1-based; 0 when unknown
  std::string message;  // never contains a resolved secret value

  // "models[0].routes[0].capabilities.responses (12:9): <message>"
  std::string to_string() const;
};

struct LoadResult {
  std::shared_ptr<const GatewayConfig> config;  // set only when errors is empty
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;
  bool ok() const { return config != nullptr; }
};

// Where `env.NAME` references are looked up. Tests pass a fixed map; the gateway the process env.
using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view name)>;
EnvironmentLookup process_environment();

LoadResult load_config_file(const std::string& path,
                            const EnvironmentLookup& env = process_environment());
LoadResult load_config_text(std::string_view yaml_text, const EnvironmentLookup& env);

}  // namespace sluice::config
