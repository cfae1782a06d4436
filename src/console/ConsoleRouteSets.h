// ConsoleRouteSets: each admin API resource adds its routes to the table here.
#pragma once

#include "console/ConsoleRoute.h"

namespace sluice::console {

void add_auth_routes(ConsoleRoutes& routes);      // AuthRoutes.cpp: session, password, invitations
void add_sso_routes(ConsoleRoutes& routes);       // SsoRoutes.cpp: OIDC and GitHub sign-in
void add_api_key_routes(ConsoleRoutes& routes);   // ApiKeyRoutes.cpp
void add_model_routes(ConsoleRoutes& routes);     // ModelRoutes.cpp
void add_identity_routes(ConsoleRoutes& routes);  // IdentityRoutes.cpp: users, teams, accounts
void add_spend_routes(ConsoleRoutes& routes);     // SpendRoutes.cpp: report, FOCUS, budgets
void add_request_log_routes(ConsoleRoutes& routes);  // RequestLogRoutes.cpp

// Every route of the admin API, in one table (the router's, and the OpenAPI test's).
ConsoleRoutes all_console_routes();

}  // namespace sluice::console
