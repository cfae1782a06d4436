// Operations: Prometheus metrics on the admin listener, OTLP/HTTP export of traces and metrics,
// validated hot reload (SIGHUP and POST /admin/reload) under load, and draining with open streams.
//
// Run: SLUICE_BIN=/path/to/sluice node --test --test-concurrency=1 tests/e2e/operations.test.mjs

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import OpenAI from 'openai';

import { startOpenAIUpstream } from './fakes/openai_upstream.mjs';
import { startOtelCollector } from './fakes/otel_collector.mjs';
import { freePort, sleep, startGateway, withBind } from './lib/gateway.mjs';
import { bearer, request } from './lib/http.mjs';
import { callerIdentityYaml } from './lib/identity.mjs';

const CALLER_KEY = 'gwk_e2eops001.s3cr3t-operations-key-5e7a21';
const UPSTREAM_TOKEN = 'e2e-operations-upstream-token-19fd';
const IDENTITY_YAML = callerIdentityYaml({ key: CALLER_KEY, account: 'e2e-ops' });

let upstreamA;
let upstreamB;
let collector;

before(async () => {
  upstreamA = await startOpenAIUpstream();
  upstreamB = await startOpenAIUpstream();
  collector = await startOtelCollector();
});

after(async () => {
  await Promise.all([upstreamA?.close(), upstreamB?.close(), collector?.close()]);
});

function configYaml({ adminPort, upstream = upstreamA, extraModels = '', server = '' }) {
  return `
server:
  admin_bind: "127.0.0.1:${adminPort}"${server}
providers:
  - id: compat
    type: openai_compat
    base_url: ${upstream.url}/v1
    pricing_provider_id: openai
    auth:
      kind: bearer
      token: env.OPS_UPSTREAM_TOKEN
models:
  - id: chat
    routes:
      - provider: compat
        upstream_model: gpt-4o-mini${extraModels}
${IDENTITY_YAML}`;
}

async function startOpsGateway(options = {}) {
  const adminPort = await freePort();
  const gw = await startGateway({ config: configYaml({ adminPort, ...options }), env: { OPS_UPSTREAM_TOKEN: UPSTREAM_TOKEN } });
  gw.adminURL = `http://127.0.0.1:${adminPort}`;
  gw.adminPort = adminPort;
  return gw;
}

const client = (gw) => new OpenAI({ baseURL: `${gw.baseURL}/v1`, apiKey: CALLER_KEY, maxRetries: 0, timeout: 15_000 });

/** Parses Prometheus text into { 'name{labels}': value } (the strict check is promtool's). */
function samples(text) {
  const out = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out[line.slice(0, at)] = Number(line.slice(at + 1));
  }
  return out;
}

/** Rewrites the gateway's config file (keeping the bind the harness added). */
function rewriteConfig(gw, yaml) {
  writeFileSync(gw.configPath, withBind(yaml, `127.0.0.1:${gw.port}`));
}

describe('GET /metrics on the admin listener', () => {
  let gw;
  before(async () => { gw = await startOpsGateway(); });
  after(async () => { await gw?.stop(); });

  test('counts requests, tokens and attempts by model and route, in a format promtool accepts', async () => {
    await client(gw).chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'count me' }] });
    const stream = await client(gw).chat.completions.create({
      model: 'chat', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'stream me' }],
    });
    for await (const chunk of stream) void chunk;
    await request(gw.baseURL, { method: 'POST', path: '/v1/chat/completions', headers: bearer(CALLER_KEY), body: { model: 'nope', messages: [] } });

    const res = await request(gw.adminURL, { path: '/metrics' });
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
    const values = samples(res.body);
    assert.equal(values['sluice_requests_total{endpoint="chat_completions",model="chat",route="compat/gpt-4o-mini",status="200"}'], 2);
    assert.equal(values['sluice_requests_total{endpoint="chat_completions",model="",route="",status="404"}'], 1);
    assert.equal(values['sluice_upstream_attempts_total{route="compat/gpt-4o-mini",outcome="ok"}'], 2);
    assert.ok(values['sluice_tokens_total{model="chat",direction="input"}'] > 0, res.body);
    assert.equal(values['sluice_open_streams'], 0);
    assert.equal(values['sluice_request_duration_seconds_count{endpoint="chat_completions",model="chat"}'], 2);
    assert.equal(values['sluice_config_reloads_total{outcome="success"}'], 1);

    const check = spawnSync('promtool', ['check', 'metrics'], { input: res.body, encoding: 'utf8' });
    assert.equal(check.error, undefined, 'promtool (Debian package prometheus) must be installed: scripts/bootstrap installs it');
    assert.equal(check.status, 0, `promtool check metrics: ${check.stdout}${check.stderr}`);
  });

  test('the caller-facing listener does not serve /metrics or the admin endpoints', async () => {
    assert.equal((await request(gw.baseURL, { path: '/metrics' })).status, 404);
    // /admin/* on the caller port is the admin console's UI, which takes GET only: no reload here.
    const reload = await request(gw.baseURL, { method: 'POST', path: '/admin/reload' });
    assert.equal(reload.status, 405);
    assert.equal(reload.json.error.code, 'method_not_allowed');
  });

  test('an open stream shows in sluice_open_streams while it lasts', async () => {
    upstreamA.setBehavior({ eventGapMs: 150 });
    try {
      const stream = await client(gw).chat.completions.create({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'one two three four' }] });
      const iterator = stream[Symbol.asyncIterator]();
      await iterator.next();
      const during = samples((await request(gw.adminURL, { path: '/metrics' })).body);
      assert.equal(during['sluice_open_streams'], 1);
      for (let step = await iterator.next(); !step.done; step = await iterator.next());
    } finally {
      upstreamA.setBehavior();
    }
    await sleep(50);
    assert.equal(samples((await request(gw.adminURL, { path: '/metrics' })).body)['sluice_open_streams'], 0);
  });
});

describe('OTLP/HTTP export', () => {
  let gw;
  before(async () => {
    gw = await startOpsGateway({ server: `\n  otel_endpoint: ${collector.url}\n  otel_export_interval_secs: 1\n  otel_trace_sample_ratio: 1.0` });
  });
  after(async () => { await gw?.stop(); });

  test('a request becomes a server span with a client child span per attempt, continuing the caller\'s trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await request(gw.baseURL, {
      method: 'POST', path: '/v1/chat/completions',
      headers: bearer(CALLER_KEY, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` }),
      body: { model: 'chat', messages: [{ role: 'user', content: 'trace me' }] },
    });
    assert.equal(res.status, 200, res.body);
    const root = await collector.waitForSpan((s) => s.traceId === traceId && s.kind === 2, 10_000);
    assert.equal(root.parentSpanId, '00f067aa0ba902b7');
    assert.equal(root.resource['service.name'], 'sluice');
    assert.equal(root.attributes['gen_ai.request.model'], 'chat');
    assert.equal(root.attributes['gen_ai.operation.name'], 'chat');
    assert.equal(root.attributes['http.response.status_code'], 200);
    assert.ok(root.attributes['gen_ai.usage.input_tokens'] > 0);
    const child = await collector.waitForSpan((s) => s.traceId === traceId && s.parentSpanId === root.spanId, 10_000);
    assert.equal(child.kind, 3);
    assert.equal(child.attributes['gen_ai.system'], 'openai');
    assert.equal(child.attributes['gen_ai.request.model'], 'gpt-4o-mini');
    assert.equal(child.attributes['server.address'], '127.0.0.1');
    // The upstream saw our child span as its parent, not the caller's header.
    const upstream = upstreamA.requests.at(-1);
    assert.equal(upstream.headers.traceparent, `00-${traceId}-${child.spanId}-01`);
  });

  test('metrics are exported every otel_export_interval_secs', async () => {
    const point = await collector.waitForMetric((m) => m.name === 'sluice_requests_total' && m.attributes.model === 'chat', 10_000);
    assert.equal(point.type, 'sum');
    assert.equal(point.isMonotonic, true);
    assert.ok(Number(point.value) >= 1);
  });
});

describe('hot reload', () => {
  test('SIGHUP swaps routes under load with no failed request; new requests see the new config', async () => {
    const gw = await startOpsGateway();
    try {
      const api = client(gw);
      let stop = false;
      const failures = [];
      let served = 0;
      const load = async () => {
        while (!stop) {
          try {
            await api.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'keep going' }] });
            served++;
          } catch (error) {
            failures.push(error.message);
          }
        }
      };
      const workers = [load(), load(), load(), load()];
      await sleep(200);
      const beforeB = upstreamB.requests.length;
      rewriteConfig(gw, configYaml({ adminPort: gw.adminPort, upstream: upstreamB, extraModels: `
  - id: added-by-reload
    routes:
      - provider: compat
        upstream_model: gpt-4.1` }));
      gw.process.kill('SIGHUP');
      // Wait until requests reach the new upstream.
      const deadline = Date.now() + 5000;
      while (upstreamB.requests.length === beforeB && Date.now() < deadline) await sleep(20);
      await sleep(200);
      stop = true;
      await Promise.all(workers);
      assert.deepEqual(failures, []);
      assert.ok(served > 20, `only ${served} requests served`);
      assert.ok(upstreamB.requests.length > beforeB, 'no request reached the new route');
      const added = await api.chat.completions.create({ model: 'added-by-reload', messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(added.object, 'chat.completion');
      assert.ok(gw.stderrLines.some((l) => l.includes('config reloaded')), gw.stderrLines.join('\n'));
    } finally {
      await gw.stop();
    }
  });

  test('an invalid file is refused: the old config keeps serving and every error is logged and returned', async () => {
    const gw = await startOpsGateway();
    try {
      rewriteConfig(gw, `${configYaml({ adminPort: gw.adminPort })}\nproviders_typo: 1\nserver:\n  io_threads: -1\n`);
      const res = await request(gw.adminURL, { method: 'POST', path: '/admin/reload' });
      assert.equal(res.status, 422, res.body);
      assert.equal(res.json.applied, false);
      assert.ok(res.json.errors.length >= 1, res.body);
      const completion = await client(gw).chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'still here' }] });
      assert.equal(completion.object, 'chat.completion');
      assert.ok(gw.stderrLines.some((l) => l.includes('config reload refused')), gw.stderrLines.join('\n'));
      const metrics = samples((await request(gw.adminURL, { path: '/metrics' })).body);
      assert.equal(metrics['sluice_config_reloads_total{outcome="failure"}'], 1);
    } finally {
      await gw.stop();
    }
  });

  test('POST /admin/reload applies a valid file and reports it', async () => {
    const gw = await startOpsGateway();
    try {
      rewriteConfig(gw, configYaml({ adminPort: gw.adminPort, extraModels: `
  - id: via-admin
    routes:
      - provider: compat
        upstream_model: gpt-4.1` }));
      const res = await request(gw.adminURL, { method: 'POST', path: '/admin/reload' });
      assert.equal(res.status, 200, res.body);
      assert.equal(res.json.applied, true);
      const models = await client(gw).models.list();
      assert.ok(models.data.some((m) => m.id === 'via-admin'));
    } finally {
      await gw.stop();
    }
  });
});

describe('structured logs', () => {
  test('server.log_format: json writes every diagnostics line as a JSON object', async () => {
    const gw = await startOpsGateway({ server: '\n  log_format: json\n  log_level: debug' });
    try {
      await client(gw).chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
      await gw.stop();
      assert.ok(gw.stderrLines.length >= 2, gw.stderrLines.join('\n'));
      for (const line of gw.stderrLines) {
        const entry = JSON.parse(line);
        assert.ok(entry.ts && entry.level && typeof entry.msg === 'string', line);
      }
      assert.ok(gw.stderrLines.some((l) => JSON.parse(l).msg.includes('sluice listening')));
      // The access log stays on stdout, one JSON object per request.
      assert.ok(gw.stdoutLines.some((l) => JSON.parse(l).path === '/v1/chat/completions'));
    } finally {
      await gw.stop();
    }
  });
});

describe('draining', () => {
  test('SIGTERM lets an open stream finish, reports not-ready meanwhile, then exits 0', async () => {
    const gw = await startOpsGateway();
    upstreamA.setBehavior({ eventGapMs: 100 });
    try {
      const stream = await client(gw).chat.completions.create({
        model: 'chat', stream: true, messages: [{ role: 'user', content: 'one two three four five six' }],
      });
      const iterator = stream[Symbol.asyncIterator]();
      let text = (await iterator.next()).value?.choices?.[0]?.delta?.content ?? '';
      gw.kill('SIGTERM');
      await sleep(50);
      const ready = await request(gw.adminURL, { path: '/readyz' });
      assert.equal(ready.status, 503);
      for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
        text += step.value.choices?.[0]?.delta?.content ?? '';
      }
      assert.equal(text, 'Echo: one two three four five six');
      assert.equal(await gw.exited, 0);
    } finally {
      upstreamA.setBehavior();
      await gw.stop();
    }
  });
});
