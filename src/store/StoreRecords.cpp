#include "store/StoreRecords.h"

namespace sluice::store {

std::string_view to_text(PrincipalKind kind) {
  return kind == PrincipalKind::kUser ? "user" : "service_account";
}

std::string_view to_text(BudgetScope scope) {
  switch (scope) {
    case BudgetScope::kUser:
      return "user";
    case BudgetScope::kUserModel:
      return "user_model";
    case BudgetScope::kServiceAccount:
      return "service_account";
  }
  return "user";
}

}  // namespace sluice::store
