import { useState, type FormEvent, type ReactNode } from 'react';
import { query } from '../api/client';
import type { ListAnswer, RequestLog, RequestLogDetail } from '../api/types';
import { useApiData } from '../api/useApiData';
import { EmptyState, ErrorAlert, Loading } from '../components/Feedback';
import { Modal } from '../components/Modal';
import { formatCount, formatLatency, formatTimeSeconds, formatUsd, principalLabel } from '../format';

const LOGS_PATH = '/api/v1/admin/observability/request-logs';
const PAGE_SIZE = 50;

interface LogFilters {
  model: string;
  status: string;
  principal: string;
}

const NO_FILTERS: LogFilters = { model: '', status: '', principal: '' };

function statusTone(status: number): string {
  if (status >= 500) return 'bad';
  if (status >= 400) return 'warn';
  return 'good';
}

export function RequestLogsPage() {
  const [draft, setDraft] = useState<LogFilters>(NO_FILTERS);
  const [filters, setFilters] = useState<LogFilters>(NO_FILTERS);
  const [offset, setOffset] = useState(0);
  const [openId, setOpenId] = useState<number | null>(null);
  const logs = useApiData<ListAnswer<RequestLog>>(
    LOGS_PATH +
      query({
        limit: PAGE_SIZE,
        offset,
        model: filters.model.trim(),
        status: filters.status.trim(),
        principal: filters.principal.trim(),
      }),
  );
  const rows = logs.data?.data ?? [];
  const filtered = filters.model !== '' || filters.status !== '' || filters.principal !== '';

  function apply(event: FormEvent) {
    event.preventDefault();
    setFilters(draft);
    setOffset(0);
  }

  function clear() {
    setDraft(NO_FILTERS);
    setFilters(NO_FILTERS);
    setOffset(0);
  }

  return (
    <section>
      <div className="page-header">
        <h1>Request logs</h1>
        <button type="button" onClick={logs.reload} disabled={logs.loading}>
          Refresh
        </button>
      </div>
      <form className="filters" onSubmit={apply} aria-label="Filter request logs">
        <label className="field">
          <span>Model</span>
          <input type="text" value={draft.model} onChange={(event) => setDraft({ ...draft, model: event.target.value })} />
        </label>
        <label className="field">
          <span>Status</span>
          <input
            type="text"
            placeholder="e.g. 200 or 4xx"
            value={draft.status}
            onChange={(event) => setDraft({ ...draft, status: event.target.value })}
          />
        </label>
        <label className="field">
          <span>Principal</span>
          <input
            type="text"
            placeholder="an email or a service account id"
            value={draft.principal}
            onChange={(event) => setDraft({ ...draft, principal: event.target.value })}
          />
        </label>
        <div className="filter-actions">
          <button type="submit" className="primary">
            Apply filters
          </button>
          <button type="button" onClick={clear}>
            Clear
          </button>
        </div>
      </form>
      <ErrorAlert message={logs.error} />
      {logs.loading && !logs.data && <Loading />}
      {logs.data && rows.length === 0 && (
        <EmptyState title={filtered ? 'No requests match these filters' : offset > 0 ? 'No more requests' : 'No requests logged yet'}>
          {!filtered && offset === 0 && 'Requests through the gateway appear here once they are written to the log.'}
        </EmptyState>
      )}
      {rows.length > 0 && (
        <div className="table-wrap" aria-busy={logs.loading}>
          <table className="responsive clickable-rows">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Status</th>
                <th scope="col">Model</th>
                <th scope="col">Operation</th>
                <th scope="col">Principal</th>
                <th scope="col" className="numeric">Tokens in / out</th>
                <th scope="col" className="numeric">Cost</th>
                <th scope="col" className="numeric">Latency</th>
                <th scope="col">
                  <span className="visually-hidden">Details</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((log) => (
                <tr key={log.id} data-testid="request-log-row" onClick={() => setOpenId(log.id)}>
                  <td data-label="Time" className="nowrap">{formatTimeSeconds(log.occurred_at)}</td>
                  <td data-label="Status">
                    <span className={`badge badge-${statusTone(log.status)}`}>{log.status}</span>
                    {log.error_code && <span className="muted small block">{log.error_code}</span>}
                  </td>
                  <td data-label="Model">
                    {log.requested_model ?? '—'}
                    {log.resolved_model && log.resolved_model !== log.requested_model && (
                      <span className="muted small block">→ {log.resolved_model}</span>
                    )}
                  </td>
                  <td data-label="Operation">{log.operation ?? `${log.method} ${log.path}`}</td>
                  <td data-label="Principal">{principalLabel(log.principal)}</td>
                  <td data-label="Tokens in / out" className="numeric">
                    {formatCount(log.input_tokens)} / {formatCount(log.output_tokens)}
                  </td>
                  <td data-label="Cost" className="numeric">{formatUsd(log.cost_usd)}</td>
                  <td data-label="Latency" className="numeric">{formatLatency(log.latency_ms)}</td>
                  <td data-label="Details" className="row-actions">
                    <button
                      type="button"
                      onClick={(event) => {
                        event.stopPropagation();
                        setOpenId(log.id);
                      }}
                      aria-label={`Details for request ${log.request_id}`}
                    >
                      Details
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {logs.data && (offset > 0 || logs.data.has_more) && (
        <nav className="pager" aria-label="Request log pages">
          <button type="button" disabled={offset === 0 || logs.loading} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
            Previous
          </button>
          <span className="muted">
            {rows.length > 0 ? `${offset + 1}–${offset + rows.length}` : `from ${offset + 1}`}
          </span>
          <button type="button" disabled={!logs.data.has_more || logs.loading} onClick={() => setOffset(offset + PAGE_SIZE)}>
            Next
          </button>
        </nav>
      )}
      {openId !== null && <RequestLogDrawer id={openId} onClose={() => setOpenId(null)} />}
    </section>
  );
}

/** Payloads come back as JSON when they parsed, else as the stored text; both are shown indented. */
function prettyPayload(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  if (value === null || value === undefined) return '';
  return JSON.stringify(value, null, 2);
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="detail-field">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function RequestLogDrawer({ id, onClose }: { id: number; onClose: () => void }) {
  const detail = useApiData<{ log: RequestLogDetail }>(`${LOGS_PATH}/${id}`);
  const log = detail.data?.log;
  const callerTags = log?.caller_tags;
  const hasTags = callerTags !== null && callerTags !== undefined && !(Array.isArray(callerTags) && callerTags.length === 0);

  return (
    <Modal title="Request details" onClose={onClose} variant="drawer">
      <div className="stack" data-testid="request-log-detail">
        <ErrorAlert message={detail.error} />
        {detail.loading && !log && <Loading />}
        {log && (
          <>
            <dl className="detail-grid">
              <Field label="Request id">
                <code>{log.request_id}</code>
              </Field>
              <Field label="Time">{formatTimeSeconds(log.occurred_at)}</Field>
              <Field label="Status">
                <span className={`badge badge-${statusTone(log.status)}`}>{log.status}</span> {log.error_code ?? ''}
              </Field>
              <Field label="Endpoint">
                <code>
                  {log.method} {log.path}
                </code>
              </Field>
              <Field label="Operation">{log.operation ?? '—'}</Field>
              <Field label="Requested model">{log.requested_model ?? '—'}</Field>
              <Field label="Resolved model">{log.resolved_model ?? '—'}</Field>
              <Field label="Provider">{log.provider ?? '—'}</Field>
              <Field label="Route">{log.route ?? '—'}</Field>
              <Field label="Latency">{formatLatency(log.latency_ms)}</Field>
              <Field label="Principal">{principalLabel(log.principal)}</Field>
              <Field label="Input tokens">{formatCount(log.input_tokens)}</Field>
              <Field label="Output tokens">{formatCount(log.output_tokens)}</Field>
              <Field label="Cached tokens">{formatCount(log.cached_tokens)}</Field>
              <Field label="Reasoning tokens">{formatCount(log.reasoning_tokens)}</Field>
              <Field label="Cost">
                {formatUsd(log.cost_usd)} {log.pricing_status && <span className="muted">({log.pricing_status})</span>}
              </Field>
              {(log.caller_service || log.caller_component || log.caller_env) && (
                <Field label="Caller">
                  {[log.caller_service, log.caller_component, log.caller_env].filter(Boolean).join(' · ')}
                </Field>
              )}
              {hasTags && (
                <Field label="Caller tags">
                  <code>{typeof callerTags === 'string' ? callerTags : JSON.stringify(callerTags)}</code>
                </Field>
              )}
            </dl>

            <h3>Attempts</h3>
            {log.attempts.length === 0 ? (
              <p className="muted">No upstream attempt was made.</p>
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      <th scope="col">Route</th>
                      <th scope="col">Outcome</th>
                      <th scope="col">Upstream status</th>
                      <th scope="col">Duration</th>
                    </tr>
                  </thead>
                  <tbody>
                    {log.attempts.map((attempt) => (
                      <tr key={attempt.attempt_index} data-testid="request-log-attempt">
                        <td>{attempt.attempt_index + 1}</td>
                        <td>{attempt.route ?? '—'}</td>
                        <td>{attempt.outcome}</td>
                        <td>{attempt.upstream_status ?? '—'}</td>
                        <td>{formatLatency(attempt.duration_ms)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}

            <h3>Request payload</h3>
            {log.payload ? (
              <>
                {log.payload.request_truncated && <p className="muted small">Truncated by the gateway's size limit.</p>}
                <pre className="payload" data-testid="request-payload" tabIndex={0}>
                  {prettyPayload(log.payload.request) || '(empty)'}
                </pre>
                <h3>Response payload</h3>
                {log.payload.response_truncated && <p className="muted small">Truncated by the gateway's size limit.</p>}
                <pre className="payload" data-testid="response-payload" tabIndex={0}>
                  {prettyPayload(log.payload.response) || '(empty)'}
                </pre>
              </>
            ) : (
              <p className="muted">No payload was stored for this request (payload logging is off for it).</p>
            )}
          </>
        )}
      </div>
    </Modal>
  );
}
