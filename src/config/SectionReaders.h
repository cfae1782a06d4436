// SectionReaders: one reader per top-level section of the configuration file, plus the checks
// several sections share (URLs, budgets, money, team references).
//
// Each reader turns its ConfigNode into typed values, reporting every problem through the node and
// carrying on; the result of a reader that reported errors is never used, because ConfigLoader only
// returns a config when no errors were reported at all. Readers that check references into other
// sections (a route's provider, a service account's team) take those sections already read; the
// order ConfigLoader calls them in is what makes that possible.
//
// Internal to config/.
#pragma once

#include "config/ConfigNode.h"
#include "config/GatewayConfig.h"
#include "config/ValueSource.h"
#include "config/ValueSyntax.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::config {

ServerConfig read_server(const ConfigNode& node);
DatabaseConfig read_database(const ConfigNode& node, const ValueResolver& values);
BudgetAlertsConfig read_budget_alerts(const ConfigNode& node, const ValueResolver& values);
RequestLoggingConfig read_request_logging(const ConfigNode& node);
AgentAnalysisConfig read_agent_analysis(const ConfigNode& node);
PermissionsConfig read_permissions(const ConfigNode& node);
std::vector<TeamConfig> read_teams(const ConfigNode& node);
AuthConfig read_auth(const ConfigNode& node, const ValueResolver& values,
                     const std::vector<TeamConfig>& teams);
McpConfig read_mcp(const ConfigNode& node, const ValueResolver& values);
std::vector<ProviderConfig> read_providers(const ConfigNode& node, const ValueResolver& values);
// routing.retries_per_route and a route's `retries` are at most this.
inline constexpr std::uint32_t kMaxRetriesPerRoute = 10;

// `routing` (top level, or a model's): `base` with the keys written here applied.
RoutingPolicy read_routing(const ConfigNode& node, const RoutingPolicy& base);
std::vector<ModelConfig> read_models(const ConfigNode& node, const GatewayConfig& config);
std::vector<ServiceAccountConfig> read_service_accounts(const ConfigNode& node,
                                                        const ValueResolver& values,
                                                        const GatewayConfig& config);
std::vector<UserConfig> read_users(const ConfigNode& node, const GatewayConfig& config);
BudgetsConfig read_budgets(const ConfigNode& node, const GatewayConfig& config);

// A route's `compatibility` block; `provider` is nullptr when the route's provider is unknown
// (already reported), which skips the provider-specific checks.
struct RouteContext {
  std::string_view model_id;
  const ProviderConfig* provider;
  const ConfigNode& capabilities_node;  // for pointing at an offending capability flag
  const Capabilities& capabilities;
};
RouteCompatibility read_route_compatibility(const ConfigNode& node, const RouteContext& route);

// ---------------------------------------------------------------------------------------------
// Shared checks

// Reads a key that must be present: reports "required key ... is missing" when it is not.
template <class T>
bool read_required(const ConfigNode& node, T& out) {
  if (!node.present()) {
    node.missing();
    return false;
  }
  return read_into(node, out);
}

template <NamedEnum E>
bool read_required_enum(const ConfigNode& node, E& out) {
  if (!node.present()) {
    node.missing();
    return false;
  }
  return read_enum(node, out);
}

// Reads a count that must be > 0, with the reference's "<path> must be > 0".
template <class Int>
bool read_positive(const ConfigNode& node, Int& out) {
  Int value{};
  if (!read_into(node, value)) return false;
  if (value <= 0) {
    node.error(fmt::format("{} must be > 0", node.path()));
    return false;
  }
  out = value;
  return true;
}

// A secret that must be written and resolve to something non-blank; `subject` names it
// ("aws_bedrock provider `b` auth.token is required" / "... cannot be empty").
std::optional<Secret> read_required_secret(const ConfigNode& node, const ValueResolver& values,
                                           std::string_view subject);

// Reads a string that must be present and not blank; `subject` names it in the blank message
// ("oidc provider `corp` label cannot be empty").
bool read_non_empty(const ConfigNode& node, std::string& out, std::string_view subject);

enum class UrlSchemes { kHttpOrHttps, kHttpsOnly };

// Checks that `text` (the value of `node`) is an absolute URL with an allowed scheme and a host.
// `subject` names the field in messages: "<subject> scheme `ftp` is not supported".
std::optional<UriParts> check_http_url(const ConfigNode& node, std::string_view text,
                                       std::string_view subject, UrlSchemes schemes);

// A mapping of HTTP header name to value, in file order; names must be tokens and values must not
// contain line breaks (they would split the upstream request).
void read_headers(const ConfigNode& node, std::vector<std::pair<std::string, std::string>>& out);

// A Money4 amount written as a string or a number; `label` starts the reference's messages
// ("`<label>` amount_usd is invalid: ..." / "... cannot be negative").
std::optional<Money4> read_money(const ConfigNode& node, std::string_view label,
                                 std::string_view field);

// A Budget object (§6); `label` names its owner in messages ("service account `ci`").
std::optional<Budget> read_budget(const ConfigNode& node, std::string_view label);

// A normalized team id that must name one of `teams`; reports with `subject` when it does not.
std::optional<std::string> read_team_reference(const ConfigNode& node,
                                               const std::vector<TeamConfig>& teams,
                                               std::string_view subject);

// A role that config may grant (`admin` | `member`); `owner` is refused with `subject` in the
// message. Like read_into: false and silent when absent.
bool read_team_role(const ConfigNode& node, TeamRole& out, std::string_view subject);

}  // namespace sluice::config
