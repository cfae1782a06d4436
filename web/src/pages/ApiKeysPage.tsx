import { useState, type FormEvent } from 'react';
import { api, messageOf, query } from '../api/client';
import type { ApiKey, ListAnswer, OwnerKind, ServiceAccount, User } from '../api/types';
import { useApiData } from '../api/useApiData';
import { CopyButton } from '../components/CopyButton';
import { EmptyState, ErrorAlert, Loading } from '../components/Feedback';
import { ModelPicker } from '../components/ModelPicker';
import { ConfirmDialog, Modal } from '../components/Modal';
import { Chips, StatusBadge } from '../components/StatusBadge';
import { formatDate, formatTime } from '../format';
import { useCan, useSession } from '../session';

const KEYS_PATH = '/api/v1/admin/api-keys';

export function ApiKeysPage() {
  const can = useCan();
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const keys = useApiData<ListAnswer<ApiKey>>(KEYS_PATH + query({ include_revoked: includeRevoked ? 'true' : null }));
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<ApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [revealing, setRevealing] = useState<ApiKey | null>(null);

  const rows = keys.data?.data ?? [];
  const canUpdate = can('update_api_key');
  const canRevoke = can('revoke_api_key');
  const canReveal = can('reveal_api_key');

  return (
    <section>
      <div className="page-header">
        <h1>API keys</h1>
        {can('create_api_key') && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            Create API key
          </button>
        )}
      </div>
      <p className="muted">Gateway API keys authenticate calls to /v1. A key's secret is shown once, when it is created.</p>
      <div className="toolbar">
        <label className="checkbox">
          <input type="checkbox" checked={includeRevoked} onChange={(event) => setIncludeRevoked(event.target.checked)} />
          <span>Show revoked keys</span>
        </label>
      </div>
      <ErrorAlert message={keys.error} />
      {keys.loading && !keys.data && <Loading />}
      {keys.data && rows.length === 0 && (
        <EmptyState title="No API keys yet">
          {can('create_api_key') ? 'Create one to start calling the gateway.' : 'Keys you are given appear here.'}
        </EmptyState>
      )}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="responsive">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key id</th>
                <th scope="col">Owner</th>
                <th scope="col">Models</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((key) => {
                const revoked = key.revoked_at !== null;
                return (
                  <tr key={key.id} data-testid="api-key-row">
                    <td data-label="Name">
                      <strong>{key.name}</strong>
                      {key.source === 'config' && <span className="chip chip-quiet">config</span>}
                    </td>
                    <td data-label="Key id">
                      <code>{key.public_id}</code>
                    </td>
                    <td data-label="Owner">
                      {key.owner.label}
                      <span className="muted"> ({key.owner.kind === 'service_account' ? 'service account' : 'user'})</span>
                    </td>
                    <td data-label="Models">
                      <Chips items={key.models} empty="All models" />
                    </td>
                    <td data-label="Created" className="nowrap">{formatDate(key.created_at)}</td>
                    <td data-label="Last used" className="nowrap">{key.last_used_at ? formatTime(key.last_used_at) : 'Never'}</td>
                    <td data-label="Status">
                      {revoked ? (
                        <StatusBadge status="revoked" label={`Revoked ${formatTime(key.revoked_at)}`} />
                      ) : (
                        <StatusBadge status="active" />
                      )}
                    </td>
                    <td data-label="Actions" className="row-actions">
                      {!revoked && canUpdate && (
                        <button type="button" onClick={() => setEditing(key)} aria-label={`Edit ${key.name}`}>
                          Edit
                        </button>
                      )}
                      {!revoked && canReveal && key.managed && (
                        <button type="button" onClick={() => setRevealing(key)} aria-label={`Reveal ${key.name}`}>
                          Reveal
                        </button>
                      )}
                      {!revoked && canRevoke && (
                        <button
                          type="button"
                          className="danger"
                          onClick={() => setRevoking(key)}
                          aria-label={`Revoke ${key.name}`}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {creating && <CreateKeyDialog onClose={() => setCreating(false)} onCreated={keys.reload} />}
      {editing && (
        <EditKeyDialog
          apiKey={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            keys.reload();
          }}
        />
      )}
      {revoking && (
        <RevokeKeyDialog
          apiKey={revoking}
          onClose={() => setRevoking(null)}
          onRevoked={() => {
            setRevoking(null);
            keys.reload();
          }}
        />
      )}
      {revealing && <RevealKeyDialog apiKey={revealing} onClose={() => setRevealing(null)} />}
    </section>
  );
}

interface OwnerOption {
  value: string;
  label: string;
  owner: { kind: OwnerKind; id: number | string };
}

/**
 * Who else a key may be created for: admins may pick any user or service account, team admins a
 * service account of their team (docs/admin-api.md, API keys). Lists the caller cannot read are
 * simply not offered.
 */
function useOwnerOptions(): OwnerOption[] {
  const { session } = useSession();
  const { user, permissions } = session;
  const isAdmin = user.global_role === 'platform_admin';
  const isTeamAdmin = user.team_role === 'owner' || user.team_role === 'admin';
  const users = useApiData<ListAnswer<User>>(
    isAdmin && permissions.pages.includes('users') ? '/api/v1/admin/identity/users' : null,
  );
  const accounts = useApiData<ListAnswer<ServiceAccount>>(
    (isAdmin || isTeamAdmin) && permissions.pages.includes('service_accounts')
      ? '/api/v1/admin/identity/service-accounts'
      : null,
  );
  const options: OwnerOption[] = [];
  for (const account of accounts.data?.data ?? []) {
    if (account.status !== 'active') continue;
    if (!isAdmin && account.team_id !== user.team_id) continue;
    options.push({
      value: `service_account:${account.id}`,
      label: `Service account: ${account.name}`,
      owner: { kind: 'service_account', id: account.id },
    });
  }
  for (const other of users.data?.data ?? []) {
    if (other.id === user.id || other.status === 'deactivated') continue;
    options.push({ value: `user:${other.id}`, label: `User: ${other.email}`, owner: { kind: 'user', id: other.id } });
  }
  return options;
}

function CreateKeyDialog({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const { session } = useSession();
  const ownerOptions = useOwnerOptions();
  const [name, setName] = useState('');
  const [models, setModels] = useState<string[]>([]);
  const [ownerValue, setOwnerValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ key: ApiKey; secret: string } | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const owner = ownerOptions.find((option) => option.value === ownerValue)?.owner;
      const answer = await api.post<{ key: ApiKey; secret: string }>(KEYS_PATH, {
        name: name.trim(),
        models,
        ...(owner ? { owner } : {}),
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
      <Modal title="API key created" onClose={onClose}>
        <div className="stack">
          <p>
            <strong>{created.key.name}</strong> is ready. Copy its secret now and keep it somewhere safe.
          </p>
          <div className="secret-box">
            <code data-testid="new-key-secret">{created.secret}</code>
          </div>
          <div className="alert alert-warning" role="note">
            You will not see this secret again. If you lose it, revoke the key and create a new one.
          </div>
          <div className="form-actions">
            <CopyButton text={created.secret} label="Copy key" />
            <button type="button" className="primary" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      </Modal>
    );
  }

  return (
    <Modal title="Create API key" onClose={onClose}>
      <form className="stack" onSubmit={onSubmit}>
        <ErrorAlert message={error} />
        <label className="field">
          <span>Name</span>
          <input type="text" required maxLength={200} value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        {ownerOptions.length > 0 && (
          <label className="field">
            <span>Owner</span>
            <select value={ownerValue} onChange={(event) => setOwnerValue(event.target.value)}>
              <option value="">Me ({session.user.email})</option>
              {ownerOptions.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </label>
        )}
        <ModelPicker selected={models} onChange={setModels} />
        <div className="form-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !name.trim()}>
            {busy ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function EditKeyDialog({ apiKey, onClose, onSaved }: { apiKey: ApiKey; onClose: () => void; onSaved: () => void }) {
  const [name, setName] = useState(apiKey.name);
  const [models, setModels] = useState<string[]>(apiKey.models);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.patch(`${KEYS_PATH}/${apiKey.id}`, { name: name.trim(), models });
      onSaved();
    } catch (cause) {
      setError(messageOf(cause));
      setBusy(false);
    }
  }

  return (
    <Modal title={`Edit ${apiKey.name}`} onClose={onClose}>
      <form className="stack" onSubmit={onSubmit}>
        <ErrorAlert message={error} />
        <label className="field">
          <span>Name</span>
          <input type="text" required maxLength={200} value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <ModelPicker selected={models} onChange={setModels} />
        <div className="form-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !name.trim()}>
            {busy ? 'Saving…' : 'Save changes'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function RevokeKeyDialog({ apiKey, onClose, onRevoked }: { apiKey: ApiKey; onClose: () => void; onRevoked: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onConfirm() {
    setBusy(true);
    setError(null);
    try {
      await api.post(`${KEYS_PATH}/${apiKey.id}/revoke`);
      onRevoked();
    } catch (cause) {
      setError(messageOf(cause));
      setBusy(false);
    }
  }

  return (
    <ConfirmDialog
      title="Revoke API key?"
      message={
        <p>
          <strong>{apiKey.name}</strong> (<code>{apiKey.public_id}</code>) stops working at once. This cannot be undone.
        </p>
      }
      confirmLabel="Revoke key"
      danger
      busy={busy}
      error={error}
      onConfirm={() => void onConfirm()}
      onCancel={onClose}
    />
  );
}

function RevealKeyDialog({ apiKey, onClose }: { apiKey: ApiKey; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);

  // Revealing is a deliberate, audited act, so it waits for a second click instead of happening on open.
  async function reveal() {
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<{ secret: string }>(`${KEYS_PATH}/${apiKey.id}/secret/reveal`);
      setSecret(answer.secret);
    } catch (cause) {
      setError(messageOf(cause));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title={`Reveal ${apiKey.name}`} onClose={onClose}>
      <div className="stack">
        <ErrorAlert message={error} />
        {secret === null ? (
          <>
            <p>This managed key's secret is kept sealed by the gateway. Reveal it only where no one else can see your screen.</p>
            <div className="form-actions">
              <button type="button" onClick={onClose}>
                Cancel
              </button>
              <button type="button" className="primary" onClick={() => void reveal()} disabled={busy}>
                {busy ? 'Revealing…' : 'Reveal secret'}
              </button>
            </div>
          </>
        ) : (
          <>
            <div className="secret-box">
              <code data-testid="revealed-key-secret">{secret}</code>
            </div>
            <div className="form-actions">
              <CopyButton text={secret} label="Copy key" />
              <button type="button" className="primary" onClick={onClose}>
                Done
              </button>
            </div>
          </>
        )}
      </div>
    </Modal>
  );
}
