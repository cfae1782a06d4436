// PrincipalVisibility: whose spend and requests a signed-in user may see (docs/admin-api.md) —
// a platform admin everyone's, a team owner or admin their team's (its users and service
// accounts), anyone else only their own.
#pragma once

#include "console/ConsoleRoute.h"
#include "store/StoreRecords.h"

namespace sluice::console {

store::PrincipalScope visible_principals(const SignedIn& user);

}  // namespace sluice::console
