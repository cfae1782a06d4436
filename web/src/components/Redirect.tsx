import { useEffect } from 'react';
import { navigate } from '../router';

/** Replaces the address with `to` (below /admin) once rendered; history keeps no dead entry. */
export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
