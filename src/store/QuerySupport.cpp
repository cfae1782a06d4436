#include "store/QuerySupport.h"

#include <fmt/format.h>

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

Expected<std::optional<UserRecord>> first_user(StoreStatement& select) {
  auto row = select.step();
  if (!row) return row.error();
  std::optional<UserRecord> user;
  if (*row) user = read_user(select);
  select.reset();
  return user;
}

}  // namespace sluice::store::detail
