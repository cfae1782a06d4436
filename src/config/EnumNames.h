// EnumNames: the YAML spelling of every configuration enum, in one table per enum.
//
// The loader reads enums through these tables (so an unknown value can list what is accepted), and
// the rest of the gateway prints them with to_string(value) (logs, check-config, the admin API), so a
// spelling lives in exactly one place.
#pragma once

#include "config/GatewayConfig.h"

#include <array>
#include <optional>
#include <string_view>

namespace sluice::config {

template <class E>
struct EnumName {
  std::string_view name;
  E value;
};

// Specialized below for each configuration enum with `static constexpr std::array kTable`.
template <class E>
struct EnumNames;

template <class E>
concept NamedEnum = requires { EnumNames<E>::kTable; };

template <NamedEnum E>
constexpr std::string_view to_string(E value) {
  for (const auto& entry : EnumNames<E>::kTable) {
    if (entry.value == value) return entry.name;
  }
  return "?";
}

template <NamedEnum E>
constexpr std::optional<E> enum_from_string(std::string_view name) {
  for (const auto& entry : EnumNames<E>::kTable) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

#define SLUICE_ENUM_NAMES(Enum, ...)                                      \
  template <>                                                             \
  struct EnumNames<Enum> {                                                \
    static constexpr std::array kTable = std::to_array<EnumName<Enum>>(__VA_ARGS__); \
  }

SLUICE_ENUM_NAMES(DatabaseKind, {{"libsql", DatabaseKind::kLibsql},
                                 {"postgres", DatabaseKind::kPostgres}});

SLUICE_ENUM_NAMES(ProviderType,
                  {{"openai_compat", ProviderType::kOpenAICompat},
                   {"gcp_cloud_run_openai_compat", ProviderType::kGcpCloudRunOpenAICompat},
                   {"gcp_vertex", ProviderType::kGcpVertex},
                   {"aws_bedrock", ProviderType::kAwsBedrock},
                   {"github_copilot", ProviderType::kGithubCopilot}});

SLUICE_ENUM_NAMES(IconKey, {{"openai", IconKey::kOpenAI},
                            {"openrouter", IconKey::kOpenRouter},
                            {"anthropic", IconKey::kAnthropic},
                            {"aws", IconKey::kAws},
                            {"vertexai", IconKey::kVertexAI}});

SLUICE_ENUM_NAMES(GcpAuthMode, {{"adc", GcpAuthMode::kAdc},
                                {"service_account", GcpAuthMode::kServiceAccount},
                                {"bearer", GcpAuthMode::kBearer}});

SLUICE_ENUM_NAMES(BedrockEndpointKind, {{"bedrock_runtime", BedrockEndpointKind::kRuntime},
                                        {"bedrock_mantle", BedrockEndpointKind::kMantle}});

SLUICE_ENUM_NAMES(AwsAuthMode, {{"default_chain", AwsAuthMode::kDefaultChain},
                                {"bearer", AwsAuthMode::kBearer},
                                {"static_credentials", AwsAuthMode::kStaticCredentials}});

SLUICE_ENUM_NAMES(BedrockApiStyle,
                  {{"runtime_converse", BedrockApiStyle::kRuntimeConverse},
                   {"runtime_anthropic_invoke", BedrockApiStyle::kRuntimeAnthropicInvoke},
                   {"runtime_openai_chat", BedrockApiStyle::kRuntimeOpenAIChat},
                   {"mantle_openai_responses", BedrockApiStyle::kMantleOpenAIResponses},
                   {"mantle_openai_chat", BedrockApiStyle::kMantleOpenAIChat},
                   {"mantle_anthropic_messages", BedrockApiStyle::kMantleAnthropicMessages}});

SLUICE_ENUM_NAMES(MaxTokensField, {{"max_completion_tokens", MaxTokensField::kMaxCompletionTokens},
                                   {"max_tokens", MaxTokensField::kMaxTokens}});

SLUICE_ENUM_NAMES(DeveloperRoleMode, {{"developer", DeveloperRoleMode::kDeveloper},
                                      {"system", DeveloperRoleMode::kSystem}});

SLUICE_ENUM_NAMES(ReasoningEffortMode,
                  {{"passthrough", ReasoningEffortMode::kPassthrough},
                   {"omit", ReasoningEffortMode::kOmit},
                   {"reasoning_object", ReasoningEffortMode::kReasoningObject}});

SLUICE_ENUM_NAMES(EmptyToolsMode,
                  {{"preserve", EmptyToolsMode::kPreserve},
                   {"omit", EmptyToolsMode::kOmit},
                   {"preserve_with_tool_history", EmptyToolsMode::kPreserveWithToolHistory}});

SLUICE_ENUM_NAMES(BudgetCadence, {{"daily", BudgetCadence::kDaily},
                                  {"weekly", BudgetCadence::kWeekly},
                                  {"monthly", BudgetCadence::kMonthly}});

SLUICE_ENUM_NAMES(GlobalRole, {{"user", GlobalRole::kUser},
                               {"platform_admin", GlobalRole::kPlatformAdmin}});

SLUICE_ENUM_NAMES(TeamRole, {{"admin", TeamRole::kAdmin}, {"member", TeamRole::kMember}});

SLUICE_ENUM_NAMES(UserAuthMode, {{"password", UserAuthMode::kPassword},
                                 {"oidc", UserAuthMode::kOidc},
                                 {"oauth", UserAuthMode::kOAuth}});

SLUICE_ENUM_NAMES(AdminPage, {{"api_keys", AdminPage::kApiKeys},
                              {"models", AdminPage::kModels},
                              {"mcp", AdminPage::kMcp},
                              {"review_agent", AdminPage::kReviewAgent},
                              {"usage_costs", AdminPage::kUsageCosts},
                              {"spend_controls", AdminPage::kSpendControls},
                              {"leaderboard", AdminPage::kLeaderboard},
                              {"agent_harnesses", AdminPage::kAgentHarnesses},
                              {"request_logs", AdminPage::kRequestLogs},
                              {"mcp_invocations", AdminPage::kMcpInvocations},
                              {"teams", AdminPage::kTeams},
                              {"users", AdminPage::kUsers},
                              {"service_accounts", AdminPage::kServiceAccounts}});

SLUICE_ENUM_NAMES(ApiKeyAction, {{"create_api_key", ApiKeyAction::kCreateApiKey},
                                 {"update_api_key", ApiKeyAction::kUpdateApiKey},
                                 {"revoke_api_key", ApiKeyAction::kRevokeApiKey},
                                 {"reveal_api_key", ApiKeyAction::kRevealApiKey}});

SLUICE_ENUM_NAMES(EmailTransportKind, {{"sink", EmailTransportKind::kSink},
                                       {"smtp", EmailTransportKind::kSmtp}});

SLUICE_ENUM_NAMES(PayloadCaptureMode,
                  {{"disabled", PayloadCaptureMode::kDisabled},
                   {"summary_only", PayloadCaptureMode::kSummaryOnly},
                   {"redacted_payloads", PayloadCaptureMode::kRedactedPayloads}});

SLUICE_ENUM_NAMES(CacheTtl, {{"five_minutes", CacheTtl::kFiveMinutes},
                             {"thirty_minutes", CacheTtl::kThirtyMinutes},
                             {"one_hour", CacheTtl::kOneHour},
                             {"unknown", CacheTtl::kUnknown}});

#undef SLUICE_ENUM_NAMES

}  // namespace sluice::config
