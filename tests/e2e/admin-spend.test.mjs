// The admin API's spend and request-log endpoints, read back after real requests through the
// gateway: the spend report against exact ledger costs, request logs with filters and details, the
// FOCUS CSV export, budgets with the running config's limit, and threshold alerts — on SQLite and
// on Postgres. Signed in as the bootstrap admin (a platform admin, who sees everyone's spend);
// scope filters for team admins and users are covered by the store's unit tests.
//
// Run: SLUICE_BIN=/path/to/sluice node --test --test-concurrency=1 tests/e2e/admin-spend.test.mjs

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { startOpenAIUpstream } from './fakes/openai_upstream.mjs';
import { signIn } from './lib/console.mjs';
import { newGatewayDatabase } from './lib/database.mjs';
import { sleep, startGateway, withBind } from './lib/gateway.mjs';
import { bearer, request } from './lib/http.mjs';
import { startPostgres } from './lib/postgres.mjs';

const CALLER_KEY = 'gwk_e2espend01.s3cr3t-admin-spend-key-5d1e07';
const UPSTREAM_TOKEN = 'e2e-admin-spend-upstream-token-93c1';
const DAY_MS = 86_400_000;

// $100 / $200 per million input / output tokens: a small request costs a few thousandths of a
// dollar, so the $0.01 soft budget crosses its thresholds after a few requests without refusing.
function configYaml(upstreamURL, database, budget = '0.0100') {
  return `${database.yaml}
providers:
  - id: compat
    type: openai_compat
    base_url: ${upstreamURL}/v1
    pricing_provider_id: openai
    auth:
      kind: bearer
      token: env.SPEND_UPSTREAM_TOKEN
models:
  - id: priced
    routes:
      - provider: compat
        upstream_model: gpt-4o-mini
        pricing_override: { input_usd_per_million_tokens: "100", output_usd_per_million_tokens: "200" }
  - id: unpriced
    routes:
      - provider: compat
        upstream_model: fake-model-without-a-price
teams:
  - id: platform
    name: Platform
service_accounts:
  - id: spend-runner
    name: Spend runner
    team: platform
    budget: { cadence: daily, amount_usd: "${budget}", hard_limit: false, timezone: Europe/Berlin }
    keys:
      - id: primary
        auto_create: false
        value: literal.${CALLER_KEY}
`;
}

let upstream;
let postgres;
before(async () => {
  upstream = await startOpenAIUpstream();
  postgres = await startPostgres();
});
after(async () => {
  await upstream?.close();
  postgres?.stop();
});

let databases = 0;
function newDatabase(backend) {
  databases++;
  return newGatewayDatabase(backend, { postgres, name: `spend_${databases}` });
}

/** Money4 units (ten-thousandths of a dollar) as the API writes them: "0.0123". */
function dollars(units) {
  const sign = units < 0 ? '-' : '';
  const abs = Math.abs(units);
  return `${sign}${Math.floor(abs / 10_000)}.${String(abs % 10_000).padStart(4, '0')}`;
}

/** Parses an RFC 4180 document (quoted fields, doubled quotes, CRLF rows) into arrays of fields. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; }
    else field += c;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

/** The CSV's rows as objects keyed by the header row. */
function csvRecords(text) {
  const [header, ...rows] = parseCsv(text);
  return { header, records: rows.map((r) => Object.fromEntries(header.map((name, i) => [name, r[i]]))) };
}

async function eventually(read, done, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(25);
  }
}

function chat(gw, model, content, extra = {}) {
  return request(gw.baseURL, {
    method: 'POST', path: '/v1/chat/completions', headers: bearer(CALLER_KEY),
    body: { model, messages: [{ role: 'user', content }], ...extra },
  });
}

for (const backend of ['sqlite', 'postgres']) {
  describe(`admin spend and request logs (${backend})`, () => {
    let gw;
    let database;
    let admin;
    const priced = []; // { requestId, units }
    let unpricedId;
    let failedId;
    let pricedUnits = 0;

    before(async () => {
      database = newDatabase(backend);
      gw = await startGateway({ config: configYaml(upstream.url, database), env: { SPEND_UPSTREAM_TOKEN: UPSTREAM_TOKEN, ...database.env } });
      admin = await signIn(gw.baseURL, 'admin@local', 'admin');
      for (let i = 0; i < 3; i++) {
        const res = await chat(gw, 'priced', `spend request ${i}`, { metadata: { password: 'hunter2-not-logged' } });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const usage = res.json.usage;
        // Money4 raw: tokens × rate / 1e6, rounded half-up once (as accounting.test.mjs computes).
        const units = Math.round((usage.prompt_tokens * 100 + usage.completion_tokens * 200) * 10_000 / 1e6);
        priced.push({ requestId: res.headers['x-request-id'], units });
        pricedUnits += units;
      }
      const unpriced = await chat(gw, 'unpriced', 'no price');
      assert.equal(unpriced.status, 200, JSON.stringify(unpriced.body));
      unpricedId = unpriced.headers['x-request-id'];
      // An upstream refusal: a ledger row without usage (usage_missing, no cost) and a failed log.
      upstream.setBehavior({ status: 429 });
      try {
        const failed = await chat(gw, 'priced', 'refused upstream');
        assert.equal(failed.status, 429, JSON.stringify(failed.body));
        failedId = failed.headers['x-request-id'];
      } finally {
        upstream.setBehavior();
      }
      // Ledger rows and request logs are written behind the response.
      await eventually(() => admin.get('/api/v1/admin/spend/report'), (r) => r.json?.total?.requests === 5);
      await eventually(() => admin.get('/api/v1/admin/observability/request-logs'), (r) => r.json?.data?.length === 5);
    });
    after(async () => { await gw?.stop(); });

    test('without a session the spend and request-log endpoints answer 401', async () => {
      for (const p of ['/api/v1/admin/spend/report', '/api/v1/admin/spend/focus.csv', '/api/v1/me/spend/focus.csv',
        '/api/v1/admin/spend/budgets', '/api/v1/admin/spend/budget-alerts', '/api/v1/admin/observability/request-logs',
        '/api/v1/admin/observability/request-logs/1']) {
        const res = await request(gw.baseURL, { path: p });
        assert.equal(res.status, 401, `${p}: ${JSON.stringify(res.body)}`);
        assert.equal(res.json.error.code, 'unauthenticated');
      }
    });

    test('bad parameters answer 400 naming the parameter', async () => {
      const cases = [
        ['/api/v1/admin/spend/report?group_by=provider', 'group_by'],
        ['/api/v1/admin/spend/report?from=2000&to=1000', 'to'],
        ['/api/v1/admin/spend/report?from=abc', 'from'],
        [`/api/v1/admin/spend/report?from=0&to=${367 * DAY_MS}`, 'to'],
        ['/api/v1/admin/spend/focus.csv?to=-5', 'to'],
        ['/api/v1/admin/observability/request-logs?limit=0', 'limit'],
        ['/api/v1/admin/observability/request-logs?limit=201', 'limit'],
        ['/api/v1/admin/observability/request-logs?status=abc', 'status'],
      ];
      for (const [p, param] of cases) {
        const res = await admin.get(p);
        assert.equal(res.status, 400, `${p}: ${JSON.stringify(res.body)}`);
        assert.equal(res.json.error.code, 'invalid_request');
        assert.equal(res.json.error.param, param, p);
      }
    });

    test('the report totals and model groups match the exact ledger costs', async () => {
      const res = await admin.get('/api/v1/admin/spend/report');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const report = res.json;
      assert.ok(report.to - report.from === 30 * DAY_MS, 'the default range is the last 30 days');
      assert.equal(report.total.cost_usd, dollars(pricedUnits));
      assert.equal(report.total.requests, 5);
      const byKey = Object.fromEntries(report.groups.map((g) => [g.key, g]));
      assert.deepEqual(Object.keys(byKey).sort(), ['priced', 'unpriced']);
      assert.equal(byKey.priced.cost_usd, dollars(pricedUnits));
      assert.equal(byKey.priced.requests, 4, 'the upstream refusal counts as a request without cost');
      assert.equal(byKey.unpriced.cost_usd, '0.0000');
      assert.equal(byKey.unpriced.requests, 1);
      assert.ok(byKey.unpriced.input_tokens > 0, 'unpriced requests still count their tokens');
      const today = new Date().toISOString().slice(0, 10);
      const todays = report.series.filter((s) => s.day === today);
      assert.ok(todays.length >= 1, `no series entry for ${today}: ${JSON.stringify(report.series)}`);
      assert.equal(todays.reduce((sum, s) => sum + s.requests, 0), 5);
    });

    test('grouped by principal, the spend belongs to the service account', async () => {
      const res = await admin.get('/api/v1/admin/spend/report?group_by=principal');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.json.groups.length, 1);
      const [group] = res.json.groups;
      assert.equal(group.key, 'spend-runner');
      assert.equal(group.principal_kind, 'service_account');
      assert.equal(group.cost_usd, dollars(pricedUnits));
      assert.ok(res.json.series.every((s) => s.key === 'spend-runner'));
    });

    test('a range that ends before the requests reports nothing', async () => {
      const now = Date.now();
      const res = await admin.get(`/api/v1/admin/spend/report?from=${now - 10 * DAY_MS}&to=${now - 9 * DAY_MS}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.json.total.requests, 0);
      assert.equal(res.json.total.cost_usd, '0.0000');
      assert.deepEqual(res.json.groups, []);
    });

    test('request logs list every request with its cost and pricing status', async () => {
      const res = await admin.get('/api/v1/admin/observability/request-logs');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.json.has_more, false);
      const byRequest = Object.fromEntries(res.json.data.map((log) => [log.request_id, log]));
      for (const { requestId, units } of priced) {
        const log = byRequest[requestId];
        assert.ok(log, `no log for ${requestId}`);
        assert.equal(log.cost_usd, dollars(units));
        assert.equal(log.pricing_status, 'priced');
        assert.equal(log.status, 200);
        assert.deepEqual(log.principal, { kind: 'service_account', id: 'spend-runner' });
        assert.equal(log.has_payload, true);
      }
      assert.equal(byRequest[unpricedId].cost_usd, null);
      assert.equal(byRequest[unpricedId].pricing_status, 'unpriced');
      assert.equal(byRequest[failedId].status, 429);
      assert.equal(byRequest[failedId].cost_usd, null);
      assert.equal(byRequest[failedId].pricing_status, 'usage_missing');
      assert.equal(byRequest[failedId].error_code, 'upstream_http_error');
      const times = res.json.data.map((log) => log.occurred_at);
      assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
    });

    test('request logs filter by model, status and principal, and page with has_more', async () => {
      const ids = async (query) => {
        const res = await admin.get(`/api/v1/admin/observability/request-logs?${query}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return res.json;
      };
      assert.equal((await ids('model=priced')).data.length, 4);
      assert.equal((await ids('model=pri%63ed')).data.length, 4, 'query values are percent-decoded');
      assert.deepEqual((await ids('model=unpriced')).data.map((l) => l.request_id), [unpricedId]);
      assert.deepEqual((await ids('status=429')).data.map((l) => l.request_id), [failedId]);
      assert.deepEqual((await ids('status=4xx')).data.map((l) => l.request_id), [failedId]);
      assert.deepEqual((await ids('status=5xx')).data, []);
      assert.equal((await ids('status=200')).data.length, 4);
      assert.equal((await ids('principal=spend-runner')).data.length, 5);
      assert.equal((await ids('principal=someone-else')).data.length, 0);
      const first = await ids('limit=2');
      assert.equal(first.data.length, 2);
      assert.equal(first.has_more, true);
      const last = await ids('limit=2&offset=4');
      assert.equal(last.data.length, 1);
      assert.equal(last.has_more, false);
    });

    test('a request log shows its attempts and its redacted payload as JSON', async () => {
      const list = await admin.get('/api/v1/admin/observability/request-logs?model=priced&status=200&limit=1');
      const [summary] = list.json.data;
      const res = await admin.get(`/api/v1/admin/observability/request-logs/${summary.id}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const { log } = res.json;
      assert.equal(log.request_id, summary.request_id);
      assert.equal(log.cost_usd, summary.cost_usd);
      assert.equal(log.attempts.length, 1);
      assert.equal(log.attempts[0].attempt_index, 0);
      assert.equal(log.attempts[0].outcome, 'success');
      assert.equal(log.attempts[0].route, 'compat/gpt-4o-mini');
      assert.equal(typeof log.payload.request, 'object', 'the stored request is parsed back into JSON');
      assert.equal(log.payload.request.body.model, 'priced');
      assert.equal(log.payload.request.body.metadata.password, '[REDACTED]');
      assert.ok(!JSON.stringify(log.payload).includes('hunter2-not-logged'));
      assert.ok(!JSON.stringify(log.payload).includes(CALLER_KEY.split('.')[1]), 'the caller key reached the log');
      assert.match(JSON.stringify(log.payload.response), /Echo: spend request/);
      assert.equal(log.payload.request_truncated, false);

      const refused = (await admin.get('/api/v1/admin/observability/request-logs?status=429')).json.data[0];
      const detail = await admin.get(`/api/v1/admin/observability/request-logs/${refused.id}`);
      assert.equal(detail.status, 200, JSON.stringify(detail.body));
      assert.deepEqual(detail.json.log.attempts.map((a) => [a.outcome, a.upstream_status]), [['upstream_error', 429]]);

      for (const id of ['999999', 'abc']) {
        const missing = await admin.get(`/api/v1/admin/observability/request-logs/${id}`);
        assert.equal(missing.status, 404, JSON.stringify(missing.body));
        assert.equal(missing.json.error.code, 'not_found');
      }
    });

    test('the FOCUS CSV has the FOCUS columns and its BilledCost adds up to the report total', async () => {
      const res = await admin.get('/api/v1/admin/spend/focus.csv');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
      assert.match(res.headers['content-disposition'], /^attachment; filename="sluice-focus-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.csv"$/);
      const { header, records } = csvRecords(res.body);
      for (const column of ['BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost', 'BillingCurrency',
        'BillingPeriodStart', 'BillingPeriodEnd', 'ChargePeriodStart', 'ChargePeriodEnd', 'ChargeCategory',
        'ChargeClass', 'ChargeDescription', 'ChargeFrequency', 'ConsumedQuantity', 'ConsumedUnit',
        'PricingQuantity', 'PricingUnit', 'ProviderName', 'PublisherName', 'InvoiceIssuerName', 'ServiceName',
        'ServiceCategory', 'ResourceId', 'ResourceName', 'SubAccountId', 'SubAccountName', 'Tags']) {
        assert.ok(header.includes(column), `missing column ${column}`);
      }
      assert.equal(records.length, 2, JSON.stringify(res.body)); // today × spend-runner × {priced, unpriced} × compat
      const billedUnits = records.reduce((sum, r) => sum + Math.round(Number(r.BilledCost) * 10_000), 0);
      assert.equal(billedUnits, pricedUnits);
      const today = new Date().toISOString().slice(0, 10);
      const byModel = Object.fromEntries(records.map((r) => [r.ServiceName, r]));
      const row = byModel.priced;
      assert.equal(row.ChargePeriodStart, `${today}T00:00:00Z`);
      assert.equal(row.BillingPeriodStart, `${today.slice(0, 8)}01T00:00:00Z`);
      assert.equal(row.BillingCurrency, 'USD');
      assert.equal(row.ChargeCategory, 'Usage');
      assert.equal(row.ChargeFrequency, 'Usage-Based');
      assert.equal(row.ConsumedUnit, 'Tokens');
      assert.equal(row.ServiceCategory, 'AI and Machine Learning');
      assert.equal(row.SubAccountId, 'spend-runner');
      assert.equal(row.SubAccountName, 'Spend runner');
      assert.equal(row.ProviderName, 'compat');
      assert.equal(row.InvoiceIssuerName, 'Sluice');
      assert.equal(row.BilledCost, dollars(pricedUnits));
      assert.equal(row.EffectiveCost, row.BilledCost);
      const tags = JSON.parse(row.Tags);
      assert.equal(tags.principal_kind, 'service_account');
      assert.equal(tags.pricing_status, 'partially_priced', 'the upstream refusal had no usage to price');
      assert.equal(row.x_Requests, '4');
      assert.equal(row.x_UnpricedRequests, '1');
      assert.equal(byModel.unpriced.BilledCost, '0.0000');
      assert.equal(JSON.parse(byModel.unpriced.Tags).pricing_status, 'unpriced');
      assert.ok(Number(byModel.unpriced.ConsumedQuantity) > 0);
    });

    test("the caller's own FOCUS export holds only the caller's rows", async () => {
      const res = await admin.get('/api/v1/me/spend/focus.csv');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const { header, records } = csvRecords(res.body);
      assert.ok(header.includes('BilledCost'));
      assert.equal(records.length, 0, 'the admin made no gateway requests of their own');
    });

    test('budgets show the config limit and the spend in the current window', async () => {
      const res = await admin.get('/api/v1/admin/spend/budgets');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.json.data.length, 1);
      const [budget] = res.json.data;
      assert.equal(budget.scope, 'service_account');
      assert.equal(budget.principal_id, 'spend-runner');
      assert.equal(budget.model_id, null);
      assert.equal(budget.cadence, 'daily');
      assert.equal(budget.amount_usd, '0.0100');
      assert.equal(budget.hard_limit, false);
      assert.equal(budget.timezone, 'Europe/Berlin');
      assert.equal(budget.spent_usd, dollars(pricedUnits));
      const now = Date.now();
      assert.ok(budget.window_start <= now && now < budget.window_end, JSON.stringify(budget));
      const length = budget.window_end - budget.window_start;
      assert.ok(length >= 23 * 3_600_000 && length <= 25 * 3_600_000, `a daily window, not ${length} ms`);
    });

    test('alerts list the thresholds the spend crossed, newest first', async () => {
      const crossed = [50, 80, 100].filter((t) => pricedUnits * 100 >= 100 * t);
      assert.ok(crossed.includes(50), `the test spend (${pricedUnits}) should pass half the $0.01 budget`);
      const res = await eventually(() => admin.get('/api/v1/admin/spend/budget-alerts'), (r) => r.json?.data?.length === crossed.length);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.json.data.map((a) => a.threshold_percent), [...crossed].reverse());
      for (const alert of res.json.data) {
        assert.equal(alert.scope, 'service_account');
        assert.equal(alert.principal_id, 'spend-runner');
        assert.match(alert.spend_usd, /^\d+\.\d{4}$/);
      }
      assert.equal(res.json.has_more, false);
    });

    test('after a reload, budgets show the new config limit', async () => {
      writeFileSync(gw.configPath, withBind(configYaml(upstream.url, database, '7.5000'), `127.0.0.1:${gw.port}`));
      gw.process.kill('SIGHUP');
      const res = await eventually(() => admin.get('/api/v1/admin/spend/budgets'), (r) => r.json?.data?.[0]?.amount_usd === '7.5000');
      assert.equal(res.json.data[0].amount_usd, '7.5000');
      assert.equal(res.json.data[0].spent_usd, dollars(pricedUnits));
    });
  });
}
