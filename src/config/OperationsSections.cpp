// The sections that tune background work: `budget_alerts` (§7), `request_logging` (§8) and
// `agent_analysis` (§9).
#include "config/SectionReaders.h"

namespace sluice::config {

namespace {

constexpr std::uint32_t kMaxRetentionDays = 36'500;
constexpr std::size_t kMaxApprovalIdBytes = 256;

void read_email_transport(const ConfigNode& node, const ValueResolver& values,
                          EmailTransportConfig& transport) {
  if (!node.expect_map()) return;
  node.check_keys({"kind", "host", "port", "username", "password", "starttls"}, UnknownKeys::kWarn);
  read_enum(node.child("kind"), transport.kind);
  const ConfigNode host = node.child("host");
  read_into(host, transport.host);
  read_into(node.child("port"), transport.port);
  const ConfigNode username = node.child("username");
  const ConfigNode password = node.child("password");
  transport.username = values.text(username);
  transport.password = values.secret(password);
  read_into(node.child("starttls"), transport.starttls);
  if (transport.kind == EmailTransportKind::kSmtp && trimmed(transport.host).empty()) {
    host.error("budget_alerts.email.transport.host is required when transport.kind=smtp");
  }
  if (username.present() != password.present()) {
    (username.present() ? password : username)
        .error("budget_alerts.email.transport.username and password must be set together");
  }
  if (transport.kind == EmailTransportKind::kSink) {
    for (const ConfigNode& ignored : {host, username, password}) {
      if (ignored.present()) ignored.warning(fmt::format("{} is ignored when transport.kind=sink", ignored.path()));
    }
  }
}

void read_alert_email(const ConfigNode& node, const ValueResolver& values,
                      BudgetAlertEmailConfig& email) {
  if (!node.expect_map()) return;
  node.check_keys({"from_email", "from_name", "poll_interval_secs", "batch_size", "transport"},
                  UnknownKeys::kWarn);
  const ConfigNode from = node.child("from_email");
  if (read_into(from, email.from_email) && trimmed(email.from_email).empty()) {
    from.error("budget_alerts.email.from_email cannot be empty");
  }
  read_into(node.child("from_name"), email.from_name);
  read_positive(node.child("poll_interval_secs"), email.poll_interval_secs);
  read_positive(node.child("batch_size"), email.batch_size);
  read_email_transport(node.child("transport"), values, email.transport);
}

void read_payloads(const ConfigNode& node, PayloadLoggingConfig& payloads) {
  if (!node.expect_map()) return;
  node.check_keys({"capture_mode", "request_max_bytes", "response_max_bytes", "stream_max_events",
                   "redaction_paths"},
                  UnknownKeys::kWarn);
  read_enum(node.child("capture_mode"), payloads.capture_mode);
  read_positive(node.child("request_max_bytes"), payloads.request_max_bytes);
  read_positive(node.child("response_max_bytes"), payloads.response_max_bytes);
  read_positive(node.child("stream_max_events"), payloads.stream_max_events);
  for (const ConfigNode& item : node.child("redaction_paths").items()) {
    std::string path;
    if (!read_required(item, path)) continue;
    if (const auto problem = redaction_path_problem(path)) {
      item.error(fmt::format("redaction path `{}` {}", path, *problem));
    } else {
      payloads.redaction_paths.push_back(path);
    }
  }
}

void read_purge(const ConfigNode& node, RequestLogPurgeConfig& purge) {
  if (!node.expect_map()) return;
  node.check_keys({"enabled", "retention", "schedule"}, UnknownKeys::kWarn);
  read_into(node.child("enabled"), purge.enabled);
  const ConfigNode retention = node.child("retention");
  std::string retention_text;
  if (read_into(retention, retention_text)) {
    if (retention_text == "1d" || retention_text == "3d" || retention_text == "7d") {
      purge.retention = std::chrono::days(retention_text.front() - '0');
    } else {
      retention.error(fmt::format("request_logging.purge.retention `{}` is not supported; use 1d, "
                                  "3d or 7d",
                                  retention_text));
    }
  }
  const ConfigNode schedule = node.child("schedule");
  std::string schedule_text;
  if (read_into(schedule, schedule_text)) {
    if (const auto problem = daily_cron_problem(schedule_text)) {
      schedule.error(fmt::format("request_logging.purge.schedule `{}` {}", schedule_text, *problem));
    } else {
      purge.schedule = schedule_text;
    }
  }
}

void read_metrics(const ConfigNode& node, AgentAnalysisMetrics& metrics) {
  if (!node.expect_map()) return;
  node.check_keys({"tokens", "cache", "context", "tools", "skills", "reliability", "outcomes",
                   "finish_reasons"},
                  UnknownKeys::kWarn);
  read_into(node.child("tokens"), metrics.tokens);
  read_into(node.child("cache"), metrics.cache);
  read_into(node.child("context"), metrics.context);
  read_into(node.child("tools"), metrics.tools);
  read_into(node.child("skills"), metrics.skills);
  read_into(node.child("reliability"), metrics.reliability);
  read_into(node.child("outcomes"), metrics.outcomes);
  read_into(node.child("finish_reasons"), metrics.finish_reasons);
}

std::optional<CacheProfileConfig> read_cache_profile(const ConfigNode& node) {
  if (!node.expect_map()) {
    if (!node.present()) node.error("expected a mapping, got null");
    return std::nullopt;
  }
  node.check_keys({"provider_key_contains", "upstream_model_contains", "minimum_cacheable_tokens",
                   "default_ttl"},
                  UnknownKeys::kWarn);
  CacheProfileConfig profile;
  read_into(node.child("provider_key_contains"), profile.provider_key_contains);
  read_into(node.child("upstream_model_contains"), profile.upstream_model_contains);
  const auto blank = [](const std::optional<std::string>& text) {
    return !text || trimmed(*text).empty();
  };
  bool ok = true;
  if (blank(profile.provider_key_contains) && blank(profile.upstream_model_contains)) {
    node.error("cache profile needs provider_key_contains and/or upstream_model_contains");
    ok = false;
  }
  const ConfigNode minimum = node.child("minimum_cacheable_tokens");
  if (read_required(minimum, profile.minimum_cacheable_tokens) &&
      profile.minimum_cacheable_tokens == 0) {
    minimum.error(fmt::format("{} must be > 0", minimum.path()));
    ok = false;
  }
  read_enum(node.child("default_ttl"), profile.default_ttl);
  if (!ok) return std::nullopt;
  return profile;
}

void read_retention_days(const ConfigNode& node, std::uint32_t& out) {
  std::uint32_t days = 0;
  if (!read_into(node, days)) return;
  if (days > kMaxRetentionDays) {
    node.error(fmt::format("{} must be <= {}, got {}", node.path(), kMaxRetentionDays, days));
    return;
  }
  out = days;
}

void read_calibration(const ConfigNode& node, AgentAnalysisConfig& analysis) {
  const ConfigNode approval = node.child("calibration_approval_id");
  std::string approval_id;
  if (read_into(approval, approval_id)) {
    approval_id = trimmed(approval_id);
    if (approval_id.size() > kMaxApprovalIdBytes) {
      approval.error(fmt::format("agent_analysis.calibration_approval_id must be at most {} bytes",
                                 kMaxApprovalIdBytes));
    } else if (!approval_id.empty()) {
      analysis.calibration_approval_id = approval_id;
    }
  }
  const ConfigNode calibrated = node.child("calibrated_score_enabled");
  read_into(calibrated, analysis.calibrated_score_enabled);
  if (analysis.calibrated_score_enabled && !analysis.calibration_approval_id) {
    calibrated.error("agent_analysis.calibrated_score_enabled requires calibration_approval_id");
  }
  const ConfigNode team_admin = node.child("team_admin_enabled");
  read_into(team_admin, analysis.team_admin_enabled);
  if (analysis.team_admin_enabled && !analysis.calibrated_score_enabled) {
    team_admin.error("agent_analysis.team_admin_enabled requires calibrated_score_enabled");
  }
}

}  // namespace

BudgetAlertsConfig read_budget_alerts(const ConfigNode& node, const ValueResolver& values) {
  BudgetAlertsConfig alerts;
  if (!node.expect_map()) return alerts;
  node.check_keys({"email"}, UnknownKeys::kWarn);
  read_alert_email(node.child("email"), values, alerts.email);
  return alerts;
}

RequestLoggingConfig read_request_logging(const ConfigNode& node) {
  RequestLoggingConfig logging;
  if (!node.expect_map()) return logging;
  node.check_keys({"payloads", "purge"}, UnknownKeys::kWarn);
  read_payloads(node.child("payloads"), logging.payloads);
  read_purge(node.child("purge"), logging.purge);
  return logging;
}

AgentAnalysisConfig read_agent_analysis(const ConfigNode& node) {
  AgentAnalysisConfig analysis;
  if (!node.expect_map()) return analysis;
  node.check_keys({"enabled", "shadow_diagnostics_enabled", "calibrated_score_enabled",
                   "calibration_approval_id", "team_admin_enabled", "report_retention_days",
                   "queue_retention_days", "context_input_boundary_tokens",
                   "context_reserved_output_tokens", "context_penalty_points_per_repeated_excess",
                   "metrics", "cache_profiles"},
                  UnknownKeys::kReject);
  read_into(node.child("enabled"), analysis.enabled);
  read_into(node.child("shadow_diagnostics_enabled"), analysis.shadow_diagnostics_enabled);
  read_calibration(node, analysis);
  read_retention_days(node.child("report_retention_days"), analysis.report_retention_days);
  read_retention_days(node.child("queue_retention_days"), analysis.queue_retention_days);
  read_positive(node.child("context_input_boundary_tokens"), analysis.context_input_boundary_tokens);
  read_into(node.child("context_reserved_output_tokens"), analysis.context_reserved_output_tokens);
  read_into(node.child("context_penalty_points_per_repeated_excess"),
            analysis.context_penalty_points_per_repeated_excess);
  read_metrics(node.child("metrics"), analysis.metrics);
  for (const ConfigNode& item : node.child("cache_profiles").items()) {
    if (auto profile = read_cache_profile(item)) analysis.cache_profiles.push_back(std::move(*profile));
  }
  return analysis;
}

}  // namespace sluice::config
