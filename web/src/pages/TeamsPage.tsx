import { useId, useState, type FormEvent } from 'react';
import { api, messageOf } from '../api/client';
import type { ListAnswer, Team, TeamMember, TeamRole } from '../api/types';
import { useApiData } from '../api/useApiData';
import { EmptyState, ErrorAlert, Loading } from '../components/Feedback';
import { ConfirmDialog, Modal } from '../components/Modal';
import { Chips } from '../components/StatusBadge';
import { useIsPlatformAdmin } from '../session';

const TEAMS_PATH = '/api/v1/admin/identity/teams';

export function TeamsPage() {
  const isAdmin = useIsPlatformAdmin();
  const teams = useApiData<ListAnswer<Team>>(TEAMS_PATH);
  const [creating, setCreating] = useState(false);
  const [addingTo, setAddingTo] = useState<Team | null>(null);
  const [removing, setRemoving] = useState<{ team: Team; member: TeamMember } | null>(null);
  const rows = teams.data?.data ?? [];

  return (
    <section>
      <div className="page-header">
        <h1>Teams</h1>
        {isAdmin && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            Create team
          </button>
        )}
      </div>
      <ErrorAlert message={teams.error} />
      {teams.loading && !teams.data && <Loading />}
      {teams.data && rows.length === 0 && <EmptyState title="No teams yet" />}
      <div className="card-list">
        {rows.map((team) => (
          <article key={team.id} className="card" aria-labelledby={`team-${team.id}`} data-testid="team-card">
            <header className="card-header">
              <h2 id={`team-${team.id}`}>{team.name}</h2>
              <code className="muted">{team.id}</code>
              {isAdmin && (
                <button type="button" className="push-right" onClick={() => setAddingTo(team)} aria-label={`Add member to ${team.name}`}>
                  Add member
                </button>
              )}
            </header>
            {team.members.length === 0 ? (
              <p className="muted">No members yet.</p>
            ) : (
              <div className="table-wrap">
                <table className="responsive">
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Email</th>
                      <th scope="col">Role</th>
                      {isAdmin && (
                        <th scope="col">
                          <span className="visually-hidden">Actions</span>
                        </th>
                      )}
                    </tr>
                  </thead>
                  <tbody>
                    {team.members.map((member) => (
                      <tr key={member.user_id}>
                        <td data-label="Name">{member.name || '—'}</td>
                        <td data-label="Email">{member.email}</td>
                        <td data-label="Role">{member.role}</td>
                        {isAdmin && (
                          <td data-label="Actions" className="row-actions">
                            <button
                              type="button"
                              className="danger"
                              onClick={() => setRemoving({ team, member })}
                              aria-label={`Remove ${member.email} from ${team.name}`}
                            >
                              Remove
                            </button>
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <p className="small">
              <span className="muted">Service accounts: </span>
              <Chips items={team.service_accounts} empty="none" />
            </p>
          </article>
        ))}
      </div>
      {creating && (
        <CreateTeamDialog
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            teams.reload();
          }}
        />
      )}
      {addingTo && (
        <AddMemberDialog
          team={addingTo}
          onClose={() => setAddingTo(null)}
          onAdded={() => {
            setAddingTo(null);
            teams.reload();
          }}
        />
      )}
      {removing && (
        <RemoveMemberDialog
          {...removing}
          onClose={() => setRemoving(null)}
          onRemoved={() => {
            setRemoving(null);
            teams.reload();
          }}
        />
      )}
    </section>
  );
}

function CreateTeamDialog({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const hintId = useId();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post(TEAMS_PATH, { id: id.trim(), name: name.trim() });
      onCreated();
    } catch (cause) {
      setError(messageOf(cause));
      setBusy(false);
    }
  }

  return (
    <Modal title="Create team" onClose={onClose}>
      <form className="stack" onSubmit={onSubmit}>
        <ErrorAlert message={error} />
        <div className="field">
          <label className="field">
            <span>Team id</span>
            <input type="text" required aria-describedby={hintId} value={id} onChange={(event) => setId(event.target.value)} />
          </label>
          <small id={hintId} className="muted">
            A short key such as <code>platform</code>; it cannot change later.
          </small>
        </div>
        <label className="field">
          <span>Name</span>
          <input type="text" required value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <div className="form-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create team'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function AddMemberDialog({ team, onClose, onAdded }: { team: Team; onClose: () => void; onAdded: () => void }) {
  const directory = useApiData<ListAnswer<{ id: number; email: string; name: string }>>('/api/v1/identity/directory/users');
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<TeamRole>('member');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const memberIds = new Set(team.members.map((member) => member.user_id));
  const candidates = (directory.data?.data ?? []).filter((user) => !memberIds.has(user.id));

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post(`${TEAMS_PATH}/${encodeURIComponent(team.id)}/members`, { user_id: Number(userId), role });
      onAdded();
    } catch (cause) {
      setError(messageOf(cause));
      setBusy(false);
    }
  }

  return (
    <Modal title={`Add member to ${team.name}`} onClose={onClose}>
      <form className="stack" onSubmit={onSubmit}>
        <ErrorAlert message={error ?? directory.error} />
        <label className="field">
          <span>User</span>
          <select required value={userId} onChange={(event) => setUserId(event.target.value)}>
            <option value="" disabled>
              {directory.loading ? 'Loading users…' : 'Choose a user'}
            </option>
            {candidates.map((user) => (
              <option key={user.id} value={user.id}>
                {user.name ? `${user.name} <${user.email}>` : user.email}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Role</span>
          <select value={role} onChange={(event) => setRole(event.target.value as TeamRole)}>
            <option value="member">Member</option>
            <option value="admin">Admin</option>
            <option value="owner">Owner</option>
          </select>
        </label>
        <div className="form-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !userId}>
            {busy ? 'Adding…' : 'Add member'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function RemoveMemberDialog({
  team,
  member,
  onClose,
  onRemoved,
}: {
  team: Team;
  member: TeamMember;
  onClose: () => void;
  onRemoved: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function onConfirm() {
    setBusy(true);
    setError(null);
    try {
      await api.delete(`${TEAMS_PATH}/${encodeURIComponent(team.id)}/members/${member.user_id}`);
      onRemoved();
    } catch (cause) {
      setError(messageOf(cause));
      setBusy(false);
    }
  }
  return (
    <ConfirmDialog
      title="Remove member?"
      message={
        <p>
          Remove <strong>{member.email}</strong> from <strong>{team.name}</strong>?
        </p>
      }
      confirmLabel="Remove member"
      danger
      busy={busy}
      error={error}
      onConfirm={() => void onConfirm()}
      onCancel={onClose}
    />
  );
}
