import { useState, type FormEvent } from 'react';
import { api, messageOf } from '../api/client';
import type { Session, SignedInSession } from '../api/types';
import { ErrorAlert } from '../components/Feedback';
import { NewPasswordFields, newPasswordProblem } from '../components/NewPasswordFields';
import { useSession } from '../session';

/** Shown instead of every page while the session says `must_change_password`. */
export function PasswordChangePage({ onChanged }: { onChanged: (session: SignedInSession) => void }) {
  const { session, signOut } = useSession();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const problem = newPasswordProblem(password, confirmation);
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const next = await api.post<Session>('/api/v1/auth/password/change', {
        current_password: current,
        new_password: password,
      });
      if (!next.authenticated) throw new Error('The gateway ended the session; sign in again.');
      onChanged(next);
    } catch (cause) {
      setError(messageOf(cause));
      setBusy(false);
    }
  }

  return (
    <main className="auth-page">
      <div className="auth-card">
        <h1>Change password</h1>
        <p className="muted">
          {session.user.email} must choose a new password before using the console.
        </p>
        <ErrorAlert message={error} />
        <form className="stack" onSubmit={onSubmit}>
          <input type="text" name="username" autoComplete="username" value={session.user.email} readOnly hidden />
          <label className="field">
            <span>Current password</span>
            <input
              type="password"
              name="current-password"
              autoComplete="current-password"
              required
              value={current}
              onChange={(event) => setCurrent(event.target.value)}
            />
          </label>
          <NewPasswordFields
            password={password}
            confirmation={confirmation}
            onPassword={setPassword}
            onConfirmation={setConfirmation}
          />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Change password'}
          </button>
        </form>
        <button type="button" className="button-link" onClick={() => void signOut()}>
          Sign out
        </button>
      </div>
    </main>
  );
}
