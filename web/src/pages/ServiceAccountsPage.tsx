import { useState, type FormEvent } from 'react';
import { api, messageOf } from '../api/client';
import type { ListAnswer, ServiceAccount } from '../api/types';
import { useApiData } from '../api/useApiData';
import { EmptyState, ErrorAlert, Loading } from '../components/Feedback';
import { ConfirmDialog, Modal } from '../components/Modal';
import { StatusBadge } from '../components/StatusBadge';
import { useIsPlatformAdmin } from '../session';

const ACCOUNTS_PATH = '/api/v1/admin/identity/service-accounts';

export function ServiceAccountsPage() {
  const isAdmin = useIsPlatformAdmin();
  const accounts = useApiData<ListAnswer<ServiceAccount>>(ACCOUNTS_PATH);
  const [creating, setCreating] = useState(false);
  const [disabling, setDisabling] = useState<ServiceAccount | null>(null);
  const rows = accounts.data?.data ?? [];

  return (
    <section>
      <div className="page-header">
        <h1>Service accounts</h1>
        {isAdmin && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            Create service account
          </button>
        )}
      </div>
      <p className="muted">Non-human callers (CI jobs, apps) that own API keys on behalf of a team.</p>
      <ErrorAlert message={accounts.error} />
      {accounts.loading && !accounts.data && <Loading />}
      {accounts.data && rows.length === 0 && <EmptyState title="No service accounts yet" />}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="responsive">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Id</th>
                <th scope="col">Team</th>
                <th scope="col">API keys</th>
                <th scope="col">Status</th>
                {isAdmin && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {rows.map((account) => (
                <tr key={account.id} data-testid="service-account-row">
                  <td data-label="Name">{account.name}</td>
                  <td data-label="Id">
                    <code>{account.id}</code>
                  </td>
                  <td data-label="Team">{account.team_id}</td>
                  <td data-label="API keys">{account.keys}</td>
                  <td data-label="Status">
                    <StatusBadge status={account.status} />
                  </td>
                  {isAdmin && (
                    <td data-label="Actions" className="row-actions">
                      {account.status === 'active' && (
                        <button type="button" className="danger" onClick={() => setDisabling(account)} aria-label={`Disable ${account.name}`}>
                          Disable
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating && (
        <CreateServiceAccountDialog
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            accounts.reload();
          }}
        />
      )}
      {disabling && (
        <DisableServiceAccountDialog
          account={disabling}
          onClose={() => setDisabling(null)}
          onDisabled={() => {
            setDisabling(null);
            accounts.reload();
          }}
        />
      )}
    </section>
  );
}

function CreateServiceAccountDialog({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const teams = useApiData<ListAnswer<{ id: string; name: string }>>('/api/v1/identity/directory/teams');
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [teamId, setTeamId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post(ACCOUNTS_PATH, { id: id.trim(), name: name.trim() || id.trim(), team_id: teamId });
      onCreated();
    } catch (cause) {
      setError(messageOf(cause));
      setBusy(false);
    }
  }

  return (
    <Modal title="Create service account" onClose={onClose}>
      <form className="stack" onSubmit={onSubmit}>
        <ErrorAlert message={error ?? teams.error} />
        <label className="field">
          <span>Service account id</span>
          <input type="text" required value={id} onChange={(event) => setId(event.target.value)} />
        </label>
        <label className="field">
          <span>Name</span>
          <input type="text" value={name} onChange={(event) => setName(event.target.value)} placeholder="Defaults to the id" />
        </label>
        <label className="field">
          <span>Team</span>
          <select required value={teamId} onChange={(event) => setTeamId(event.target.value)}>
            <option value="" disabled>
              {teams.loading ? 'Loading teams…' : 'Choose a team'}
            </option>
            {(teams.data?.data ?? []).map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        </label>
        <div className="form-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !teamId}>
            {busy ? 'Creating…' : 'Create service account'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function DisableServiceAccountDialog({
  account,
  onClose,
  onDisabled,
}: {
  account: ServiceAccount;
  onClose: () => void;
  onDisabled: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function onConfirm() {
    setBusy(true);
    setError(null);
    try {
      await api.delete(`${ACCOUNTS_PATH}/${encodeURIComponent(account.id)}`);
      onDisabled();
    } catch (cause) {
      setError(messageOf(cause));
      setBusy(false);
    }
  }
  return (
    <ConfirmDialog
      title="Disable service account?"
      message={
        <p>
          <strong>{account.name}</strong> is disabled and its {account.keys} API key{account.keys === 1 ? '' : 's'} stop
          working.
        </p>
      }
      confirmLabel="Disable"
      danger
      busy={busy}
      error={error}
      onConfirm={() => void onConfirm()}
      onCancel={onClose}
    />
  );
}
