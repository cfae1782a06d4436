// GatewayConfigSections: the configuration sections around the request path — login (auth), the
// admin UI's permissions, upstream MCP OAuth, budgets and their alert mail, request logging, agent
// analysis and the seeded users (reference config.md §3–9 and §15).
//
// Included from GatewayConfig.h after Budget, TeamConfig and the provider types are declared. Like
// the rest of GatewayConfig these are plain values filled once by config/ConfigLoader; every default
// below is the reference's default, so a default-constructed section is what an absent one means.
#pragma once

#include "config/Secret.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice::config {

// ---------------------------------------------------------------------------------------------
// auth (§3): the bootstrap admin, OIDC single sign-on and direct GitHub OAuth

enum class GlobalRole { kUser, kPlatformAdmin };
enum class TeamRole { kAdmin, kMember };  // `owner` exists at runtime but config may not grant it

struct TeamMembership {
  std::string team;  // normalized TeamConfig::id
  TeamRole role = TeamRole::kMember;
};

// Just-in-time creation of a user at their first SSO login.
struct JitConfig {
  bool enabled = false;
  GlobalRole global_role = GlobalRole::kUser;
  std::optional<TeamMembership> membership;
  bool request_logging_enabled = true;
};

struct BootstrapAdminConfig {
  bool enabled = true;
  std::string email = "admin@local";  // trimmed and lower-cased; reserved: users[] cannot use it
  Secret password{"admin"};           // the reference's default is `literal.admin`
  bool require_password_change = false;
};

struct OidcProviderConfig {
  std::string key;
  std::string label;
  std::string issuer_url;
  std::string client_id;  // resolved from env./literal.; public, so not a Secret
  Secret client_secret;
  std::vector<std::string> scopes{"openid", "email", "profile"};
  bool enabled = true;
  JitConfig jit;
};

struct OidcConfig {
  std::optional<std::string> public_base_url;  // resolved; http(s) with a host
  std::vector<OidcProviderConfig> providers;
};

struct OAuthProviderConfig {
  std::string key;
  std::string label;
  std::string provider_type = "github";  // the only type the reference accepts
  std::string client_id;
  Secret client_secret;
  std::vector<std::string> scopes{"read:user", "user:email"};
  bool sso_email_verification_enabled = true;
  std::vector<std::string> allowed_email_domains;  // trimmed, lower-cased, trailing dot removed
  bool enabled = true;
  JitConfig jit;
};

struct OAuthConfig {
  std::optional<std::string> public_base_url;
  std::vector<OAuthProviderConfig> providers;
};

struct AuthConfig {
  BootstrapAdminConfig bootstrap_admin;
  OidcConfig oidc;
  OAuthConfig oauth;
};

// ---------------------------------------------------------------------------------------------
// permissions (§5): which admin-UI pages and API-key actions each group gets

enum class AdminPage {
  kApiKeys,
  kModels,
  kMcp,
  kReviewAgent,
  kUsageCosts,
  kSpendControls,
  kLeaderboard,
  kAgentHarnesses,
  kRequestLogs,
  kMcpInvocations,
  kTeams,
  kUsers,
  kServiceAccounts,
};

enum class ApiKeyAction { kCreateApiKey, kUpdateApiKey, kRevokeApiKey, kRevealApiKey };

struct PermissionGroup {
  // Direct grants, as written (or the reference's default when the key is absent).
  std::vector<AdminPage> pages;
  std::vector<ApiKeyAction> actions;
  // What the group really gets: its own grants plus every lower group's, without duplicates.
  std::vector<AdminPage> effective_pages;
  std::vector<ApiKeyAction> effective_actions;
  // Landing page; nullopt when the group has no effective page (the UI shows /admin/no-access).
  std::optional<AdminPage> default_page;
};

// Built by the loader with the reference's defaults and inheritance applied; a default-constructed
// PermissionsConfig has empty groups, so use what the loader returns.
struct PermissionsConfig {
  PermissionGroup users;
  PermissionGroup team_admins;      // inherits users
  PermissionGroup platform_admins;  // inherits team_admins (and so users)
};

// ---------------------------------------------------------------------------------------------
// mcp.oauth (§4): OAuth to upstream MCP servers (not login)

struct McpOAuthProviderConfig {
  std::string key;
  std::string provider_type = "google";  // the only type the reference accepts
  std::string client_id;
  Secret client_secret;
  std::string authorization_url = "https://accounts.google.com/o/oauth2/v2/auth";
  std::string token_url = "https://oauth2.googleapis.com/token";
};

struct McpOAuthConfig {
  std::optional<std::string> public_base_url;  // an https origin
  std::vector<McpOAuthProviderConfig> providers;
};

struct McpConfig {
  McpOAuthConfig oauth;
};

// ---------------------------------------------------------------------------------------------
// budgets (§6)

struct ModelBudgetDefault {
  std::string model;  // ModelConfig::id
  Budget budget;
};

struct UserBudgetsConfig {
  std::optional<Budget> default_budget;  // `budgets.users.default`; human users only
  std::vector<ModelBudgetDefault> model_defaults;
};

struct BudgetsConfig {
  UserBudgetsConfig users;
};

// ---------------------------------------------------------------------------------------------
// budget_alerts (§7)

enum class EmailTransportKind { kSink, kSmtp };  // sink: delivery rows are stored, nothing is sent

struct EmailTransportConfig {
  EmailTransportKind kind = EmailTransportKind::kSink;
  std::string host;  // smtp only; required there
  std::uint16_t port = 587;
  std::optional<std::string> username;  // username and password are set together or not at all
  std::optional<Secret> password;
  bool starttls = true;
};

struct BudgetAlertEmailConfig {
  std::string from_email = "alerts@local";
  std::optional<std::string> from_name;
  std::uint64_t poll_interval_secs = 30;
  std::uint32_t batch_size = 25;
  EmailTransportConfig transport;
};

struct BudgetAlertsConfig {
  BudgetAlertEmailConfig email;
};

// ---------------------------------------------------------------------------------------------
// request_logging (§8)

enum class PayloadCaptureMode { kDisabled, kSummaryOnly, kRedactedPayloads };

struct PayloadLoggingConfig {
  PayloadCaptureMode capture_mode = PayloadCaptureMode::kRedactedPayloads;
  std::uint64_t request_max_bytes = 65'536;
  std::uint64_t response_max_bytes = 65'536;
  std::uint64_t stream_max_events = 128;
  // Dot-separated JSON keys; `*` matches one whole segment. No indexes, no empty segments.
  std::vector<std::string> redaction_paths;
};

struct RequestLogPurgeConfig {
  bool enabled = false;
  std::chrono::days retention{7};        // 1d | 3d | 7d
  std::string schedule = "0 0 * * *";    // 5-field cron, at most once a day
};

struct RequestLoggingConfig {
  PayloadLoggingConfig payloads;
  RequestLogPurgeConfig purge;
};

// ---------------------------------------------------------------------------------------------
// agent_analysis (§9)

enum class CacheTtl { kFiveMinutes, kThirtyMinutes, kOneHour, kUnknown };

struct AgentAnalysisMetrics {
  bool tokens = true;
  bool cache = true;
  bool context = true;
  bool tools = true;
  bool skills = true;
  bool reliability = true;
  bool outcomes = true;
  bool finish_reasons = true;
};

// How prompt caching behaves for matching routes; at least one `*_contains` matcher is set.
struct CacheProfileConfig {
  std::optional<std::string> provider_key_contains;
  std::optional<std::string> upstream_model_contains;
  std::uint64_t minimum_cacheable_tokens = 0;  // required, > 0
  CacheTtl default_ttl = CacheTtl::kUnknown;
};

struct AgentAnalysisConfig {
  bool enabled = true;
  bool shadow_diagnostics_enabled = false;
  bool calibrated_score_enabled = false;  // requires calibration_approval_id
  std::optional<std::string> calibration_approval_id;  // trimmed, at most 256 bytes
  bool team_admin_enabled = false;  // requires calibrated_score_enabled
  std::uint32_t report_retention_days = 90;
  std::uint32_t queue_retention_days = 7;
  std::uint64_t context_input_boundary_tokens = 220'000;
  std::uint64_t context_reserved_output_tokens = 128'000;
  std::uint32_t context_penalty_points_per_repeated_excess = 2;
  AgentAnalysisMetrics metrics;
  std::vector<CacheProfileConfig> cache_profiles;
};

// ---------------------------------------------------------------------------------------------
// users (§15): people seeded into the store at startup

enum class UserAuthMode { kPassword, kOidc, kOAuth };

struct UserConfig {
  std::string name;
  std::string email;  // trimmed and lower-cased
  UserAuthMode auth_mode = UserAuthMode::kPassword;
  GlobalRole global_role = GlobalRole::kUser;
  bool request_logging_enabled = true;
  std::vector<std::string> tags;
  std::optional<std::string> oidc_provider_key;   // set iff auth_mode is oidc
  std::optional<std::string> oauth_provider_key;  // set iff auth_mode is oauth
  std::optional<TeamMembership> membership;
  std::optional<Budget> budget;  // absent: budgets.users.default applies
};

}  // namespace sluice::config
