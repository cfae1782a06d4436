// The control plane behind the data plane: usage ledger rows with their price, hard budgets refusing
// before the upstream call, request logs with redacted payloads and caller tags — read back from
// the gateway's own SQLite database with Debian's sqlite3 command line tool.
//
// Run: SLUICE_BIN=/path/to/sluice node --test --test-concurrency=1 tests/e2e/accounting.test.mjs

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import OpenAI from 'openai';

import { startOpenAIUpstream } from './fakes/openai_upstream.mjs';
import { newGatewayDatabase } from './lib/database.mjs';
import { sleep, startGateway, withBind } from './lib/gateway.mjs';
import { bearer, request } from './lib/http.mjs';
import { startPostgres } from './lib/postgres.mjs';

const CALLER_KEY = 'gwk_e2eacct01.s3cr3t-accounting-key-81b3c2';
const UPSTREAM_TOKEN = 'e2e-accounting-upstream-token-6a02';

// $100 per million input tokens and $200 per million output tokens: one small request costs a few
// hundredths of a dollar, so a $0.05 daily budget is spent after a couple of requests.
function configYaml(upstreamURL, budget, database) {
  return `${database.yaml}
providers:
  - id: compat
    type: openai_compat
    base_url: ${upstreamURL}/v1
    pricing_provider_id: openai
    auth:
      kind: bearer
      token: env.ACCT_UPSTREAM_TOKEN
models:
  - id: priced
    routes:
      - provider: compat
        upstream_model: gpt-4o-mini
        pricing_override: { input_usd_per_million_tokens: "100", output_usd_per_million_tokens: "200" }
  - id: catalog
    routes:
      - provider: compat
        upstream_model: gpt-4o-mini
  - id: unpriced
    routes:
      - provider: compat
        upstream_model: fake-model-without-a-price
request_logging:
  payloads:
    redaction_paths: [body.metadata.internal_note]
teams:
  - id: platform
    name: Platform
service_accounts:
  - id: acct-runner
    name: acct-runner
    team: platform
    budget: { cadence: daily, amount_usd: "${budget}", hard_limit: true, timezone: Europe/Berlin }
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

// Every test runs against both backends: a fresh database each time.
let databases = 0;
function newDatabase(backend) {
  databases++;
  return newGatewayDatabase(backend, { postgres, name: `acct_${databases}` });
}

async function startAccountingGateway(budget, database) {
  const gw = await startGateway({
    config: configYaml(upstream.url, budget, database),
    env: { ACCT_UPSTREAM_TOKEN: UPSTREAM_TOKEN, ...database.env },
  });
  gw.database = database;
  return gw;
}

/** Runs a query against the gateway's database and returns the rows. */
function query(gw, sql) {
  return gw.database.query(sql);
}

/** Waits until `sql` returns at least `count` rows (the ledger is written behind the response). */
async function rowsEventually(gw, sql, count = 1, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = query(gw, sql);
    if (rows.length >= count || Date.now() > deadline) return rows;
    await sleep(25);
  }
}

const client = (gw) => new OpenAI({ baseURL: `${gw.baseURL}/v1`, apiKey: CALLER_KEY, maxRetries: 0, timeout: 15_000 });

const KEY_SECRET_PART = CALLER_KEY.split('.')[1];

for (const backend of ['sqlite', 'postgres']) {
  describe(`usage ledger and request logs (${backend})`, () => {
    let gw;
    before(async () => { gw = await startAccountingGateway('1000.0000', newDatabase(backend)); });
    after(async () => { await gw?.stop(); });

    test('a priced request becomes one ledger row with its tokens and exact cost', async () => {
      const completion = await client(gw).chat.completions.create({ model: 'priced', messages: [{ role: 'user', content: 'price me' }] });
      const [row] = await rowsEventually(gw, "select * from usage_ledger where resolved_model = 'priced'");
      assert.ok(row, 'no ledger row');
      assert.equal(row.pricing_status, 'priced');
      assert.equal(row.principal_kind, 'service_account');
      assert.equal(row.principal_id, 'acct-runner');
      assert.equal(row.route, 'compat/gpt-4o-mini');
      assert.equal(row.input_tokens, completion.usage.prompt_tokens);
      assert.equal(row.output_tokens, completion.usage.completion_tokens);
      // Money4 raw (ten-thousandths of a dollar): tokens × rate / 1e6, rounded half-up once.
      const expected = Math.round((completion.usage.prompt_tokens * 100 + completion.usage.completion_tokens * 200) * 10_000 / 1e6);
      assert.equal(row.cost, expected);
    });

    test('without an override the bundled catalog prices the route; a model in neither is unpriced', async () => {
      const priced = await client(gw).chat.completions.create({ model: 'catalog', messages: [{ role: 'user', content: 'catalog price' }] });
      const [row] = await rowsEventually(gw, "select * from usage_ledger where resolved_model = 'catalog'");
      assert.equal(row.pricing_status, 'priced');
      assert.equal(row.input_tokens, priced.usage.prompt_tokens);
      assert.ok(row.cost > 0 || priced.usage.total_tokens < 50, `cost ${row.cost}`);

      await client(gw).chat.completions.create({ model: 'unpriced', messages: [{ role: 'user', content: 'no price' }] });
      const [unpriced] = await rowsEventually(gw, "select * from usage_ledger where resolved_model = 'unpriced'");
      assert.equal(unpriced.pricing_status, 'unpriced');
      assert.equal(unpriced.cost, null);
      assert.ok(unpriced.input_tokens > 0);
    });

    test('a streamed request is charged from the usage in its final events', async () => {
      const stream = await client(gw).chat.completions.create({
        model: 'priced', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'stream and charge' }],
      });
      let usage;
      for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
      const rows = await rowsEventually(gw, `select * from usage_ledger where resolved_model = 'priced' and input_tokens = ${usage.prompt_tokens} and output_tokens = ${usage.completion_tokens}`);
      assert.equal(rows.at(-1).pricing_status, 'priced');
    });

    test('a stream the caller abandons before usage arrives is recorded as usage_missing', async () => {
      upstream.setBehavior({ eventGapMs: 200 });
      try {
        const before = query(gw, "select count(*) as n from usage_ledger where pricing_status = 'usage_missing'")[0].n;
        const controller = new AbortController();
        const stream = await client(gw).chat.completions.create(
          { model: 'priced', stream: true, messages: [{ role: 'user', content: 'one two three four five six' }] },
          { signal: controller.signal },
        );
        const iterator = stream[Symbol.asyncIterator]();
        await iterator.next();
        controller.abort();
        const rows = await rowsEventually(gw, "select * from usage_ledger where pricing_status = 'usage_missing'", before + 1);
        assert.equal(rows.length, before + 1);
        assert.equal(rows.at(-1).cost, null);
      } finally {
        upstream.setBehavior();
      }
    });

    test('the request log keeps a redacted payload, the attempts and the caller tags', async () => {
      const res = await request(gw.baseURL, {
        method: 'POST', path: '/v1/chat/completions',
        headers: bearer(CALLER_KEY, { 'x-oceans-service': 'billing', 'x-sluice-env': 'staging', 'x-oceans-tags': 'a, b,a' }),
        body: { model: 'priced', messages: [{ role: 'user', content: 'log me' }], metadata: { password: 'hunter2-not-logged', internal_note: 'also hidden' } },
      });
      assert.equal(res.status, 200, res.body);
      const requestId = res.headers['x-request-id'];
      const [log] = await rowsEventually(gw, `select * from request_logs where request_id = '${requestId}'`);
      assert.equal(log.caller_service, 'billing');
      assert.equal(log.caller_env, 'staging');
      assert.match(log.caller_tags, /a/);
      assert.equal(log.has_payload, 1);
      assert.equal(log.status, 200);
      const [attempt] = query(gw, `select * from request_log_attempts where request_log_id = ${log.id}`);
      assert.equal(attempt.route, 'compat/gpt-4o-mini');
      const [payload] = query(gw, `select * from request_log_payloads where request_log_id = ${log.id}`);
      assert.ok(!payload.request_json.includes('hunter2-not-logged'), payload.request_json);
      assert.ok(!payload.request_json.includes('also hidden'), payload.request_json);
      assert.ok(!payload.request_json.includes(KEY_SECRET_PART), 'the caller key reached the request log');
      assert.match(payload.request_json, /\[REDACTED\]/);
      assert.match(payload.request_json, /log me/);
      assert.match(payload.response_json, /Echo: log me/);
    });
  });


  describe(`nothing lost, nothing leaked (${backend})`, () => {
    let gw;
    before(async () => { gw = await startAccountingGateway('1000.0000', newDatabase(backend)); });
    after(async () => { await gw?.stop(); });

    test('under concurrent load every request gets exactly one ledger row', async () => {
      const total = 240;
      let next = 0;
      const worker = async () => {
        while (next < total) {
          const n = next++;
          const res = await request(gw.baseURL, {
            method: 'POST', path: '/v1/chat/completions', headers: bearer(CALLER_KEY, { 'x-request-id': `load-${n}` }),
            body: { model: 'priced', messages: [{ role: 'user', content: `load ${n}` }] },
          });
          assert.equal(res.status, 200, res.body);
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      const rows = await rowsEventually(gw, "select request_id from usage_ledger where request_id like 'load-%'", total);
      assert.equal(rows.length, total);
      assert.equal(new Set(rows.map((r) => r.request_id)).size, total);
      const logs = query(gw, "select count(*) as n from request_logs where request_id like 'load-%'");
      assert.equal(logs[0].n, total);
    });

    test('every credential header and secret-named JSON key is redacted in the stored request log', async () => {
      const secret = (name) => `leak-${name}-7f3a91c2`;
      const headerNames = ['proxy-authorization', 'cookie', 'x-api-key', 'anthropic-api-key', 'x-goog-api-key'];
      const jsonKeys = ['authorization', 'api_key', 'x_api_key', 'client_secret', 'credentials', 'private_key', 'token',
        'access_token', 'refresh_token', 'secret', 'password', 'raw_key', 'generated_key', 'key_material'];
      const headers = bearer(CALLER_KEY, { 'x-request-id': 'redaction-proof' });
      for (const name of headerNames) headers[name] = secret(name);
      const nested = Object.fromEntries(jsonKeys.map((k) => [k, secret(k)]));
      const res = await request(gw.baseURL, {
        method: 'POST', path: '/v1/chat/completions', headers,
        body: {
          model: 'priced', metadata: nested, tools_config: { deeper: [{ ...nested }] },
          messages: [{ role: 'user', content: [
            { type: 'text', text: 'redact all of it' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${secret('image')}` } },
          ] }],
        },
      });
      assert.equal(res.status, 200, res.body);
      await rowsEventually(gw, "select id from request_logs where request_id = 'redaction-proof'");
      const dump = gw.database.dump();
      assert.ok(dump.includes('redact all of it'), 'the payload was not stored at all');
      const leaked = [...headerNames, ...jsonKeys, 'image'].filter((name) => dump.includes(secret(name)));
      assert.deepEqual(leaked, [], 'secrets found in the database');
      assert.ok(!dump.includes(KEY_SECRET_PART), 'the caller key reached the database');
    });
  });

  describe(`hard budgets (${backend})`, () => {
    test('once the daily budget is spent, requests are refused with 429 budget_exceeded before reaching the upstream', async () => {
      const gw = await startAccountingGateway('0.0500', newDatabase(backend));
      try {
        let refused;
        let served = 0;
        for (let i = 0; i < 40 && !refused; i++) {
          const res = await request(gw.baseURL, {
            method: 'POST', path: '/v1/chat/completions', headers: bearer(CALLER_KEY),
            body: { model: 'priced', messages: [{ role: 'user', content: `spend request number ${i} with some words` }] },
          });
          if (res.status === 200) served++;
          else refused = res;
          // Spend is settled behind the response; give it a moment so each request sees the last.
          await sleep(20);
        }
        assert.ok(refused, `no request was refused after ${served} served`);
        assert.equal(refused.status, 429, refused.body);
        assert.equal(refused.json.error.type, 'budget_error');
        assert.equal(refused.json.error.code, 'budget_exceeded');
        assert.ok(served >= 1);
        const upstreamCalls = upstream.requests.length;
        const again = await request(gw.baseURL, {
          method: 'POST', path: '/v1/chat/completions', headers: bearer(CALLER_KEY),
          body: { model: 'priced', messages: [{ role: 'user', content: 'still refused' }] },
        });
        assert.equal(again.status, 429);
        assert.equal(upstream.requests.length, upstreamCalls, 'a refused request reached the upstream');
        // Spend over the limit is bounded by what was in flight (here: one request at a time).
        const [{ total }] = query(gw, "select sum(cost) as total from usage_ledger where pricing_status = 'priced'");
        assert.ok(total >= 500, `spent ${total} of 500`);
        const alerts = query(gw, 'select threshold_percent from budget_alerts order by threshold_percent');
        assert.deepEqual(alerts.map((a) => a.threshold_percent), [50, 80, 100]);
      } finally {
        await gw.stop();
      }
    });

    test('a budget lowered by a reload applies to the next request', async () => {
      const database = newDatabase(backend);
      const gw = await startAccountingGateway('1000.0000', database);
      try {
        const first = await request(gw.baseURL, {
          method: 'POST', path: '/v1/chat/completions', headers: bearer(CALLER_KEY),
          body: { model: 'priced', messages: [{ role: 'user', content: 'before the reload' }] },
        });
        assert.equal(first.status, 200, first.body);
        await rowsEventually(gw, "select * from usage_ledger where pricing_status = 'priced'");
        writeFileSync(gw.configPath, withBind(configYaml(upstream.url, '0.0001', database), `127.0.0.1:${gw.port}`));
        gw.process.kill('SIGHUP');
        let refused;
        for (let i = 0; i < 50 && !refused; i++) {
          await sleep(40);
          const res = await request(gw.baseURL, {
            method: 'POST', path: '/v1/chat/completions', headers: bearer(CALLER_KEY),
            body: { model: 'priced', messages: [{ role: 'user', content: 'after the reload' }] },
          });
          if (res.status === 429) refused = res;
        }
        assert.ok(refused, 'the lowered budget never applied');
        assert.equal(refused.json.error.code, 'budget_exceeded');
      } finally {
        await gw.stop();
      }
    });

    test('spend survives a restart: a new gateway on the same database still refuses', async () => {
      const database = newDatabase(backend);
      const first = await startAccountingGateway('0.0001', database);
      const spend = await request(first.baseURL, {
        method: 'POST', path: '/v1/chat/completions', headers: bearer(CALLER_KEY),
        body: { model: 'priced', messages: [{ role: 'user', content: 'spend it all at once please' }] },
      });
      assert.equal(spend.status, 200, spend.body);
      await rowsEventually(first, "select * from usage_ledger where pricing_status = 'priced'");
      assert.equal(await first.stop(), 0);

      const second = await startAccountingGateway('0.0001', database);
      try {
        const res = await request(second.baseURL, {
          method: 'POST', path: '/v1/chat/completions', headers: bearer(CALLER_KEY),
          body: { model: 'priced', messages: [{ role: 'user', content: 'over budget' }] },
        });
        assert.equal(res.status, 429, res.body);
        assert.equal(res.json.error.code, 'budget_exceeded');
      } finally {
        await second.stop();
      }
    });
  });
}
