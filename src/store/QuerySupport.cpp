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

}  // namespace sluice::store::detail
