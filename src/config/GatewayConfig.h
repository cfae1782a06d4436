// GatewayConfig: the whole configuration file as immutable typed values.
//
// config/ConfigLoader turns YAML into one of these in a single pass, checking every rule of
// ../shared/reference/config.md (plus Sluice's own keys, documented in docs/configuration.md) and
// resolving every `env.` / `literal.` value source. The running gateway holds a
// std::shared_ptr<const GatewayConfig>; nothing mutates one after loading, and a reload builds a new
// one. Defaults below are the reference's defaults, so a struct built from an empty file is valid.
#pragma once

#include "config/Money.h"
#include "config/Secret.h"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::config {

// ---------------------------------------------------------------------------------------------
// server

struct ServerConfig {
  std::string bind = "0.0.0.0:8080";  // as written; host/port below are parsed from it
  std::string bind_host = "0.0.0.0";  // IPv6 literals without their brackets: "::1"
  std::uint16_t bind_port = 8080;
  std::string log_format = "pretty";
  std::optional<std::string> otel_endpoint;
  std::optional<std::string> otel_metrics_endpoint;
  double otel_trace_sample_ratio = 1.0;
  std::uint64_t otel_export_interval_secs = 30;

  // Sluice's own keys (not in the reference; see docs/configuration.md).
  std::uint64_t max_body_bytes = 16u * 1024u * 1024u;  // larger bodies: 413 before reading them
  std::uint32_t max_header_bytes = 16u * 1024u;        // larger request heads: 431
  std::chrono::milliseconds request_header_timeout{10'000};  // slow head: 408
  std::chrono::milliseconds request_body_timeout{60'000};    // slow body: 408
  std::chrono::milliseconds idle_timeout{75'000};            // idle keep-alive connection closed
  std::chrono::milliseconds drain_timeout{30'000};           // SIGTERM: in-flight work gets this long
  std::uint32_t io_threads = 0;                              // 0: one io_context per CPU core
  // The operator's listener (GET /metrics, POST /admin/reload, health); none unless written.
  std::optional<std::string> admin_bind;
  std::string admin_bind_host;
  std::uint16_t admin_bind_port = 0;
  // Diagnostics level: trace | debug | info | warn | error (SLUICE_LOG_LEVEL overrides it).
  std::string log_level = "info";
};

// ---------------------------------------------------------------------------------------------
// database (used by the store; parsed and validated now)

enum class DatabaseKind { kLibsql, kPostgres };

struct DatabaseConfig {
  DatabaseKind kind = DatabaseKind::kLibsql;
  std::string path = "./gateway.db";
  std::optional<Secret> url;
  std::uint32_t max_connections = 10;
};

// ---------------------------------------------------------------------------------------------
// providers

enum class ProviderType {
  kOpenAICompat,
  kGcpCloudRunOpenAICompat,
  kGcpVertex,
  kAwsBedrock,
  kGithubCopilot,
};

enum class IconKey { kOpenAI, kOpenRouter, kAnthropic, kAws, kVertexAI };

struct ProviderDisplay {
  std::optional<std::string> label;
  std::optional<IconKey> icon_key;
};

struct OpenAICompatProvider {
  std::string base_url;  // includes the version path, e.g. https://api.openai.com/v1
  std::string pricing_provider_id;
  std::optional<Secret> bearer_token;  // auth.kind: bearer; absent: no auth header
  std::optional<std::string> batch_dialect;  // open_ai | open_router
  std::optional<std::string> batch_base_url;
  bool is_openrouter = false;  // base_url host is openrouter.ai
};

enum class GcpAuthMode { kAdc, kServiceAccount, kBearer };

struct GcpCloudRunProvider {
  std::string base_url;
  std::string audience;  // defaults to base_url's https origin + "/"
  std::string pricing_provider_id;
  GcpAuthMode auth_mode = GcpAuthMode::kAdc;
  std::optional<std::string> credentials_path;
  std::optional<Secret> token;
  bool x_serverless_authorization = false;  // auth_header: x_serverless_authorization
};

struct GcpVertexProvider {
  std::string project_id;
  std::string location = "global";
  std::string api_host = "aiplatform.googleapis.com";
  GcpAuthMode auth_mode = GcpAuthMode::kAdc;
  std::optional<std::string> credentials_path;
  std::optional<Secret> token;
  std::optional<std::string> batch_dataset;
  std::optional<std::string> batch_bigquery_project_id;
};

enum class BedrockEndpointKind { kRuntime, kMantle };
enum class AwsAuthMode { kDefaultChain, kBearer, kStaticCredentials };

struct AwsBedrockProvider {
  std::string region;
  BedrockEndpointKind endpoint_kind = BedrockEndpointKind::kRuntime;
  std::string endpoint_url;  // resolved: explicit value (trailing '/' trimmed) or the default origin
  AwsAuthMode auth_mode = AwsAuthMode::kDefaultChain;
  std::optional<Secret> bearer_token;       // auth.mode: bearer
  std::optional<Secret> access_key_id;      // auth.mode: static_credentials
  std::optional<Secret> secret_access_key;  // auth.mode: static_credentials
  std::optional<Secret> session_token;      // auth.mode: static_credentials, optional

  // SigV4 service name: "bedrock" for the Runtime, "bedrock-mantle" for Mantle.
  std::string signing_service() const {
    return endpoint_kind == BedrockEndpointKind::kMantle ? "bedrock-mantle" : "bedrock";
  }
};

struct GithubCopilotProvider {
  std::string base_url;
  std::string github_api_url;
  std::optional<std::string> pricing_provider_id;
  std::string editor_version;
  std::string integration_id;
  std::string auth_mode;  // github_app | bearer
  std::optional<std::uint64_t> app_id, installation_id, repository_id;
  std::optional<Secret> private_key;  // PEM (env./literal.) or a path, as the reference allows
  std::optional<Secret> token;
};

struct ProviderConfig {
  std::string id;
  ProviderType type = ProviderType::kOpenAICompat;
  std::vector<std::pair<std::string, std::string>> default_headers;  // in file order
  std::chrono::milliseconds total_timeout{120'000};                  // timeouts.total_ms
  ProviderDisplay display;

  // Exactly the member that matches `type` is set.
  std::optional<OpenAICompatProvider> openai_compat;
  std::optional<GcpCloudRunProvider> gcp_cloud_run;
  std::optional<GcpVertexProvider> gcp_vertex;
  std::optional<AwsBedrockProvider> aws_bedrock;
  std::optional<GithubCopilotProvider> github_copilot;
};

// ---------------------------------------------------------------------------------------------
// routing (Sluice's own: retries, fallback across a model's routes, circuit breakers;
// docs/configuration.md "Routing and resilience")

struct CircuitBreakerPolicy {
  bool enabled = true;
  std::uint32_t consecutive_failures = 5;    // fallback-worthy failures in a row that open it
  std::chrono::milliseconds cooldown{30'000};  // open this long, then one probe (half-open)
};

struct RoutingPolicy {
  bool fallback = true;                 // move on to the next planned route on a retryable failure
  std::uint32_t retries_per_route = 0;  // extra tries of the same route (0..10)
  std::uint32_t max_attempts = 4;       // upstream attempts per request, all routes together
  std::chrono::milliseconds backoff_base{100};
  std::chrono::milliseconds backoff_max{2'000};
  // Overall budget of one request across attempts; unset: each attempt has its provider's
  // timeouts.total_ms and nothing bounds the sum.
  std::optional<std::chrono::milliseconds> deadline;
  CircuitBreakerPolicy circuit_breaker;
};

// ---------------------------------------------------------------------------------------------
// models and routes

struct Capabilities {
  bool chat_completions = true;
  bool responses = true;
  bool embeddings = true;
  bool stream = true;
  bool tools = true;
  bool vision = true;
  bool json_schema = true;
  bool developer_role = true;
};

enum class MaxTokensField { kMaxCompletionTokens, kMaxTokens };
enum class DeveloperRoleMode { kDeveloper, kSystem };
enum class ReasoningEffortMode { kPassthrough, kOmit, kReasoningObject };
enum class EmptyToolsMode { kPreserve, kOmit, kPreserveWithToolHistory };

struct OpenAICompatCompatibility {
  bool supports_store = true;
  MaxTokensField max_tokens_field = MaxTokensField::kMaxCompletionTokens;
  DeveloperRoleMode developer_role = DeveloperRoleMode::kDeveloper;
  ReasoningEffortMode reasoning_effort = ReasoningEffortMode::kPassthrough;
  bool supports_stream_usage = false;
  EmptyToolsMode empty_tools = EmptyToolsMode::kPreserve;
};

enum class BedrockApiStyle {
  kRuntimeConverse,
  kRuntimeAnthropicInvoke,
  kRuntimeOpenAIChat,
  kMantleOpenAIResponses,
  kMantleOpenAIChat,
  kMantleAnthropicMessages,
};

struct AwsBedrockCompatibility {
  BedrockApiStyle api_style = BedrockApiStyle::kRuntimeConverse;
  std::optional<std::string> openai_base_path;  // e.g. "/openai/v1"; OpenAI-shaped styles only
  std::optional<bool> supports_strict_tools;    // runtime_converse only
};

struct RoutePricing {
  Money4 input_usd_per_million_tokens;
  Money4 output_usd_per_million_tokens;
  std::optional<Money4> cache_read_usd_per_million_tokens;
  std::optional<Money4> cache_write_usd_per_million_tokens;
};

struct RouteCompatibility {
  std::optional<OpenAICompatCompatibility> openai_compat;
  // compatibility.openrouter.provider, serialized as the upstream body's `provider` object.
  std::optional<boost::json::object> openrouter_provider;
  std::optional<AwsBedrockCompatibility> aws_bedrock;
  // compatibility.github_copilot, kept as written (Copilot is optional for Sluice).
  std::optional<boost::json::object> github_copilot;
};

struct RouteConfig {
  std::string provider;  // ProviderConfig::id
  std::string upstream_model;
  std::int32_t priority = 100;
  double weight = 1.0;
  bool enabled = true;
  std::optional<std::int64_t> context_window_tokens;
  std::optional<RoutePricing> pricing_override;
  std::vector<std::pair<std::string, std::string>> extra_headers;  // in file order
  boost::json::object extra_body;
  Capabilities capabilities;
  RouteCompatibility compatibility;
  std::optional<std::uint32_t> retries;  // overrides the model's routing.retries_per_route
};

struct ModelAllowlist {
  std::vector<std::string> users;  // trimmed, lower-cased emails
  std::vector<std::string> teams;  // normalized team keys
};

struct ModelConfig {
  std::string id;
  std::optional<std::string> alias_of;  // as written
  // Alias chains resolved at load: the final target; a model with routes is its own canonical id.
  std::optional<std::string> canonical_id;
  std::optional<std::string> description;
  std::vector<std::string> tags;
  std::int32_t rank = 100;
  std::vector<RouteConfig> routes;
  std::optional<ModelAllowlist> allowlist;
  // The top-level `routing` with this model's `routing` keys applied; unset when the model writes
  // none (the top-level policy applies).
  std::optional<RoutingPolicy> routing;
};

// ---------------------------------------------------------------------------------------------
// identity: budgets, teams, service accounts and their caller keys, users

enum class BudgetCadence { kDaily, kWeekly, kMonthly };

struct Budget {
  BudgetCadence cadence = BudgetCadence::kMonthly;
  Money4 amount_usd;
  bool hard_limit = true;
  std::string timezone = "UTC";
};

struct TeamConfig {
  std::string id;
  std::string name;
  std::vector<std::string> tags;
};

struct ServiceAccountKeyConfig {
  std::string id;
  std::string name;  // defaults to id
  bool auto_create = true;
  std::optional<Secret> value;  // a whole gateway API key, gwk_<public_id>.<secret>
  std::vector<std::string> allowed_models;  // empty: every model the account may see
};

struct ServiceAccountConfig {
  std::string id;
  std::string name;  // defaults to id
  std::string team;
  std::vector<std::string> tags;
  Budget budget;  // required by the reference
  std::vector<ServiceAccountKeyConfig> keys;
};

// The remaining sections (auth, permissions, mcp, budgets, budget_alerts, request_logging,
// agent_analysis, users) are declared in GatewayConfigSections.h by their owner.

}  // namespace sluice::config

#include "config/GatewayConfigSections.h"

namespace sluice::config {

struct GatewayConfig {
  ServerConfig server;
  DatabaseConfig database;
  AuthConfig auth;
  PermissionsConfig permissions;
  McpConfig mcp;
  BudgetsConfig budgets;
  BudgetAlertsConfig budget_alerts;
  RequestLoggingConfig request_logging;
  AgentAnalysisConfig agent_analysis;
  std::vector<ProviderConfig> providers;
  std::vector<ModelConfig> models;
  std::vector<TeamConfig> teams;
  std::vector<ServiceAccountConfig> service_accounts;
  std::vector<UserConfig> users;
  RoutingPolicy routing;

  // The routing policy of a (canonical) model: its own when it writes one, else the top-level one.
  const RoutingPolicy& routing_for(const ModelConfig& model) const {
    return model.routing ? *model.routing : routing;
  }

  // Lookups by id; nullptr when absent. Linear over small vectors at load time, indexed maps for
  // the request path live in the modules that need them (access/, routing/).
  const ProviderConfig* find_provider(std::string_view id) const;
  const ModelConfig* find_model(std::string_view id) const;
};

}  // namespace sluice::config
