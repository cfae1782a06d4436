#include "api/ConfigReload.h"

#include "config/ConfigLoader.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace sluice::api {

namespace {

// Settings the running listeners and store were built from; a reload cannot change them.
std::vector<std::string> restart_only_changes(const config::GatewayConfig& running,
                                              const config::GatewayConfig& next) {
  std::vector<std::string> changed;
  const auto& a = running.server;
  const auto& b = next.server;
  const auto note = [&](bool differs, std::string_view key) {
    if (differs) changed.push_back(fmt::format("{} changed; it takes effect at restart", key));
  };
  note(a.bind != b.bind, "server.bind");
  note(a.admin_bind != b.admin_bind, "server.admin_bind");
  note(a.io_threads != b.io_threads, "server.io_threads");
  note(a.max_body_bytes != b.max_body_bytes || a.max_header_bytes != b.max_header_bytes ||
           a.request_header_timeout != b.request_header_timeout ||
           a.request_body_timeout != b.request_body_timeout || a.idle_timeout != b.idle_timeout ||
           a.drain_timeout != b.drain_timeout,
       "a server listener limit");
  note(a.otel_endpoint != b.otel_endpoint || a.otel_metrics_endpoint != b.otel_metrics_endpoint ||
           a.otel_trace_sample_ratio != b.otel_trace_sample_ratio ||
           a.otel_export_interval_secs != b.otel_export_interval_secs,
       "server.otel_*");
  note(a.log_level != b.log_level || a.log_format != b.log_format, "server.log_level/log_format");
  note(running.database.kind != next.database.kind || running.database.path != next.database.path,
       "database");
  return changed;
}

}  // namespace

ConfigReloader::ConfigReloader(
    std::string path, std::shared_ptr<ActiveState> active,
    std::function<void(const std::shared_ptr<const GatewayState>&)> on_applied,
    std::function<void(const ReloadOutcome&)> on_outcome)
    : path_(std::move(path)),
      active_(std::move(active)),
      on_applied_(std::move(on_applied)),
      on_outcome_(std::move(on_outcome)) {}

ReloadOutcome ConfigReloader::reload() {
  std::lock_guard lock(mutex_);
  ReloadOutcome outcome;
  const auto result = config::load_config_file(path_);
  for (const auto& warning : result.warnings) outcome.warnings.push_back(warning.to_string());
  if (!result.ok()) {
    for (const auto& error : result.errors) outcome.errors.push_back(error.to_string());
    for (const auto& error : outcome.errors) spdlog::error("config reload: {}", error);
    spdlog::error("config reload refused: {} error(s) in {}; still serving the previous "
                  "configuration",
                  outcome.errors.size(), path_);
  } else {
    const auto running = active_->current();
    for (auto& change : restart_only_changes(*running->config, *result.config)) {
      outcome.warnings.push_back(std::move(change));
    }
    auto next = std::make_shared<const GatewayState>(result.config);
    active_->replace(next);
    outcome.applied = true;
    spdlog::info("config reloaded from {}: {} providers, {} models", path_,
                 result.config->providers.size(), result.config->models.size());
    if (on_applied_) on_applied_(next);
  }
  for (const auto& warning : outcome.warnings) spdlog::warn("config reload: {}", warning);
  if (on_outcome_) on_outcome_(outcome);
  return outcome;
}

}  // namespace sluice::api
