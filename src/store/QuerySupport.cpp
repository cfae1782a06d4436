#include "store/QuerySupport.h"

#include <fmt/format.h>

#include <set>

namespace sluice::store::detail {

PrincipalKind principal_kind_from(std::string_view text) {
  return text == "user" ? PrincipalKind::kUser : PrincipalKind::kServiceAccount;
}

Expected<std::optional<std::int64_t>> first_int64(StoreStatement& statement) {
  auto row = statement.step();
  if (!row) return row.error();
  std::optional<std::int64_t> value;
  if (*row) value = statement.column_int64(0);
  statement.reset();
  return value;
}

Expected<std::int64_t> required_int64(StoreStatement& statement, std::string_view what) {
  auto value = first_int64(statement);
  if (!value) return value.error();
  if (!*value) return store_unavailable(fmt::format("{} returned no row", what));
  return **value;
}

BudgetScope budget_scope_from(std::string_view text) {
  if (text == "user_model") return BudgetScope::kUserModel;
  return text == "service_account" ? BudgetScope::kServiceAccount : BudgetScope::kUser;
}

namespace {

config::BudgetCadence cadence_from(std::string_view text) {
  if (text == "daily") return config::BudgetCadence::kDaily;
  return text == "weekly" ? config::BudgetCadence::kWeekly : config::BudgetCadence::kMonthly;
}

}  // namespace

BudgetRecord read_budget(const StoreStatement& row, int first_column) {
  const int c = first_column;
  BudgetRecord budget;
  budget.id = row.column_int64(c);
  budget.scope = budget_scope_from(row.column_text(c + 1));
  budget.principal_id = row.column_text(c + 2);
  if (auto model = row.column_text(c + 3); !model.empty()) budget.model_id = std::move(model);
  budget.cadence = cadence_from(row.column_text(c + 4));
  budget.amount = config::Money4::from_units(row.column_int64(c + 5));
  budget.hard_limit = row.column_bool(c + 6);
  budget.timezone = row.column_text(c + 7);
  return budget;
}

BudgetAlertRecord read_alert(const StoreStatement& row, int first_column) {
  const int c = first_column;
  BudgetAlertRecord alert;
  alert.id = row.column_int64(c);
  alert.budget_id = row.column_int64(c + 1);
  alert.window_start = row.column_int64(c + 2);
  alert.threshold_percent = static_cast<int>(row.column_int64(c + 3));
  alert.spend = config::Money4::from_units(row.column_int64(c + 4));
  alert.created_at = row.column_int64(c + 5);
  alert.delivered_at = row.column_optional_int64(c + 6);
  alert.attempts = static_cast<int>(row.column_int64(c + 7));
  alert.last_error = row.column_optional_text(c + 8);
  alert.abandoned_at = row.column_optional_int64(c + 9);
  return alert;
}

std::string scope_condition(const PrincipalScope& scope, const PrincipalColumns& columns) {
  switch (scope.kind) {
    case PrincipalScope::Kind::kPrincipal:
      return fmt::format(" AND ({} AND {} = ?)",
                         scope.principal.kind == PrincipalKind::kUser ? columns.is_user
                                                                      : columns.is_service_account,
                         columns.id);
    case PrincipalScope::Kind::kTeam:
      // User principals are lower-cased emails (docs/accounting.md), as users.email is stored.
      return fmt::format(
          " AND (({} AND {} IN (SELECT email FROM users WHERE team_id = ?))"
          " OR ({} AND {} IN (SELECT id FROM service_accounts WHERE team_id = ?)))",
          columns.is_user, columns.id, columns.is_service_account, columns.id);
    default:
      return {};
  }
}

void bind_scope(StoreStatement& statement, int& index, const PrincipalScope& scope) {
  switch (scope.kind) {
    case PrincipalScope::Kind::kPrincipal:
      statement.bind(index++, scope.principal.id);
      break;
    case PrincipalScope::Kind::kTeam:
      statement.bind(index++, scope.team_id);
      statement.bind(index++, scope.team_id);
      break;
    default:
      break;
  }
}

UserRecord read_user(const StoreStatement& row, int first_column) {
  const int c = first_column;
  UserRecord user;
  user.id = row.column_int64(c);
  user.email = row.column_text(c + 1);
  user.name = row.column_text(c + 2);
  user.auth_mode = row.column_text(c + 3);
  user.global_role = row.column_text(c + 4);
  user.team_id = row.column_optional_text(c + 5);
  user.team_role = row.column_optional_text(c + 6);
  user.request_logging_enabled = row.column_bool(c + 7);
  user.status = row.column_text(c + 8);
  user.created_at = row.column_int64(c + 9);
  user.password_hash = row.column_optional_text(c + 10);
  user.must_change_password = row.column_bool(c + 11);
  return user;
}

void bind_new_user(StoreStatement& insert, const UserRecord& user) {
  insert.bind(1, user.email);
  insert.bind(2, user.name);
  insert.bind(3, user.auth_mode);
  insert.bind(4, user.global_role);
  insert.bind(5, user.team_id);
  insert.bind(6, user.team_role);
  insert.bind(7, user.request_logging_enabled);
  insert.bind(8, user.status);
  insert.bind(9, user.created_at);
}

Expected<std::optional<UserRecord>> first_user(StoreStatement& select) {
  auto row = select.step();
  if (!row) return row.error();
  std::optional<UserRecord> user;
  if (*row) user = read_user(select);
  select.reset();
  return user;
}

ApiKeyRecord read_api_key(const StoreStatement& row, int first_column) {
  const int c = first_column;
  ApiKeyRecord key;
  key.id = row.column_int64(c);
  key.public_id = row.column_text(c + 1);
  key.secret_hash = row.column_text(c + 2);
  key.name = row.column_text(c + 3);
  key.owner = {principal_kind_from(row.column_text(c + 4)), row.column_text(c + 5)};
  key.config_key_id = row.column_optional_text(c + 6);
  key.encrypted_secret = row.column_optional_text(c + 7);
  key.created_at = row.column_int64(c + 8);
  key.revoked_at = row.column_optional_int64(c + 9);
  key.last_used_at = row.column_optional_int64(c + 10);
  return key;
}

Status replace_api_key_grants(StoreConnection& connection, std::int64_t key_id,
                              const std::vector<std::string>& models) {
  auto cleared = connection.prepare("DELETE FROM api_key_models WHERE api_key_id = ?");
  if (!cleared) return cleared.error();
  (*cleared)->bind(1, key_id);
  if (auto done = (*cleared)->run(); !done) return done;
  // A set: the same model granted twice in the config is one grant, not a primary key conflict.
  for (const std::string& model : std::set<std::string>(models.begin(), models.end())) {
    auto insert =
        connection.prepare("INSERT INTO api_key_models (api_key_id, model_id) VALUES (?, ?)");
    if (!insert) return insert.error();
    (*insert)->bind(1, key_id);
    (*insert)->bind(2, model);
    if (auto done = (*insert)->run(); !done) return done;
  }
  return Done{};
}

std::string qualified_columns(std::string_view columns, std::string_view alias) {
  std::string qualified;
  while (!columns.empty()) {
    const auto comma = columns.find(',');
    std::string_view column = columns.substr(0, comma);
    while (!column.empty() && column.front() == ' ') column.remove_prefix(1);
    if (!qualified.empty()) qualified += ", ";
    qualified += alias;
    qualified += '.';
    qualified += column;
    columns = comma == std::string_view::npos ? std::string_view() : columns.substr(comma + 1);
  }
  return qualified;
}

}  // namespace sluice::store::detail
