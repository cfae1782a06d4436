// The pages this UI has, keyed by the permission page names of the config's `permissions` section
// (config.md §5). Pages the config knows but this UI does not draw yet (leaderboard, mcp, …) are
// simply absent from navigation.

import type { ComponentType } from 'react';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { BudgetsPage } from './pages/BudgetsPage';
import { ModelsPage } from './pages/ModelsPage';
import { RequestLogsPage } from './pages/RequestLogsPage';
import { ServiceAccountsPage } from './pages/ServiceAccountsPage';
import { TeamsPage } from './pages/TeamsPage';
import { UsageCostsPage } from './pages/UsageCostsPage';
import { UsersPage } from './pages/UsersPage';
import type { Permissions } from './api/types';

export interface AdminPage {
  /** The permission page name. */
  key: string;
  /** Path below /admin. */
  path: string;
  title: string;
  component: ComponentType;
}

export const ADMIN_PAGES: AdminPage[] = [
  { key: 'api_keys', path: '/api-keys', title: 'API keys', component: ApiKeysPage },
  { key: 'models', path: '/models', title: 'Models', component: ModelsPage },
  { key: 'usage_costs', path: '/usage', title: 'Usage & costs', component: UsageCostsPage },
  { key: 'spend_controls', path: '/budgets', title: 'Budgets', component: BudgetsPage },
  { key: 'request_logs', path: '/request-logs', title: 'Request logs', component: RequestLogsPage },
  { key: 'users', path: '/users', title: 'Users', component: UsersPage },
  { key: 'teams', path: '/teams', title: 'Teams', component: TeamsPage },
  { key: 'service_accounts', path: '/service-accounts', title: 'Service accounts', component: ServiceAccountsPage },
];

export const NO_ACCESS_PATH = '/no-access';

export function pagesAllowed(permissions: Permissions): AdminPage[] {
  return ADMIN_PAGES.filter((page) => permissions.pages.includes(page.key));
}

/** Where a signed-in user lands: their default page, else the first page they may open. */
export function landingPath(permissions: Permissions): string {
  const allowed = pagesAllowed(permissions);
  const preferred = allowed.find((page) => page.key === permissions.default_page);
  return (preferred ?? allowed[0])?.path ?? NO_ACCESS_PATH;
}
