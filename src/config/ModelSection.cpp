// `models[]` (§11) and their `routes[]` (§12): the names callers use, what each one is an alias of,
// and the upstream routes behind it. Alias chains are resolved here, once, into canonical_id.
#include "config/SectionReaders.h"

#include "config/YamlJson.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace sluice::config {

namespace {

Capabilities read_capabilities(const ConfigNode& node) {
  Capabilities caps;
  if (!node.expect_map()) return caps;
  node.check_keys({"chat_completions", "responses", "embeddings", "stream", "tools", "vision",
                   "json_schema", "developer_role"},
                  UnknownKeys::kWarn);
  read_into(node.child("chat_completions"), caps.chat_completions);
  read_into(node.child("responses"), caps.responses);
  read_into(node.child("embeddings"), caps.embeddings);
  read_into(node.child("stream"), caps.stream);
  read_into(node.child("tools"), caps.tools);
  read_into(node.child("vision"), caps.vision);
  read_into(node.child("json_schema"), caps.json_schema);
  read_into(node.child("developer_role"), caps.developer_role);
  return caps;
}

std::optional<RoutePricing> read_pricing_override(const ConfigNode& node, std::string_view subject) {
  if (!node.expect_map()) return std::nullopt;
  node.check_keys({"input_usd_per_million_tokens", "output_usd_per_million_tokens",
                   "cache_read_usd_per_million_tokens", "cache_write_usd_per_million_tokens"},
                  UnknownKeys::kReject);
  const std::string label = fmt::format("{} pricing_override", subject);
  const auto rate = [&](std::string_view key, bool required) -> std::optional<Money4> {
    const ConfigNode rate_node = node.child(key);
    if (!rate_node.present()) {
      if (required) rate_node.missing();
      return std::nullopt;
    }
    return read_money(rate_node, label, key);
  };
  const auto input = rate("input_usd_per_million_tokens", true);
  const auto output = rate("output_usd_per_million_tokens", true);
  RoutePricing pricing;
  pricing.cache_read_usd_per_million_tokens = rate("cache_read_usd_per_million_tokens", false);
  pricing.cache_write_usd_per_million_tokens = rate("cache_write_usd_per_million_tokens", false);
  if (!input || !output) return std::nullopt;
  pricing.input_usd_per_million_tokens = *input;
  pricing.output_usd_per_million_tokens = *output;
  return pricing;
}

void read_extra_body(const ConfigNode& node, std::string_view subject, boost::json::object& out) {
  if (!node.present()) return;
  if (!node.yaml().IsMap()) {
    node.error(fmt::format("{} extra_body must be a mapping (a JSON object), got {}", subject,
                           node.kind_name()));
    return;
  }
  if (auto body = yaml_to_json(node)) out = std::move(body->as_object());
}

bool is_vertex_model_name(std::string_view upstream_model) {
  const auto slash = upstream_model.find('/');
  return slash != std::string_view::npos && slash > 0 && slash + 1 < upstream_model.size() &&
         upstream_model.find('/', slash + 1) == std::string_view::npos;
}

void read_route_target(const ConfigNode& node, const GatewayConfig& config,
                       std::string_view subject, RouteConfig& route, const ProviderConfig*& provider) {
  const ConfigNode provider_node = node.child("provider");
  if (read_required(provider_node, route.provider)) {
    provider = config.find_provider(route.provider);
    // Stricter than the reference, which only fails when the route is first used.
    if (provider == nullptr) {
      provider_node.error(fmt::format("{} references unknown provider `{}`", subject, route.provider));
    }
  }
  const ConfigNode upstream = node.child("upstream_model");
  if (!read_non_empty(upstream, route.upstream_model, fmt::format("{} upstream_model", subject))) {
    return;
  }
  if (provider != nullptr && provider->type == ProviderType::kGcpVertex &&
      !is_vertex_model_name(route.upstream_model)) {
    upstream.error(fmt::format("gcp_vertex routes require upstream_model in <publisher>/<model_id> "
                               "format, got `{}`",
                               route.upstream_model));
  }
}

void read_route_tuning(const ConfigNode& node, std::string_view subject, RouteConfig& route) {
  read_into(node.child("priority"), route.priority);
  const ConfigNode weight = node.child("weight");
  double weight_value = 0;
  if (read_into(weight, weight_value)) {
    if (!std::isfinite(weight_value) || weight_value < 0) {
      weight.error(fmt::format("{} weight must be a finite number >= 0", subject));
    } else {
      route.weight = weight_value;
    }
  }
  read_into(node.child("enabled"), route.enabled);
  const ConfigNode window = node.child("context_window_tokens");
  std::int64_t tokens = 0;
  if (read_into(window, tokens)) {
    if (tokens <= 0) {
      window.error(fmt::format("{} context_window_tokens must be positive", subject));
    } else {
      route.context_window_tokens = tokens;
    }
  }
}

std::optional<RouteConfig> read_route(const ConfigNode& node, std::string_view model_id,
                                      const GatewayConfig& config) {
  if (!node.expect_map()) {
    if (!node.present()) node.error("expected a route mapping, got null");
    return std::nullopt;
  }
  node.check_keys({"provider", "upstream_model", "priority", "weight", "enabled",
                   "context_window_tokens", "pricing_override", "extra_headers", "extra_body",
                   "capabilities", "compatibility", "retries"},
                  UnknownKeys::kWarn);
  const std::string subject = fmt::format("model `{}` route", model_id);
  RouteConfig route;
  const ProviderConfig* provider = nullptr;
  read_route_target(node, config, subject, route, provider);
  read_route_tuning(node, subject, route);
  const ConfigNode retries = node.child("retries");
  std::uint32_t retry_count = 0;
  if (read_into(retries, retry_count)) {
    if (retry_count > kMaxRetriesPerRoute) {
      retries.error(fmt::format("{} retries must be between 0 and {}, got {}", subject,
                                kMaxRetriesPerRoute, retry_count));
    } else {
      route.retries = retry_count;
    }
  }
  const ConfigNode pricing = node.child("pricing_override");
  if (pricing.present()) route.pricing_override = read_pricing_override(pricing, subject);
  read_headers(node.child("extra_headers"), route.extra_headers);
  read_extra_body(node.child("extra_body"), subject, route.extra_body);
  const ConfigNode capabilities = node.child("capabilities");
  route.capabilities = read_capabilities(capabilities);
  const RouteContext context{model_id, provider, capabilities, route.capabilities};
  route.compatibility = read_route_compatibility(node.child("compatibility"), context);
  if (route.compatibility.openrouter_provider && route.extra_body.contains("provider")) {
    node.child("extra_body").child("provider").error(fmt::format(
        "{} cannot set both compatibility.openrouter.provider and extra_body.provider", subject));
  }
  return route;
}

std::optional<ModelAllowlist> read_allowlist(const ConfigNode& node, std::string_view subject) {
  if (!node.expect_map()) return std::nullopt;
  node.check_keys({"users", "teams"}, UnknownKeys::kReject);
  ModelAllowlist allowlist;
  bool ok = true;
  const ConfigNode users = node.child("users");
  std::vector<std::string> written;
  if (read_into(users, written)) {
    const auto items = users.items();
    for (std::size_t i = 0; i < written.size(); ++i) {
      std::string email = normalize_email(written[i]);
      if (!is_valid_email(email)) {
        items[i].error(fmt::format("{} allowlist user `{}` must be a valid email address", subject,
                                   written[i]));
        ok = false;
      } else if (std::find(allowlist.users.begin(), allowlist.users.end(), email) ==
                 allowlist.users.end()) {
        allowlist.users.push_back(std::move(email));
      }
    }
  }
  written.clear();
  if (read_into(node.child("teams"), written)) {
    for (const std::string& team : written) {
      // Unknown teams are accepted, as in the reference: the allowlist may name a team that is
      // created later through the admin API.
      std::string key = normalize_key(team);
      if (!key.empty() &&
          std::find(allowlist.teams.begin(), allowlist.teams.end(), key) == allowlist.teams.end()) {
        allowlist.teams.push_back(std::move(key));
      }
    }
  }
  if (ok && allowlist.users.empty() && allowlist.teams.empty()) {
    node.error(fmt::format("{} allowlist must include at least one user or team", subject));
    ok = false;
  }
  if (!ok) return std::nullopt;
  return allowlist;
}

std::optional<ModelConfig> read_model(const ConfigNode& node, const GatewayConfig& config,
                                      std::set<std::string>& seen_ids) {
  if (!node.expect_map()) {
    if (!node.present()) node.error("expected a model mapping, got null");
    return std::nullopt;
  }
  node.check_keys({"id", "alias_of", "description", "tags", "rank", "routes", "allowlist", "routing"},
                  UnknownKeys::kWarn);
  ModelConfig model;
  const ConfigNode id = node.child("id");
  if (!read_non_empty(id, model.id, "model id")) return std::nullopt;
  if (!seen_ids.insert(model.id).second) id.error(fmt::format("duplicate model id `{}`", model.id));
  const std::string subject = fmt::format("model `{}`", model.id);
  const ConfigNode alias = node.child("alias_of");
  read_into(alias, model.alias_of);
  if (model.alias_of == model.id) alias.error(fmt::format("{} cannot alias itself", subject));
  read_into(node.child("description"), model.description);
  read_into(node.child("tags"), model.tags);
  read_into(node.child("rank"), model.rank);
  for (const ConfigNode& item : node.child("routes").items()) {
    if (auto route = read_route(item, model.id, config)) model.routes.push_back(std::move(*route));
  }
  const ConfigNode routes = node.child("routes");
  const bool has_routes = routes.present() && routes.yaml().IsSequence() && routes.yaml().size() > 0;
  if (model.alias_of && has_routes) {
    node.error(fmt::format("{} cannot define both alias_of and routes", subject));
  } else if (!model.alias_of && !has_routes) {
    node.error(fmt::format("{} must define either alias_of or at least one route", subject));
  }
  const ConfigNode allowlist = node.child("allowlist");
  if (allowlist.present()) model.allowlist = read_allowlist(allowlist, subject);
  const ConfigNode routing = node.child("routing");
  if (routing.present()) model.routing = read_routing(routing, config.routing);
  return model;
}

// Checks every alias target exists, reports each alias cycle once, and fills canonical_id for
// aliases whose chain ends at a model with routes.
void resolve_aliases(std::vector<ModelConfig>& models, const std::vector<ConfigNode>& alias_nodes) {
  std::map<std::string, std::size_t, std::less<>> index;
  for (std::size_t i = 0; i < models.size(); ++i) index.emplace(models[i].id, i);
  for (std::size_t i = 0; i < models.size(); ++i) {
    const auto& target = models[i].alias_of;
    if (target && *target != models[i].id && !index.contains(*target)) {
      alias_nodes[i].error(fmt::format("model `{}` aliases unknown model `{}`", models[i].id, *target));
    }
  }
  enum class State { kUnvisited, kOnPath, kDone };
  std::vector<State> state(models.size(), State::kUnvisited);
  for (std::size_t start = 0; start < models.size(); ++start) {
    std::vector<std::size_t> path;
    std::optional<std::string> canonical;  // stays empty when the chain breaks or loops
    std::size_t current = start;
    while (true) {
      if (state[current] == State::kDone) {  // joined a chain resolved earlier
        canonical = models[current].canonical_id;
        break;
      }
      if (state[current] == State::kOnPath) {  // walked back onto this walk: a cycle
        // A self-alias is its own, clearer error.
        if (models[current].alias_of != models[current].id) {
          alias_nodes[current].error(
              fmt::format("model alias cycle detected starting at `{}`", models[current].id));
        }
        break;
      }
      state[current] = State::kOnPath;
      path.push_back(current);
      const auto& target = models[current].alias_of;
      if (!target) {
        canonical = models[current].id;
        break;
      }
      const auto next = index.find(*target);
      if (next == index.end()) break;  // unknown target, reported above
      current = next->second;
    }
    for (const std::size_t visited : path) {
      state[visited] = State::kDone;
      models[visited].canonical_id = canonical;
    }
  }
}

}  // namespace

std::vector<ModelConfig> read_models(const ConfigNode& node, const GatewayConfig& config) {
  std::vector<ModelConfig> models;
  std::vector<ConfigNode> alias_nodes;  // index-aligned with `models`
  std::set<std::string> seen_ids;
  for (const ConfigNode& item : node.items()) {
    if (auto model = read_model(item, config, seen_ids)) {
      models.push_back(std::move(*model));
      alias_nodes.push_back(item.child("alias_of"));
    }
  }
  resolve_aliases(models, alias_nodes);
  return models;
}

}  // namespace sluice::config
