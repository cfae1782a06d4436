import { useState, type FormEvent } from 'react';
import { api, messageOf } from '../api/client';
import type { Session, SignedInSession, SignInOptions } from '../api/types';
import { ErrorAlert } from '../components/Feedback';

interface SignInPageProps {
  /** From the signed-out session body; null while unknown (the password form is shown then). */
  options: SignInOptions | null;
  onSignedIn: (session: SignedInSession) => void;
}

export function SignInPage({ options, onSignedIn }: SignInPageProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const passwordEnabled = options?.password ?? true;
  const oidc = options?.oidc ?? [];
  const oauth = options?.oauth ?? [];

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await api.post<Session>('/api/v1/auth/login/password', { email, password });
      if (!session.authenticated) throw new Error('The gateway did not start a session.');
      onSignedIn(session);
    } catch (cause) {
      setError(messageOf(cause));
      setBusy(false);
    }
  }

  // The identity provider's redirect needs a real page load, not a fetch.
  function startSso(kind: 'oidc' | 'oauth', key: string) {
    window.location.assign(`/api/v1/auth/${kind}/start?provider=${encodeURIComponent(key)}`);
  }

  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="brand auth-brand">
          <span className="brand-mark" aria-hidden="true">S</span> Sluice
        </div>
        <h1>Sign in</h1>
        <ErrorAlert message={error} />
        {passwordEnabled && (
          <form className="stack" onSubmit={onSubmit}>
            <label className="field">
              <span>Email</span>
              <input
                type="email"
                name="email"
                autoComplete="username"
                required
                value={email}
                onChange={(event) => setEmail(event.target.value)}
              />
            </label>
            <label className="field">
              <span>Password</span>
              <input
                type="password"
                name="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
            </label>
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Signing in…' : 'Sign in'}
            </button>
          </form>
        )}
        {(oidc.length > 0 || oauth.length > 0) && (
          <div className="stack sso-options">
            {passwordEnabled && <p className="divider">or</p>}
            {oidc.map((provider) => (
              <button key={`oidc-${provider.key}`} type="button" onClick={() => startSso('oidc', provider.key)}>
                Sign in with {provider.label}
              </button>
            ))}
            {oauth.map((provider) => (
              <button key={`oauth-${provider.key}`} type="button" onClick={() => startSso('oauth', provider.key)}>
                Sign in with {provider.label}
              </button>
            ))}
          </div>
        )}
        {!passwordEnabled && oidc.length === 0 && oauth.length === 0 && (
          <p className="muted">No sign-in method is enabled on this gateway. Ask its operator.</p>
        )}
      </div>
    </main>
  );
}
