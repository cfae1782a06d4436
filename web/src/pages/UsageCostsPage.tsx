import { useState } from 'react';
import { query } from '../api/client';
import type { SpendReport } from '../api/types';
import { useApiData } from '../api/useApiData';
import { EmptyState, ErrorAlert, Loading } from '../components/Feedback';
import { SpendChart, type ChartMetric } from '../components/SpendChart';
import { DAY_MS, formatCount, formatUsd, startOfUtcDay, utcDay } from '../format';

type GroupBy = 'model' | 'principal';

const GROUP_LABELS: Record<GroupBy, string> = { model: 'Model', principal: 'User / principal' };

/** The report's range from two UTC calendar days, both included: [from 00:00, day after `to` 00:00). */
function rangeOf(fromDay: string, toDay: string): { from: number; to: number } | null {
  const from = startOfUtcDay(fromDay);
  const to = startOfUtcDay(toDay) + DAY_MS;
  if (Number.isNaN(from) || Number.isNaN(to) || to <= from) return null;
  return { from, to };
}

export function UsageCostsPage() {
  const today = utcDay(Date.now());
  const [fromDay, setFromDay] = useState(utcDay(Date.now() - 29 * DAY_MS));
  const [toDay, setToDay] = useState(today);
  const [groupBy, setGroupBy] = useState<GroupBy>('model');
  const [metric, setMetric] = useState<ChartMetric>('cost');

  const range = rangeOf(fromDay, toDay);
  const report = useApiData<SpendReport>(
    range ? '/api/v1/admin/spend/report' + query({ from: range.from, to: range.to, group_by: groupBy }) : null,
  );
  const csvHref = range ? '/api/v1/admin/spend/focus.csv' + query({ from: range.from, to: range.to }) : undefined;
  const data = report.data;
  const hasSpend = data !== null && (data.groups.length > 0 || data.total.requests > 0);

  return (
    <section>
      <div className="page-header">
        <h1>Usage &amp; costs</h1>
        {csvHref && (
          <a className="button" href={csvHref} download>
            Download FOCUS CSV
          </a>
        )}
      </div>
      <form className="filters" onSubmit={(event) => event.preventDefault()} aria-label="Report range">
        <label className="field">
          <span>From</span>
          <input type="date" value={fromDay} max={toDay} onChange={(event) => setFromDay(event.target.value)} />
        </label>
        <label className="field">
          <span>To</span>
          <input type="date" value={toDay} min={fromDay} onChange={(event) => setToDay(event.target.value)} />
        </label>
        <label className="field">
          <span>Group by</span>
          <select value={groupBy} onChange={(event) => setGroupBy(event.target.value as GroupBy)}>
            <option value="model">Model</option>
            <option value="principal">User / principal</option>
          </select>
        </label>
        <label className="field">
          <span>Chart</span>
          <select value={metric} onChange={(event) => setMetric(event.target.value as ChartMetric)}>
            <option value="cost">Cost</option>
            <option value="requests">Requests</option>
            <option value="tokens">Tokens</option>
          </select>
        </label>
      </form>
      <p className="muted small">Days are UTC days; both ends are included.</p>
      {!range && <ErrorAlert message="Choose a start day on or before the end day." />}
      <ErrorAlert message={report.error} />
      {report.loading && !data && <Loading />}
      {data && (
        <div aria-busy={report.loading}>
          <div className="stat-cards">
            <div className="stat-card">
              <span className="stat-label">Total cost</span>
              <span className="stat-value" data-testid="usage-total-cost">
                {formatUsd(data.total.cost_usd)}
              </span>
            </div>
            <div className="stat-card">
              <span className="stat-label">Requests</span>
              <span className="stat-value" data-testid="usage-total-requests">
                {formatCount(data.total.requests)}
              </span>
            </div>
            <div className="stat-card">
              <span className="stat-label">Input tokens</span>
              <span className="stat-value" data-testid="usage-total-input-tokens">
                {formatCount(data.total.input_tokens)}
              </span>
            </div>
            <div className="stat-card">
              <span className="stat-label">Output tokens</span>
              <span className="stat-value" data-testid="usage-total-output-tokens">
                {formatCount(data.total.output_tokens)}
              </span>
            </div>
          </div>
          {!hasSpend ? (
            <EmptyState title="No usage in this range">Requests made with your API keys appear here once they are accounted.</EmptyState>
          ) : (
            <>
              <div className="card">
                <h2>{metric === 'cost' ? 'Cost' : metric === 'requests' ? 'Requests' : 'Tokens'} per day</h2>
                <SpendChart report={data} metric={metric} groupLabel={GROUP_LABELS[groupBy]} />
              </div>
              <div className="table-wrap">
                <table className="responsive">
                  <caption className="visually-hidden">Spend by {GROUP_LABELS[groupBy].toLowerCase()}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{GROUP_LABELS[groupBy]}</th>
                      <th scope="col" className="numeric">Cost</th>
                      <th scope="col" className="numeric">Requests</th>
                      <th scope="col" className="numeric">Input tokens</th>
                      <th scope="col" className="numeric">Output tokens</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.groups.map((group) => (
                      <tr key={group.key} data-testid="usage-group-row">
                        <td data-label={GROUP_LABELS[groupBy]}>
                          <code>{group.key}</code>
                        </td>
                        <td data-label="Cost" className="numeric">{formatUsd(group.cost_usd)}</td>
                        <td data-label="Requests" className="numeric">{formatCount(group.requests)}</td>
                        <td data-label="Input tokens" className="numeric">{formatCount(group.input_tokens)}</td>
                        <td data-label="Output tokens" className="numeric">{formatCount(group.output_tokens)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </div>
      )}
    </section>
  );
}
