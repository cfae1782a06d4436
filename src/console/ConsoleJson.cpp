#include "console/ConsoleJson.h"

#include <boost/json/array.hpp>

namespace sluice::console {

namespace json = boost::json;

json::value optional_json(const std::optional<std::string>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

json::value optional_json(const std::optional<std::int64_t>& value) {
  return value ? json::value(*value) : json::value(nullptr);
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

}  // namespace sluice::console
