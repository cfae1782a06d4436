import { useState, type FormEvent } from 'react';
import { api, messageOf } from '../api/client';
import type { InvitationPreview, Session, SignedInSession } from '../api/types';
import { useApiData } from '../api/useApiData';
import { ErrorAlert, Loading } from '../components/Feedback';
import { NewPasswordFields, newPasswordProblem } from '../components/NewPasswordFields';
import { formatTime } from '../format';

/** /admin/invite/:token — an invited user chooses a password and is signed in. */
export function InvitationPage({ token, onSignedIn }: { token: string; onSignedIn: (session: SignedInSession) => void }) {
  const invitationPath = `/api/v1/auth/invitations/${encodeURIComponent(token)}`;
  const invitation = useApiData<InvitationPreview>(invitationPath);
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
      const session = await api.post<Session>(`${invitationPath}/password`, { password });
      if (!session.authenticated) throw new Error('The gateway did not start a session.');
      onSignedIn(session);
    } catch (cause) {
      setError(messageOf(cause));
      setBusy(false);
    }
  }

  return (
    <main className="auth-page">
      <div className="auth-card">
        <h1>Accept invitation</h1>
        {invitation.loading && <Loading label="Checking the invitation…" />}
        <ErrorAlert message={invitation.error} />
        {invitation.data && (
          <>
            <p>
              Welcome, <strong>{invitation.data.name || invitation.data.email}</strong>. Choose a password for{' '}
              <strong>{invitation.data.email}</strong>.
            </p>
            <p className="muted">This invitation expires {formatTime(invitation.data.expires_at)}.</p>
            <ErrorAlert message={error} />
            <form className="stack" onSubmit={onSubmit}>
              <input type="text" name="username" autoComplete="username" value={invitation.data.email} readOnly hidden />
              <NewPasswordFields
                password={password}
                confirmation={confirmation}
                onPassword={setPassword}
                onConfirmation={setConfirmation}
              />
              <button type="submit" className="primary" disabled={busy}>
                {busy ? 'Saving…' : 'Set password and sign in'}
              </button>
            </form>
          </>
        )}
      </div>
    </main>
  );
}
