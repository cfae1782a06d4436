// The signed-in session, shared by every page: who the user is, which pages and actions their
// permission group grants, and the CSRF token the API client sends on changes.

import { createContext, useContext } from 'react';
import type { SignedInSession } from './api/types';

export interface SessionValue {
  session: SignedInSession;
  /** Replaces the session with a fresh body (after a password change, for instance). */
  setSession: (session: SignedInSession) => void;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a signed-in session');
  return value;
}

/** Whether the caller's permission group grants `action` (buttons for missing actions are hidden). */
export function useCan(): (action: string) => boolean {
  const { session } = useSession();
  return (action) => session.permissions.actions.includes(action);
}

/** People pages allow changes to platform admins only (docs/admin-api.md, "People"). */
export function useIsPlatformAdmin(): boolean {
  return useSession().session.user.global_role === 'platform_admin';
}
