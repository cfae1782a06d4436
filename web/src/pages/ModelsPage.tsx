import type { ListAnswer, Model, ModelRoute } from '../api/types';
import { useApiData } from '../api/useApiData';
import { EmptyState, ErrorAlert, Loading } from '../components/Feedback';
import { ProviderIcon } from '../components/ProviderIcon';
import { Chips } from '../components/StatusBadge';
import { formatUsdRate } from '../format';

export function ModelsPage() {
  const models = useApiData<ListAnswer<Model>>('/api/v1/admin/models');
  const rows = models.data?.data ?? [];
  return (
    <section>
      <div className="page-header">
        <h1>Models</h1>
      </div>
      <p className="muted">The gateway's models, each with the routes it tries in order. Prices are US dollars per million tokens.</p>
      <ErrorAlert message={models.error} />
      {models.loading && !models.data && <Loading />}
      {models.data && rows.length === 0 && <EmptyState title="No models configured">Models come from the gateway's configuration file.</EmptyState>}
      <div className="card-list">
        {rows.map((model) => (
          <article key={model.id} className="card" aria-labelledby={`model-${model.id}`} data-testid="model-card">
            <header className="card-header">
              <h2 id={`model-${model.id}`}>
                <code>{model.id}</code>
              </h2>
              {model.aliases.length > 0 && (
                <span className="muted">
                  aliases: <Chips items={model.aliases} />
                </span>
              )}
              {model.tags.length > 0 && (
                <span className="muted">
                  tags: <Chips items={model.tags} />
                </span>
              )}
            </header>
            {model.description && <p>{model.description}</p>}
            {model.routes.length === 0 ? (
              <p className="muted">No routes.</p>
            ) : (
              <div className="table-wrap">
                <table className="responsive">
                  <thead>
                    <tr>
                      <th scope="col">Provider</th>
                      <th scope="col">Upstream model</th>
                      <th scope="col">API style</th>
                      <th scope="col">Capabilities</th>
                      <th scope="col">Price per 1M tokens</th>
                    </tr>
                  </thead>
                  <tbody>
                    {model.routes.map((route, index) => (
                      <RouteRow key={`${route.provider}-${route.upstream_model}-${index}`} route={route} />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </article>
        ))}
      </div>
    </section>
  );
}

const PRICE_LINES = [
  ['Input', 'input_per_million'],
  ['Output', 'output_per_million'],
  ['Cache read', 'cache_read_per_million'],
  ['Cache write', 'cache_write_per_million'],
] as const;

function RouteRow({ route }: { route: ModelRoute }) {
  const capabilities = Object.entries(route.capabilities);
  const enabled = capabilities.filter(([, on]) => on).map(([name]) => name);
  const disabled = capabilities.filter(([, on]) => !on).map(([name]) => name);
  const { pricing } = route;
  return (
    <tr data-testid="model-route-row">
      <td data-label="Provider">
        <span className="provider">
          <ProviderIcon iconKey={route.provider_icon_key} />
          <span>
            {route.provider_label || route.provider}
            <span className="muted small block">{route.provider_type}</span>
          </span>
        </span>
      </td>
      <td data-label="Upstream model">
        <code>{route.upstream_model}</code>
      </td>
      <td data-label="API style">{route.api_style ?? '—'}</td>
      <td data-label="Capabilities">
        <span className="chips">
          {enabled.map((name) => (
            <span key={name} className="chip chip-on">
              {name}
            </span>
          ))}
          {disabled.map((name) => (
            <span key={name} className="chip chip-off" title={`${name}: not supported`}>
              <s>{name}</s>
              <span className="visually-hidden"> (not supported)</span>
            </span>
          ))}
          {capabilities.length === 0 && <span className="muted">—</span>}
        </span>
      </td>
      <td data-label="Price per 1M tokens">
        {pricing.source === 'none' ? (
          <span className="muted">No pricing</span>
        ) : (
          <dl className="price-list">
            {PRICE_LINES.filter(([, field]) => pricing[field] !== null).map(([label, field]) => (
              <div key={field}>
                <dt>{label}</dt>
                <dd>{formatUsdRate(pricing[field])}</dd>
              </div>
            ))}
            {pricing.source === 'override' && <span className="chip chip-quiet">override</span>}
          </dl>
        )}
      </td>
    </tr>
  );
}
