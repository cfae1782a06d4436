// The admin API's shapes (docs/admin-api.md), as the UI reads them. Money is a decimal string in US
// dollars ("12.3400") and times are unix milliseconds throughout.

export type Money = string;
export type UnixMs = number;

export interface ApiErrorBody {
  error: { message: string; type?: string; code?: string | null; param?: string | null };
}

export interface SignInProvider {
  key: string;
  label: string;
}

export interface SignInOptions {
  password: boolean;
  oidc: SignInProvider[];
  oauth: SignInProvider[];
}

export type GlobalRole = 'platform_admin' | 'user';
export type TeamRole = 'owner' | 'admin' | 'member';
export type UserStatus = 'invited' | 'active' | 'deactivated';

export interface SessionUser {
  id: number;
  email: string;
  name: string;
  global_role: GlobalRole;
  team_id: string | null;
  team_role: TeamRole | null;
  status: UserStatus;
  auth_mode: string;
}

export interface Permissions {
  group: string;
  pages: string[];
  actions: string[];
  default_page?: string | null;
}

export interface SignedInSession {
  authenticated: true;
  user: SessionUser;
  must_change_password: boolean;
  csrf_token: string;
  expires_at: UnixMs;
  permissions: Permissions;
  sign_in?: SignInOptions;
}

export interface SignedOutSession {
  authenticated: false;
  sign_in?: SignInOptions;
}

export type Session = SignedInSession | SignedOutSession;

export interface Invitation {
  token: string;
  url: string;
  expires_at: UnixMs;
}

export interface InvitationPreview {
  email: string;
  name: string;
  expires_at: UnixMs;
}

export type OwnerKind = 'user' | 'service_account';

export interface ApiKey {
  id: number;
  public_id: string;
  name: string;
  owner: { kind: OwnerKind; id: number | string; label: string };
  models: string[];
  managed: boolean;
  source: 'config' | 'admin';
  created_at: UnixMs;
  revoked_at: UnixMs | null;
  last_used_at: UnixMs | null;
}

export interface RoutePricing {
  source: 'override' | 'catalog' | 'none';
  input_per_million: Money | null;
  output_per_million: Money | null;
  cache_read_per_million: Money | null;
  cache_write_per_million: Money | null;
}

export interface ModelRoute {
  provider: string;
  provider_type: string;
  provider_label: string;
  provider_icon_key: string;
  upstream_model: string;
  api_style: string | null;
  capabilities: Record<string, boolean>;
  pricing: RoutePricing;
}

export interface Model {
  id: string;
  aliases: string[];
  tags: string[];
  description: string | null;
  routes: ModelRoute[];
}

export interface User {
  id: number;
  email: string;
  name: string;
  auth_mode: string;
  global_role: GlobalRole;
  status: UserStatus;
  team_id: string | null;
  team_role: TeamRole | null;
  request_logging_enabled: boolean;
  created_at: UnixMs;
}

export interface TeamMember {
  user_id: number;
  email: string;
  name: string;
  role: TeamRole;
}

export interface Team {
  id: string;
  name: string;
  members: TeamMember[];
  service_accounts: string[];
}

export interface ServiceAccount {
  id: string;
  name: string;
  team_id: string;
  status: 'active' | 'disabled';
  keys: number;
}

export interface SpendTotals {
  cost_usd: Money;
  requests: number;
  input_tokens: number;
  output_tokens: number;
}

export interface SpendReport {
  from: UnixMs;
  to: UnixMs;
  total: SpendTotals;
  groups: (SpendTotals & { key: string })[];
  series: (SpendTotals & { day: string; key: string })[];
}

export interface Budget {
  id: number | string;
  scope: string;
  principal_id: string | number | null;
  model_id: string | null;
  cadence: string;
  amount_usd: Money;
  hard_limit: boolean;
  timezone: string;
  window_start: UnixMs | null;
  window_end: UnixMs | null;
  spent_usd: Money;
}

export interface BudgetAlert {
  id: number | string;
  budget_id: number | string;
  scope: string;
  principal_id: string | number | null;
  threshold_percent: number;
  window_start: UnixMs | null;
  spend_usd: Money;
  created_at: UnixMs;
  delivered_at: UnixMs | null;
  attempts: number;
  last_error: string | null;
  abandoned_at: UnixMs | null;
}

export interface Principal {
  kind: string;
  id: number | string;
}

export interface RequestLog {
  id: number;
  request_id: string;
  occurred_at: UnixMs;
  method: string;
  path: string;
  operation: string | null;
  requested_model: string | null;
  resolved_model: string | null;
  provider: string | null;
  route: string | null;
  status: number;
  latency_ms: number | null;
  principal: Principal | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cached_tokens: number | null;
  reasoning_tokens: number | null;
  cost_usd: Money | null;
  pricing_status: string | null;
  error_code: string | null;
  caller_service: string | null;
  caller_component: string | null;
  caller_env: string | null;
  caller_tags: unknown;
  has_payload: boolean;
}

export interface RequestAttempt {
  attempt_index: number;
  route: string | null;
  outcome: string;
  upstream_status: number | null;
  duration_ms: number | null;
}

export interface RequestPayload {
  request: unknown;
  response: unknown;
  request_truncated: boolean;
  response_truncated: boolean;
}

export interface RequestLogDetail extends RequestLog {
  attempts: RequestAttempt[];
  payload: RequestPayload | null;
}

export interface ListAnswer<T> {
  data: T[];
  has_more?: boolean;
}
