// ConfigLoader: read → parse → validate, with the reference's three failure wrappers. See
// ConfigLoader.h. The section readers (SectionReaders.h) do the validating; this file orders them so
// that every cross-reference (a route's provider, an account's team) is read before it is checked.
#include "config/ConfigLoader.h"

#include "config/ConfigNode.h"
#include "config/SectionReaders.h"
#include "config/ValueSource.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace sluice::config {

namespace {

Diagnostic file_level_error(std::string message, int line = 0, int column = 0) {
  Diagnostic diagnostic;
  diagnostic.message = std::move(message);
  diagnostic.line = line;
  diagnostic.column = column;
  return diagnostic;
}

LoadResult failed(Diagnostic diagnostic) {
  LoadResult result;
  result.errors.push_back(std::move(diagnostic));
  return result;
}

// File order reads best: a person fixes a config top to bottom. Whole-file problems go last.
void sort_by_position(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    const auto key = [](const Diagnostic& d) {
      return std::pair(d.line == 0 ? std::numeric_limits<int>::max() : d.line, d.column);
    };
    return key(a) < key(b);
  });
}

// The reader order: each section is read after every section it refers to.
GatewayConfig read_document(const ConfigNode& root, const ValueResolver& values) {
  root.check_keys({"server", "database", "auth", "permissions", "mcp", "budgets", "budget_alerts",
                   "request_logging", "agent_analysis", "providers", "models", "teams",
                   "service_accounts", "users", "routing"},
                  UnknownKeys::kWarn);
  GatewayConfig config;
  config.server = read_server(root.child("server"));
  config.database = read_database(root.child("database"), values);
  config.budget_alerts = read_budget_alerts(root.child("budget_alerts"), values);
  config.request_logging = read_request_logging(root.child("request_logging"));
  config.agent_analysis = read_agent_analysis(root.child("agent_analysis"));
  config.permissions = read_permissions(root.child("permissions"));
  config.teams = read_teams(root.child("teams"));
  config.auth = read_auth(root.child("auth"), values, config.teams);
  config.mcp = read_mcp(root.child("mcp"), values);
  config.providers = read_providers(root.child("providers"), values);
  config.routing = read_routing(root.child("routing"), RoutingPolicy{});
  config.models = read_models(root.child("models"), config);
  config.service_accounts = read_service_accounts(root.child("service_accounts"), values, config);
  config.users = read_users(root.child("users"), config);
  config.budgets = read_budgets(root.child("budgets"), config);
  return config;
}

}  // namespace

std::string Diagnostic::to_string() const {
  const std::string position = line > 0 ? fmt::format("{}:{}", line, column) : std::string();
  if (path.empty()) return position.empty() ? message : fmt::format("{}: {}", position, message);
  if (position.empty()) return fmt::format("{}: {}", path, message);
  return fmt::format("{} ({}): {}", path, position, message);
}

EnvironmentLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

LoadResult load_config_file(const std::string& path, const EnvironmentLookup& env) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    return failed(file_level_error(fmt::format("failed reading config file `{}`: is a directory", path)));
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return failed(file_level_error(
        fmt::format("failed reading config file `{}`: {}", path, std::strerror(errno))));
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) {
    return failed(file_level_error(fmt::format("failed reading config file `{}`", path)));
  }
  return load_config_text(text.str(), env);
}

LoadResult load_config_text(std::string_view yaml_text, const EnvironmentLookup& env) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(yaml_text));
  } catch (const YAML::ParserException& e) {
    return failed(file_level_error(fmt::format("failed parsing yaml config: {}", e.msg),
                                   e.mark.line + 1, e.mark.column + 1));
  } catch (const YAML::Exception& e) {
    return failed(file_level_error(fmt::format("failed parsing yaml config: {}", e.msg)));
  }
  if (documents.size() > 1) {
    return failed(file_level_error(fmt::format(
        "failed parsing yaml config: expected one YAML document, found {}", documents.size())));
  }
  // No document at all (an empty file, or only comments) is the empty config: every default.
  YAML::Node root = documents.empty() ? YAML::Node(YAML::NodeType::Null) : documents.front();

  DiagnosticSink sink;
  const ValueResolver values(env);
  const ConfigNode root_node(root, sink);
  GatewayConfig config;
  if (root.IsDefined() && !root.IsNull() && !root.IsMap()) {
    root_node.error(fmt::format("the configuration must be a mapping of sections, got {}",
                                root_node.kind_name()));
  } else {
    try {
      config = read_document(root_node, values);
    } catch (const YAML::Exception& e) {
      // yaml-cpp throws on shapes the readers did not foresee; report it rather than crash.
      root_node.error(fmt::format("failed reading the yaml document: {}", e.msg));
    }
  }

  LoadResult result;
  result.errors = sink.take_errors();
  result.warnings = sink.take_warnings();
  sort_by_position(result.errors);
  sort_by_position(result.warnings);
  if (result.errors.empty()) result.config = std::make_shared<const GatewayConfig>(std::move(config));
  return result;
}

}  // namespace sluice::config
