// Helpers shared by the config tests: load YAML text with a fixed environment, and assert that a
// diagnostic with a given key path and message fragment was reported.
#pragma once

#include "config/ConfigLoader.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>

namespace sluice::config::testing {

using EnvMap = std::map<std::string, std::string, std::less<>>;

inline EnvironmentLookup env_from(EnvMap env) {
  return [env = std::move(env)](std::string_view name) -> std::optional<std::string> {
    const auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

inline LoadResult load(std::string_view yaml, EnvMap env = {}) {
  return load_config_text(yaml, env_from(std::move(env)));
}

inline std::string all_diagnostics(const LoadResult& result) {
  std::string out;
  for (const auto& error : result.errors) out += "  error: " + error.to_string() + "\n";
  for (const auto& warning : result.warnings) out += "  warning: " + warning.to_string() + "\n";
  return out.empty() ? "  (no diagnostics)\n" : out;
}

inline const Diagnostic* find_diagnostic(const std::vector<Diagnostic>& list, std::string_view path,
                                         std::string_view fragment) {
  for (const auto& diagnostic : list) {
    if (diagnostic.path == path && diagnostic.message.find(fragment) != std::string::npos) {
      return &diagnostic;
    }
  }
  return nullptr;
}

inline ::testing::AssertionResult HasError(const LoadResult& result, std::string_view path,
                                           std::string_view fragment) {
  if (result.ok()) {
    return ::testing::AssertionFailure() << "config loaded, expected an error at " << path << "\n"
                                         << all_diagnostics(result);
  }
  if (find_diagnostic(result.errors, path, fragment) != nullptr) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no error at `" << path << "` containing \"" << fragment
                                       << "\"; got:\n"
                                       << all_diagnostics(result);
}

inline ::testing::AssertionResult HasWarning(const LoadResult& result, std::string_view path,
                                             std::string_view fragment) {
  if (find_diagnostic(result.warnings, path, fragment) != nullptr) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "no warning at `" << path << "` containing \"" << fragment
                                       << "\"; got:\n"
                                       << all_diagnostics(result);
}

inline ::testing::AssertionResult Loads(const LoadResult& result) {
  if (result.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "config failed to load:\n" << all_diagnostics(result);
}

inline std::string source_path(std::string_view relative) {
  return fmt::format("{}/{}", SLUICE_SOURCE_DIR, relative);
}

inline std::string read_text(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// A provider and a model that pass validation, for tests about other sections.
inline constexpr std::string_view kOpenAIProvider = R"(
providers:
  - id: openai
    type: openai_compat
    base_url: https://api.openai.com/v1
    pricing_provider_id: openai
)";

inline constexpr std::string_view kOpenAIModel = R"(
models:
  - id: gpt
    routes:
      - provider: openai
        upstream_model: gpt-4o
)";

// A Bedrock Mantle provider (default-chain auth) and a Runtime one, for route tests.
inline constexpr std::string_view kBedrockProviders = R"(
providers:
  - id: mantle
    type: aws_bedrock
    region: us-east-2
    endpoint_kind: bedrock_mantle
  - id: runtime
    type: aws_bedrock
    region: us-east-1
    endpoint_kind: bedrock_runtime
)";

}  // namespace sluice::config::testing
