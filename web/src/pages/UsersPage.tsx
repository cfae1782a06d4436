import { useState, type FormEvent } from 'react';
import { api, messageOf } from '../api/client';
import type { GlobalRole, Invitation, ListAnswer, TeamRole, User } from '../api/types';
import { useApiData } from '../api/useApiData';
import { EmptyState, ErrorAlert, Loading } from '../components/Feedback';
import { InvitationLink } from '../components/InvitationLink';
import { ConfirmDialog, Modal } from '../components/Modal';
import { StatusBadge } from '../components/StatusBadge';
import { formatDate } from '../format';
import { useIsPlatformAdmin, useSession } from '../session';

const USERS_PATH = '/api/v1/admin/identity/users';

const ROLE_LABELS: Record<string, string> = { platform_admin: 'Platform admin', user: 'User' };

export function UsersPage() {
  const isAdmin = useIsPlatformAdmin();
  const { session } = useSession();
  const users = useApiData<ListAnswer<User>>(USERS_PATH);
  const [inviting, setInviting] = useState(false);
  const [deactivating, setDeactivating] = useState<User | null>(null);
  const [invitation, setInvitation] = useState<{ user: User; invitation: Invitation } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busyUser, setBusyUser] = useState<number | null>(null);
  const rows = users.data?.data ?? [];

  async function reactivate(user: User) {
    setBusyUser(user.id);
    setActionError(null);
    try {
      await api.post(`${USERS_PATH}/${user.id}/reactivate`);
      users.reload();
    } catch (cause) {
      setActionError(messageOf(cause));
    } finally {
      setBusyUser(null);
    }
  }

  async function passwordInvite(user: User) {
    setBusyUser(user.id);
    setActionError(null);
    try {
      const answer = await api.post<{ invitation: Invitation }>(`${USERS_PATH}/${user.id}/password-invite`);
      setInvitation({ user, invitation: answer.invitation });
    } catch (cause) {
      setActionError(messageOf(cause));
    } finally {
      setBusyUser(null);
    }
  }

  return (
    <section>
      <div className="page-header">
        <h1>Users</h1>
        {isAdmin && (
          <button type="button" className="primary" onClick={() => setInviting(true)}>
            Invite user
          </button>
        )}
      </div>
      <ErrorAlert message={users.error} />
      <ErrorAlert message={actionError} onDismiss={() => setActionError(null)} />
      {users.loading && !users.data && <Loading />}
      {users.data && rows.length === 0 && <EmptyState title="No users yet" />}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="responsive">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Team</th>
                <th scope="col">Sign-in</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                {isAdmin && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {rows.map((user) => (
                <tr key={user.id} data-testid="user-row">
                  <td data-label="Name">{user.name || '—'}</td>
                  <td data-label="Email">{user.email}</td>
                  <td data-label="Role">{ROLE_LABELS[user.global_role] ?? user.global_role}</td>
                  <td data-label="Team">{user.team_id ? `${user.team_id} (${user.team_role ?? 'member'})` : '—'}</td>
                  <td data-label="Sign-in">{user.auth_mode}</td>
                  <td data-label="Status">
                    <StatusBadge status={user.status} />
                  </td>
                  <td data-label="Created" className="nowrap">{formatDate(user.created_at)}</td>
                  {isAdmin && (
                    <td data-label="Actions" className="row-actions">
                      {user.auth_mode === 'password' && user.status !== 'deactivated' && (
                        <button
                          type="button"
                          disabled={busyUser === user.id}
                          onClick={() => void passwordInvite(user)}
                          aria-label={`Password invite for ${user.email}`}
                        >
                          Password invite
                        </button>
                      )}
                      {user.status === 'deactivated' ? (
                        <button
                          type="button"
                          disabled={busyUser === user.id}
                          onClick={() => void reactivate(user)}
                          aria-label={`Reactivate ${user.email}`}
                        >
                          Reactivate
                        </button>
                      ) : (
                        user.id !== session.user.id && (
                          <button
                            type="button"
                            className="danger"
                            onClick={() => setDeactivating(user)}
                            aria-label={`Deactivate ${user.email}`}
                          >
                            Deactivate
                          </button>
                        )
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {inviting && <InviteUserDialog onClose={() => setInviting(false)} onCreated={users.reload} />}
      {deactivating && (
        <DeactivateUserDialog
          user={deactivating}
          onClose={() => setDeactivating(null)}
          onDone={() => {
            setDeactivating(null);
            users.reload();
          }}
        />
      )}
      {invitation && (
        <Modal title={`Invitation for ${invitation.user.email}`} onClose={() => setInvitation(null)}>
          <InvitationLink invitation={invitation.invitation} />
        </Modal>
      )}
    </section>
  );
}

function DeactivateUserDialog({ user, onClose, onDone }: { user: User; onClose: () => void; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function onConfirm() {
    setBusy(true);
    setError(null);
    try {
      await api.post(`${USERS_PATH}/${user.id}/deactivate`);
      onDone();
    } catch (cause) {
      setError(messageOf(cause));
      setBusy(false);
    }
  }
  return (
    <ConfirmDialog
      title="Deactivate user?"
      message={
        <p>
          <strong>{user.email}</strong> is signed out everywhere and their API keys stop working until they are
          reactivated.
        </p>
      }
      confirmLabel="Deactivate"
      danger
      busy={busy}
      error={error}
      onConfirm={() => void onConfirm()}
      onCancel={onClose}
    />
  );
}

function InviteUserDialog({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const teams = useApiData<ListAnswer<{ id: string; name: string }>>('/api/v1/identity/directory/teams');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [authMode, setAuthMode] = useState('password');
  const [globalRole, setGlobalRole] = useState<GlobalRole>('user');
  const [teamId, setTeamId] = useState('');
  const [teamRole, setTeamRole] = useState<TeamRole>('member');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ user: User; invitation?: Invitation | null } | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<{ user: User; invitation?: Invitation | null }>(USERS_PATH, {
        email: email.trim(),
        name: name.trim(),
        auth_mode: authMode,
        global_role: globalRole,
        ...(teamId ? { team_id: teamId, team_role: teamRole } : {}),
      });
      setCreated(answer);
      onCreated();
    } catch (cause) {
      setError(messageOf(cause));
    } finally {
      setBusy(false);
    }
  }

  if (created) {
    return (
      <Modal title="User invited" onClose={onClose}>
        <div className="stack">
          <p>
            <strong>{created.user.email}</strong> was added.
          </p>
          {created.invitation ? (
            <InvitationLink invitation={created.invitation} />
          ) : (
            <p className="muted">They sign in with their identity provider; no invitation link is needed.</p>
          )}
          <div className="form-actions">
            <button type="button" className="primary" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      </Modal>
    );
  }

  return (
    <Modal title="Invite user" onClose={onClose}>
      <form className="stack" onSubmit={onSubmit}>
        <ErrorAlert message={error} />
        <label className="field">
          <span>Email</span>
          <input type="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
        </label>
        <label className="field">
          <span>Name</span>
          <input type="text" required value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <label className="field">
          <span>Sign-in method</span>
          <select value={authMode} onChange={(event) => setAuthMode(event.target.value)}>
            <option value="password">Password (invitation link)</option>
            <option value="oidc">OIDC single sign-on</option>
            <option value="oauth">OAuth (GitHub)</option>
          </select>
        </label>
        <label className="field">
          <span>Role</span>
          <select value={globalRole} onChange={(event) => setGlobalRole(event.target.value as GlobalRole)}>
            <option value="user">User</option>
            <option value="platform_admin">Platform admin</option>
          </select>
        </label>
        <label className="field">
          <span>Team</span>
          <select value={teamId} onChange={(event) => setTeamId(event.target.value)}>
            <option value="">No team</option>
            {(teams.data?.data ?? []).map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        </label>
        {teamId && (
          <label className="field">
            <span>Team role</span>
            <select value={teamRole} onChange={(event) => setTeamRole(event.target.value as TeamRole)}>
              <option value="member">Member</option>
              <option value="admin">Admin</option>
              <option value="owner">Owner</option>
            </select>
          </label>
        )}
        <div className="form-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Inviting…' : 'Invite'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
