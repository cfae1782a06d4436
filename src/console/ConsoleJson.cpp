#include "console/ConsoleJson.h"

#include "config/EnumNames.h"
#include "console/UtcDates.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

namespace sluice::console {

namespace json = boost::json;

json::value optional_json(const std::optional<std::string>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

json::value optional_json(const std::optional<std::int64_t>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

json::value optional_json(const std::optional<config::Money4>& value) {
  return value ? json::value(value->to_string()) : json::value(nullptr);
}

json::object user_json(const store::UserRecord& user) {
  return json::object{{"id", user.id},
                      {"email", user.email},
                      {"name", user.name},
                      {"auth_mode", user.auth_mode},
                      {"global_role", user.global_role},
                      {"status", user.status},
                      {"team_id", optional_json(user.team_id)},
                      {"team_role", optional_json(user.team_role)},
                      {"request_logging_enabled", user.request_logging_enabled},
                      {"created_at", user.created_at}};
}

json::object key_json(const store::ApiKeyListing& listing) {
  const store::ApiKeyRecord& key = listing.key;
  json::array models;
  for (const auto& model : key.granted_models) models.emplace_back(model);
  return json::object{
      {"id", key.id},
      {"public_id", key.public_id},
      {"name", key.name},
      {"owner", json::object{{"kind", store::to_text(key.owner.kind)},
                             {"id", key.owner.id},
                             {"label", listing.owner_label}}},
      {"models", std::move(models)},
      {"managed", key.encrypted_secret.has_value()},
      {"source", key.config_key_id ? "config" : "admin"},
      {"created_at", key.created_at},
      {"revoked_at", optional_json(key.revoked_at)},
      {"last_used_at", optional_json(key.last_used_at)}};
}

json::object team_json(const store::TeamListing& team) {
  json::array members;
  for (const auto& member : team.members) {
    members.push_back(json::object{{"user_id", member.user_id},
                                   {"email", member.email},
                                   {"name", member.name},
                                   {"role", member.role}});
  }
  json::array accounts;
  for (const auto& id : team.service_accounts) accounts.emplace_back(id);
  return json::object{{"id", team.team.id},
                      {"name", team.team.name},
                      {"members", std::move(members)},
                      {"service_accounts", std::move(accounts)}};
}

json::object service_account_json(const store::ServiceAccountListing& account) {
  return json::object{{"id", account.account.id},
                      {"name", account.account.name},
                      {"team_id", account.account.team_id},
                      {"status", account.disabled_at ? "disabled" : "active"},
                      {"keys", account.active_keys}};
}

json::object spend_totals_json(const store::SpendTotals& totals) {
  return json::object{{"cost_usd", totals.cost.to_string()},
                      {"requests", totals.requests},
                      {"input_tokens", totals.input_tokens},
                      {"output_tokens", totals.output_tokens}};
}

namespace {

// Adds a report key (and the principal's kind, when grouped by principal) to `object`.
json::object keyed(const store::SpendKey& key, json::object object) {
  object.emplace("key", key.id);
  if (key.principal_kind) object.emplace("principal_kind", store::to_text(*key.principal_kind));
  return object;
}

// A stored payload side: the JSON it holds, or the text when it does not parse (cut short).
json::value payload_side(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  boost::system::error_code error;
  json::value parsed = json::parse(*text, error);
  if (error) return json::value(*text);
  return parsed;
}

}  // namespace

json::object spend_group_json(const store::SpendGroup& group) {
  return keyed(group.key, spend_totals_json(group.totals));
}

json::object spend_day_json(const store::SpendDay& day) {
  json::object object = keyed(day.key, spend_totals_json(day.totals));
  object.emplace("day", utc_date(day.day));
  return object;
}

json::object spend_report_json(const store::SpendReport& report, store::UnixMillis from,
                               store::UnixMillis to) {
  json::array groups;
  for (const auto& group : report.groups) groups.emplace_back(spend_group_json(group));
  json::array series;
  for (const auto& day : report.series) series.emplace_back(spend_day_json(day));
  return json::object{{"from", from},
                      {"to", to},
                      {"total", spend_totals_json(report.total)},
                      {"groups", std::move(groups)},
                      {"series", std::move(series)}};
}

json::object budget_json(const BudgetStatus& status) {
  const store::BudgetRecord& budget = status.budget;
  return json::object{{"id", budget.id},
                      {"scope", store::to_text(budget.scope)},
                      {"principal_id", budget.principal_id},
                      {"model_id", optional_json(budget.model_id)},
                      {"cadence", config::to_string(budget.cadence)},
                      {"amount_usd", budget.amount.to_string()},
                      {"hard_limit", budget.hard_limit},
                      {"timezone", budget.timezone},
                      {"configured", status.configured},
                      {"window_start", status.window_start},
                      {"window_end", status.window_end},
                      {"spent_usd", status.spent.to_string()}};
}

json::object alert_json(const store::BudgetAlertRow& row) {
  const store::BudgetAlertRecord& alert = row.alert;
  return json::object{{"id", alert.id},
                      {"budget_id", alert.budget_id},
                      {"scope", store::to_text(row.scope)},
                      {"principal_id", row.principal_id},
                      {"threshold_percent", alert.threshold_percent},
                      {"window_start", alert.window_start},
                      {"spend_usd", alert.spend.to_string()},
                      {"created_at", alert.created_at},
                      {"delivered_at", optional_json(alert.delivered_at)},
                      {"attempts", alert.attempts},
                      {"last_error", optional_json(alert.last_error)},
                      {"abandoned_at", optional_json(alert.abandoned_at)}};
}

json::value principal_json(const std::optional<store::Principal>& principal) {
  if (!principal) return nullptr;
  return json::object{{"kind", store::to_text(principal->kind)}, {"id", principal->id}};
}

json::object request_log_json(const store::RequestLogRecord& log) {
  json::array tags;
  for (const auto& tag : log.caller_tags) tags.emplace_back(tag);
  return json::object{{"id", log.id},
                      {"request_id", log.request_id},
                      {"occurred_at", log.occurred_at},
                      {"method", log.method},
                      {"path", log.path},
                      {"operation", log.operation},
                      {"requested_model", optional_json(log.requested_model)},
                      {"resolved_model", optional_json(log.resolved_model)},
                      {"provider", optional_json(log.provider)},
                      {"route", optional_json(log.route)},
                      {"status", log.status},
                      {"latency_ms", log.latency_ms},
                      {"principal", principal_json(log.principal)},
                      {"input_tokens", optional_json(log.input_tokens)},
                      {"output_tokens", optional_json(log.output_tokens)},
                      {"cached_tokens", optional_json(log.cached_tokens)},
                      {"reasoning_tokens", optional_json(log.reasoning_tokens)},
                      {"cost_usd", optional_json(log.cost)},
                      {"pricing_status", optional_json(log.pricing_status)},
                      {"error_code", optional_json(log.error_code)},
                      {"caller_service", optional_json(log.caller_service)},
                      {"caller_component", optional_json(log.caller_component)},
                      {"caller_env", optional_json(log.caller_env)},
                      {"caller_tags", std::move(tags)},
                      {"has_payload", log.has_payload}};
}

json::object request_log_detail_json(const store::RequestLogRecord& log) {
  json::object object = request_log_json(log);
  json::array attempts;
  for (const auto& attempt : log.attempts) {
    attempts.emplace_back(json::object{
        {"attempt_index", attempt.attempt_index},
        {"route", attempt.route},
        {"outcome", attempt.outcome},
        {"upstream_status", attempt.upstream_status ? json::value(*attempt.upstream_status)
                                                    : json::value(nullptr)},
        {"duration_ms", attempt.duration_ms}});
  }
  object.emplace("attempts", std::move(attempts));
  if (log.payload) {
    object.emplace("payload", json::object{{"request", payload_side(log.payload->request_json)},
                                           {"response", payload_side(log.payload->response_json)},
                                           {"request_truncated", log.payload->request_truncated},
                                           {"response_truncated", log.payload->response_truncated}});
  } else {
    object.emplace("payload", nullptr);
  }
  return object;
}

}  // namespace sluice::console
