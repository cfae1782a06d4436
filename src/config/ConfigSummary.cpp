#include "config/ConfigSummary.h"

#include "config/EnumNames.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace sluice::config {

namespace {

// What a provider authenticates with: a mode name only, never a credential.
std::string auth_mode_of(const ProviderConfig& provider) {
  if (provider.openai_compat) return provider.openai_compat->bearer_token ? "bearer" : "none";
  if (provider.gcp_cloud_run) return std::string(to_string(provider.gcp_cloud_run->auth_mode));
  if (provider.gcp_vertex) return std::string(to_string(provider.gcp_vertex->auth_mode));
  if (provider.aws_bedrock) return std::string(to_string(provider.aws_bedrock->auth_mode));
  if (provider.github_copilot) return provider.github_copilot->auth_mode;
  return "none";
}

// Where a provider's requests go.
std::string endpoint_of(const ProviderConfig& provider) {
  if (provider.openai_compat) return provider.openai_compat->base_url;
  if (provider.gcp_cloud_run) return provider.gcp_cloud_run->base_url;
  if (provider.gcp_vertex) {
    const auto& vertex = *provider.gcp_vertex;
    return fmt::format("https://{} (project {}, location {})", vertex.api_host, vertex.project_id,
                       vertex.location);
  }
  if (provider.aws_bedrock) {
    return fmt::format("{} ({})", provider.aws_bedrock->endpoint_url,
                       to_string(provider.aws_bedrock->endpoint_kind));
  }
  if (provider.github_copilot) return provider.github_copilot->base_url;
  return "";
}

std::vector<std::string_view> enabled_capabilities(const Capabilities& caps) {
  std::vector<std::string_view> names;
  const std::pair<std::string_view, bool> flags[] = {
      {"chat_completions", caps.chat_completions}, {"responses", caps.responses},
      {"embeddings", caps.embeddings},             {"stream", caps.stream},
      {"tools", caps.tools},                       {"vision", caps.vision},
      {"json_schema", caps.json_schema},           {"developer_role", caps.developer_role}};
  for (const auto& [name, on] : flags) {
    if (on) names.push_back(name);
  }
  return names;
}

std::optional<std::string_view> api_style_of(const RouteConfig& route) {
  if (!route.compatibility.aws_bedrock) return std::nullopt;
  return to_string(route.compatibility.aws_bedrock->api_style);
}

std::string plural(std::size_t count, std::string_view noun) {
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

std::string counts_line(const GatewayConfig& config) {
  std::size_t routes = 0;
  std::size_t aliases = 0;
  for (const auto& model : config.models) {
    routes += model.routes.size();
    if (model.alias_of) ++aliases;
  }
  std::size_t keys = 0;
  for (const auto& account : config.service_accounts) keys += account.keys.size();
  return fmt::format("{}, {} ({} alias{}), {}, {}, {} ({}), {}\n", plural(config.providers.size(), "provider"),
                     plural(config.models.size(), "model"), aliases, aliases == 1 ? "" : "es",
                     plural(routes, "route"), plural(config.teams.size(), "team"),
                     plural(config.service_accounts.size(), "service account"), plural(keys, "key"),
                     plural(config.users.size(), "user"));
}

boost::json::array diagnostics_json(const std::vector<Diagnostic>& diagnostics) {
  boost::json::array array;
  for (const auto& diagnostic : diagnostics) {
    array.push_back(boost::json::object{{"path", diagnostic.path},
                                        {"line", diagnostic.line},
                                        {"column", diagnostic.column},
                                        {"message", diagnostic.message}});
  }
  return array;
}

boost::json::object provider_json(const ProviderConfig& provider) {
  boost::json::object object{{"id", provider.id},
                             {"type", to_string(provider.type)},
                             {"auth", auth_mode_of(provider)},
                             {"endpoint", endpoint_of(provider)}};
  object["label"] = provider.display.label ? boost::json::value(*provider.display.label) : nullptr;
  return object;
}

boost::json::object route_json(const RouteConfig& route) {
  boost::json::array capabilities;
  for (const auto name : enabled_capabilities(route.capabilities)) capabilities.emplace_back(name);
  boost::json::object object{{"provider", route.provider},
                             {"upstream_model", route.upstream_model},
                             {"priority", route.priority},
                             {"weight", route.weight},
                             {"enabled", route.enabled},
                             {"capabilities", std::move(capabilities)}};
  const auto style = api_style_of(route);
  object["api_style"] = style ? boost::json::value(*style) : nullptr;
  return object;
}

boost::json::object model_json(const ModelConfig& model) {
  boost::json::array tags;
  for (const auto& tag : model.tags) tags.emplace_back(tag);
  boost::json::array routes;
  for (const auto& route : model.routes) routes.push_back(route_json(route));
  boost::json::object object{{"id", model.id}, {"tags", std::move(tags)}, {"rank", model.rank},
                             {"routes", std::move(routes)}};
  object["alias_of"] = model.alias_of ? boost::json::value(*model.alias_of) : nullptr;
  object["canonical_id"] = model.canonical_id ? boost::json::value(*model.canonical_id) : nullptr;
  return object;
}

}  // namespace

std::string summary_text(const GatewayConfig& config) {
  std::string out = counts_line(config);
  if (!config.providers.empty()) out += "\nproviders:\n";
  for (const auto& provider : config.providers) {
    out += fmt::format("  {}  {}  auth={}  {}", provider.id, to_string(provider.type),
                       auth_mode_of(provider), endpoint_of(provider));
    if (provider.display.label) out += fmt::format("  \"{}\"", *provider.display.label);
    out += "\n";
  }
  if (!config.models.empty()) out += "\nmodels:\n";
  for (const auto& model : config.models) {
    out += fmt::format("  {}", model.id);
    if (model.alias_of) out += fmt::format(" → {} (alias)", *model.alias_of);
    if (!model.tags.empty()) out += fmt::format("  tags={}", fmt::join(model.tags, ","));
    out += fmt::format("  rank={}\n", model.rank);
    for (const auto& route : model.routes) {
      out += fmt::format("    {} → {}", route.provider, route.upstream_model);
      if (const auto style = api_style_of(route)) out += fmt::format("  [{}]", *style);
      if (!route.enabled) out += "  (disabled)";
      out += fmt::format("  {}\n", fmt::join(enabled_capabilities(route.capabilities), " "));
    }
  }
  return out;
}

boost::json::value summary_json(const LoadResult& result) {
  boost::json::array providers;
  boost::json::array models;
  if (result.config) {
    for (const auto& provider : result.config->providers) providers.push_back(provider_json(provider));
    for (const auto& model : result.config->models) models.push_back(model_json(model));
  }
  return boost::json::object{{"valid", result.ok()},
                             {"errors", diagnostics_json(result.errors)},
                             {"warnings", diagnostics_json(result.warnings)},
                             {"providers", std::move(providers)},
                             {"models", std::move(models)}};
}

}  // namespace sluice::config
