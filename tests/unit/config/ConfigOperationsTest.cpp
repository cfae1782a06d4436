// `budget_alerts` (§7), `request_logging` (§8) and `agent_analysis` (§9).
#include "ConfigTestSupport.h"

namespace sluice::config::testing {
namespace {

// ---- budget_alerts

TEST(ConfigBudgetAlerts, FromEmailCannotBeEmpty) {
  EXPECT_TRUE(HasError(load("budget_alerts:\n  email:\n    from_email: \"\"\n"),
                       "budget_alerts.email.from_email", "cannot be empty"));
}

TEST(ConfigBudgetAlerts, PollIntervalMustBePositive) {
  EXPECT_TRUE(HasError(load("budget_alerts:\n  email:\n    poll_interval_secs: 0\n"),
                       "budget_alerts.email.poll_interval_secs", "must be > 0"));
}

TEST(ConfigBudgetAlerts, BatchSizeMustBePositive) {
  EXPECT_TRUE(HasError(load("budget_alerts:\n  email:\n    batch_size: 0\n"),
                       "budget_alerts.email.batch_size", "must be > 0"));
}

TEST(ConfigBudgetAlerts, SmtpRequiresHost) {
  EXPECT_TRUE(HasError(load("budget_alerts:\n  email:\n    transport: { kind: smtp }\n"),
                       "budget_alerts.email.transport.host", "required when transport.kind=smtp"));
}

TEST(ConfigBudgetAlerts, UsernameAndPasswordTogether) {
  EXPECT_TRUE(HasError(load("budget_alerts:\n  email:\n    transport: { kind: smtp, host: mail, username: me }\n"),
                       "budget_alerts.email.transport.password", "must be set together"));
}

TEST(ConfigBudgetAlerts, TransportKindIsAnEnum) {
  EXPECT_TRUE(HasError(load("budget_alerts:\n  email:\n    transport: { kind: sendmail }\n"),
                       "budget_alerts.email.transport.kind", "expected one of sink, smtp"));
}

TEST(ConfigBudgetAlerts, SmtpTransportIsRead) {
  const auto result = load(
      "budget_alerts:\n  email:\n    transport: { kind: smtp, host: mail, port: 2525, username: me, password: env.PW }\n",
      {{"PW", "pw"}});
  ASSERT_TRUE(Loads(result));
  const auto& transport = result.config->budget_alerts.email.transport;
  EXPECT_EQ(transport.kind, EmailTransportKind::kSmtp);
  EXPECT_EQ(transport.port, 2525);
  EXPECT_EQ(transport.password->reveal(), "pw");
}

TEST(ConfigBudgetAlerts, PortMustFitSixteenBits) {
  EXPECT_TRUE(HasError(load("budget_alerts:\n  email:\n    transport: { kind: smtp, host: m, port: 70000 }\n"),
                       "budget_alerts.email.transport.port", "out of range"));
}

// ---- request_logging

TEST(ConfigRequestLogging, MaxBytesMustBePositive) {
  EXPECT_TRUE(HasError(load("request_logging:\n  payloads:\n    request_max_bytes: 0\n"),
                       "request_logging.payloads.request_max_bytes",
                       "request_logging.payloads.request_max_bytes must be > 0"));
  EXPECT_TRUE(HasError(load("request_logging:\n  payloads:\n    response_max_bytes: 0\n"),
                       "request_logging.payloads.response_max_bytes", "must be > 0"));
  EXPECT_TRUE(HasError(load("request_logging:\n  payloads:\n    stream_max_events: 0\n"),
                       "request_logging.payloads.stream_max_events", "must be > 0"));
}

TEST(ConfigRequestLogging, CaptureModeIsAnEnum) {
  EXPECT_TRUE(HasError(load("request_logging:\n  payloads:\n    capture_mode: everything\n"),
                       "request_logging.payloads.capture_mode",
                       "expected one of disabled, summary_only, redacted_payloads"));
}

TEST(ConfigRequestLogging, RedactionPathRejectsEmptySegment) {
  EXPECT_TRUE(HasError(load("request_logging:\n  payloads:\n    redaction_paths: [\"body..messages\"]\n"),
                       "request_logging.payloads.redaction_paths[0]", "empty segment"));
}

TEST(ConfigRequestLogging, RedactionPathRejectsIndexes) {
  EXPECT_TRUE(HasError(load("request_logging:\n  payloads:\n    redaction_paths: [\"body.messages[0]\"]\n"),
                       "request_logging.payloads.redaction_paths[0]", "uses an index"));
}

TEST(ConfigRequestLogging, RedactionPathWildcardIsAWholeSegment) {
  EXPECT_TRUE(HasError(load("request_logging:\n  payloads:\n    redaction_paths: [\"body.meta*\"]\n"),
                       "request_logging.payloads.redaction_paths[0]", "whole segment"));
  const auto result = load("request_logging:\n  payloads:\n    redaction_paths: [\"body.*.user\"]\n");
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->request_logging.payloads.redaction_paths.at(0), "body.*.user");
}

TEST(ConfigRequestLogging, PurgeRetentionOnlyOneThreeOrSevenDays) {
  EXPECT_TRUE(HasError(load("request_logging:\n  purge:\n    retention: 30d\n"),
                       "request_logging.purge.retention", "`30d` is not supported; use 1d, 3d or 7d"));
  const auto result = load("request_logging:\n  purge:\n    retention: 1d\n");
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->request_logging.purge.retention, std::chrono::days(1));
}

TEST(ConfigRequestLogging, PurgeScheduleMustHaveFiveFields) {
  EXPECT_TRUE(HasError(load("request_logging:\n  purge:\n    schedule: \"0 0 * *\"\n"),
                       "request_logging.purge.schedule", "exactly 5 fields"));
}

TEST(ConfigRequestLogging, PurgeScheduleAtMostDaily) {
  EXPECT_TRUE(HasError(load("request_logging:\n  purge:\n    schedule: \"0 */6 * * *\"\n"),
                       "request_logging.purge.schedule",
                       "must not run more frequently than once per day"));
}

// ---- agent_analysis

TEST(ConfigAgentAnalysis, CalibratedScoreRequiresApprovalId) {
  EXPECT_TRUE(HasError(load("agent_analysis:\n  calibrated_score_enabled: true\n"),
                       "agent_analysis.calibrated_score_enabled", "requires calibration_approval_id"));
}

TEST(ConfigAgentAnalysis, ApprovalIdIsTrimmed) {
  const auto result = load("agent_analysis:\n  calibrated_score_enabled: true\n  calibration_approval_id: \" APR-1 \"\n");
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->agent_analysis.calibration_approval_id, "APR-1");
}

TEST(ConfigAgentAnalysis, ApprovalIdAtMost256Bytes) {
  EXPECT_TRUE(HasError(load(fmt::format("agent_analysis:\n  calibration_approval_id: {}\n", std::string(257, 'a'))),
                       "agent_analysis.calibration_approval_id", "at most 256 bytes"));
}

TEST(ConfigAgentAnalysis, TeamAdminRequiresCalibratedScores) {
  EXPECT_TRUE(HasError(load("agent_analysis:\n  team_admin_enabled: true\n"),
                       "agent_analysis.team_admin_enabled", "requires calibrated_score_enabled"));
}

TEST(ConfigAgentAnalysis, RetentionAtMost36500Days) {
  EXPECT_TRUE(HasError(load("agent_analysis:\n  report_retention_days: 36501\n"),
                       "agent_analysis.report_retention_days", "must be <= 36500"));
  EXPECT_TRUE(HasError(load("agent_analysis:\n  queue_retention_days: 40000\n"),
                       "agent_analysis.queue_retention_days", "must be <= 36500"));
}

TEST(ConfigAgentAnalysis, ContextBoundaryMustBePositive) {
  EXPECT_TRUE(HasError(load("agent_analysis:\n  context_input_boundary_tokens: 0\n"),
                       "agent_analysis.context_input_boundary_tokens", "must be > 0"));
}

TEST(ConfigAgentAnalysis, CacheProfileNeedsAMatcher) {
  EXPECT_TRUE(HasError(load("agent_analysis:\n  cache_profiles:\n    - minimum_cacheable_tokens: 1024\n"),
                       "agent_analysis.cache_profiles[0]", "provider_key_contains and/or upstream_model_contains"));
}

TEST(ConfigAgentAnalysis, CacheProfileMinimumTokensPositive) {
  EXPECT_TRUE(HasError(load("agent_analysis:\n  cache_profiles:\n    - { upstream_model_contains: claude, minimum_cacheable_tokens: 0 }\n"),
                       "agent_analysis.cache_profiles[0].minimum_cacheable_tokens", "must be > 0"));
}

TEST(ConfigAgentAnalysis, CacheProfileTtlIsAnEnum) {
  EXPECT_TRUE(HasError(load("agent_analysis:\n  cache_profiles:\n    - { upstream_model_contains: claude, minimum_cacheable_tokens: 1024, default_ttl: forever }\n"),
                       "agent_analysis.cache_profiles[0].default_ttl",
                       "expected one of five_minutes, thirty_minutes, one_hour, unknown"));
}

TEST(ConfigAgentAnalysis, MetricsAreRead) {
  const auto result = load("agent_analysis:\n  metrics: { skills: false }\n");
  ASSERT_TRUE(Loads(result));
  EXPECT_FALSE(result.config->agent_analysis.metrics.skills);
  EXPECT_TRUE(result.config->agent_analysis.metrics.tokens);
}

}  // namespace
}  // namespace sluice::config::testing
