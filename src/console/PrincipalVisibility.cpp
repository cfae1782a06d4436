#include "console/PrincipalVisibility.h"

namespace sluice::console {

store::PrincipalScope visible_principals(const SignedIn& user) {
  if (user.platform_admin()) return store::PrincipalScope::everyone();
  if (user.user.team_id && user.team_admin_of(*user.user.team_id)) {
    return store::PrincipalScope::team(*user.user.team_id);
  }
  return store::PrincipalScope::of(user.principal());
}

}  // namespace sluice::console
