import type { Budget, BudgetAlert, ListAnswer } from '../api/types';
import { useApiData } from '../api/useApiData';
import { EmptyState, ErrorAlert, Loading } from '../components/Feedback';
import { formatTime, formatUsd, usdForDrawing } from '../format';

function scopeLabel(scope: string, principalId: string | number | null, modelId?: string | null): string {
  const parts = [scope];
  if (principalId !== null && principalId !== undefined && principalId !== '') parts.push(String(principalId));
  if (modelId) parts.push(`model ${modelId}`);
  return parts.join(' · ');
}

function UsageBar({ spent, amount }: { spent: string; amount: string }) {
  const limit = usdForDrawing(amount);
  const used = usdForDrawing(spent);
  const percent = limit > 0 ? (used / limit) * 100 : used > 0 ? 100 : 0;
  const tone = percent >= 100 ? 'bad' : percent >= 80 ? 'warn' : 'good';
  return (
    <div className="usage-bar-wrap">
      <div
        className="usage-bar"
        role="meter"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(Math.min(percent, 100))}
        aria-label={`${Math.round(percent)}% of the budget used`}
      >
        <div className={`usage-bar-fill ${tone}`} style={{ width: `${Math.min(percent, 100)}%` }} />
      </div>
      <span className="small">{Math.round(percent)}%</span>
    </div>
  );
}

function alertStatus(alert: BudgetAlert): string {
  if (alert.delivered_at) return `Delivered ${formatTime(alert.delivered_at)}`;
  if (alert.abandoned_at) return `Abandoned ${formatTime(alert.abandoned_at)}`;
  return alert.attempts > 0 ? 'Retrying' : 'Pending';
}

export function BudgetsPage() {
  const budgets = useApiData<ListAnswer<Budget>>('/api/v1/admin/spend/budgets');
  const alerts = useApiData<ListAnswer<BudgetAlert>>('/api/v1/admin/spend/budget-alerts');
  const budgetRows = budgets.data?.data ?? [];
  const alertRows = alerts.data?.data ?? [];

  return (
    <section>
      <div className="page-header">
        <h1>Budgets</h1>
      </div>
      <p className="muted">Budgets come from the configuration file. A hard budget refuses requests once its window's spend reaches the amount.</p>
      <ErrorAlert message={budgets.error} />
      {budgets.loading && !budgets.data && <Loading />}
      {budgets.data && budgetRows.length === 0 && <EmptyState title="No budgets configured" />}
      {budgetRows.length > 0 && (
        <div className="table-wrap">
          <table className="responsive">
            <thead>
              <tr>
                <th scope="col">Scope</th>
                <th scope="col">Cadence</th>
                <th scope="col" className="numeric">Spent</th>
                <th scope="col" className="numeric">Amount</th>
                <th scope="col">Usage</th>
                <th scope="col">Limit</th>
                <th scope="col">Window</th>
              </tr>
            </thead>
            <tbody>
              {budgetRows.map((budget) => (
                <tr key={budget.id} data-testid="budget-row">
                  <td data-label="Scope">{scopeLabel(budget.scope, budget.principal_id, budget.model_id)}</td>
                  <td data-label="Cadence">
                    {budget.cadence}
                    {budget.timezone && budget.timezone !== 'UTC' && <span className="muted small block">{budget.timezone}</span>}
                  </td>
                  <td data-label="Spent" className="numeric">{formatUsd(budget.spent_usd)}</td>
                  <td data-label="Amount" className="numeric">{formatUsd(budget.amount_usd)}</td>
                  <td data-label="Usage">
                    <UsageBar spent={budget.spent_usd} amount={budget.amount_usd} />
                  </td>
                  <td data-label="Limit">{budget.hard_limit ? 'Hard' : 'Soft'}</td>
                  <td data-label="Window" className="small">
                    {budget.window_start ? `${formatTime(budget.window_start)} – ${formatTime(budget.window_end)}` : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2 className="section-title">Budget alerts</h2>
      <ErrorAlert message={alerts.error} />
      {alerts.loading && !alerts.data && <Loading />}
      {alerts.data && alertRows.length === 0 && <EmptyState title="No budget alerts yet">Alerts are raised when a budget's spend crosses a threshold.</EmptyState>}
      {alertRows.length > 0 && (
        <div className="table-wrap">
          <table className="responsive">
            <thead>
              <tr>
                <th scope="col">Raised</th>
                <th scope="col">Budget</th>
                <th scope="col" className="numeric">Threshold</th>
                <th scope="col" className="numeric">Spend</th>
                <th scope="col">Delivery</th>
                <th scope="col" className="numeric">Attempts</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {alertRows.map((alert) => (
                <tr key={alert.id} data-testid="budget-alert-row">
                  <td data-label="Raised" className="nowrap">{formatTime(alert.created_at)}</td>
                  <td data-label="Budget">{scopeLabel(alert.scope, alert.principal_id)}</td>
                  <td data-label="Threshold" className="numeric">{alert.threshold_percent}%</td>
                  <td data-label="Spend" className="numeric">{formatUsd(alert.spend_usd)}</td>
                  <td data-label="Delivery">{alertStatus(alert)}</td>
                  <td data-label="Attempts" className="numeric">{alert.attempts}</td>
                  <td data-label="Last error" className="small">{alert.last_error ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
