// Routing and resilience: `tag:` model selectors, the route plan (priority groups, weighted order,
// disabled / zero-weight routes), fallback to the next route, retries with backoff and Retry-After,
// the per-route circuit breaker, and the attempt record (x-sluice-route, x-sluice-attempts and the
// access log's `attempts`), specified against the real binary with the official openai SDK and
// node:http as callers.
//
// Upstreams are plain-HTTP in-process fakes: fakes/openai_upstream.mjs (healthy answers, error
// statuses, delays, mid-stream drops) and fakes/faulty_upstream.mjs (429 with Retry-After, resets,
// scripted sequences), plus a closed port and, when openssl is there, an HTTPS fake whose
// certificate the gateway does not trust. Each test asserts the caller's result AND the exact attempt
// sequence: which fakes were hit, in which order, and what the gateway reported about it.
//
// Run: SLUICE_BIN=/path/to/sluice node --test --test-concurrency=1 tests/e2e/routing.test.mjs

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import OpenAI from 'openai';

import { refusingPort, startFaultyUpstream } from './fakes/faulty_upstream.mjs';
import { answerFor, startOpenAIUpstream } from './fakes/openai_upstream.mjs';
import { sleep, startGateway } from './lib/gateway.mjs';
import { assertGatewayError, bearer, request } from './lib/http.mjs';
import { createTestPki, HAS_OPENSSL } from './lib/tls.mjs';

const CALLER_KEY = 'gwk_e2eroute01.s3cr3t-routing-key-4b2e71';
const LIMITED_KEY = 'gwk_e2eroute02.s3cr3t-routing-limited-9c3d05';
const UPSTREAM_TOKEN = 'e2e-routing-upstream-token-77aa';

const identityYaml = ({ limitedKey = true } = {}) => `
teams:
  - id: platform
    name: Platform
service_accounts:
  - id: e2e-router
    name: E2E Router
    team: platform
    budget: { cadence: monthly, amount_usd: "100" }
    keys:
      - id: full
        auto_create: false
        value: literal.${CALLER_KEY}${limitedKey ? `
      - id: limited
        auto_create: false
        value: literal.${LIMITED_KEY}
        allowed_models: [fast-b, fast-c, slow-d]` : ''}
`;

function providerYaml(id, baseURL, extra = '') {
  return `
  - id: ${id}
    type: openai_compat
    base_url: ${baseURL}/v1
    pricing_provider_id: openai
    auth:
      kind: bearer
      token: env.ROUTING_UPSTREAM_TOKEN${extra}`;
}

/** A route block; `opts` are extra route keys (priority, weight, enabled, retries). */
function route(provider, upstreamModel, opts = {}) {
  const extra = Object.entries(opts).map(([k, v]) => `\n        ${k}: ${v}`).join('');
  return `
      - provider: ${provider}
        upstream_model: ${upstreamModel}${extra}`;
}

function model(id, routes, extra = '') {
  return `
  - id: ${id}${extra}
    routes:${routes.join('')}`;
}

function mainConfig({ good, good2, good3, flaky, faulty, refusedURL, untrustedURL }) {
  return `
server:
  io_threads: 2
routing:
  fallback: true
  retries_per_route: 0
  max_attempts: 4
  backoff_base_ms: 10
  backoff_max_ms: 50
  circuit_breaker:
    enabled: false
providers:${providerYaml('good', good.url)}${providerYaml('good2', good2.url)}${providerYaml('good3', good3.url)}${providerYaml('flaky', flaky.url, `
    timeouts:
      total_ms: 400`)}${providerYaml('faulty', faulty.url)}${providerYaml('refused', refusedURL)}${untrustedURL ? providerYaml('untrusted', untrustedURL) : ''}

models:${model('fb-refused', [route('refused', 'up-refused', { priority: 1 }), route('good', 'up-good', { priority: 2 })])}${model('fb-reset', [route('faulty', 'up-reset', { priority: 1 }), route('good', 'up-good', { priority: 2 })])}${untrustedURL ? model('fb-tls', [route('untrusted', 'up-untrusted', { priority: 1 }), route('good', 'up-good', { priority: 2 })]) : ''}${model('fb-status', [route('flaky', 'up-flaky', { priority: 1 }), route('good', 'up-good', { priority: 2 })])}${model('chain', [route('good', 'up-last', { priority: 3 }), route('refused', 'up-refused', { priority: 1 }), route('flaky', 'up-flaky', { priority: 2 })])}${model('capped', [route('flaky', 'up-flaky', { priority: 1 }), route('refused', 'up-refused', { priority: 2 }), route('good', 'up-good', { priority: 3 })], `
    routing:
      max_attempts: 2`)}${model('capped-retries', [route('faulty', 'up-capped', { priority: 1 }), route('good2', 'up-second', { priority: 2 })], `
    routing:
      retries_per_route: 3
      max_attempts: 2`)}${model('group-fallback', [route('flaky', 'up-group-a', { priority: 1 }), route('good', 'up-group-b', { priority: 1 }), route('good2', 'up-next-group', { priority: 2 })])}${model('no-fallback', [route('flaky', 'up-flaky', { priority: 1 }), route('good', 'up-good', { priority: 2 })], `
    routing:
      fallback: false`)}${model('no-fallback-refused', [route('refused', 'up-refused', { priority: 1 }), route('good', 'up-good', { priority: 2 })], `
    routing:
      fallback: false`)}${model('retry-after', [route('faulty', 'up-ratelimited', { priority: 1 }), route('good2', 'up-second', { priority: 2 })], `
    routing:
      retries_per_route: 1`)}${model('retry-after-fits', [route('faulty', 'up-ratelimited', { priority: 1 }), route('good2', 'up-second', { priority: 2 })], `
    routing:
      retries_per_route: 1
      deadline_ms: 5000`)}${model('retry-after-deadline', [route('faulty', 'up-ratelimited', { priority: 1 }), route('good2', 'up-second', { priority: 2 })], `
    routing:
      retries_per_route: 1
      deadline_ms: 1500`)}${model('retry-route', [route('faulty', 'up-retried', { priority: 1, retries: 1 }), route('good2', 'up-second', { priority: 2 })])}${model('prio', [route('good2', 'p20', { priority: 20 }), route('good', 'p10', { priority: 10 }), route('good3', 'p30', { priority: 30 })])}${model('prio-skip', [route('good', 'disabled', { priority: 1, enabled: false }), route('good', 'zero-weight', { priority: 2, weight: 0 }), route('good2', 'live', { priority: 3 })])}${model('weighted', [route('good', 'w3', { weight: 3 }), route('good2', 'w1', { weight: 1 })])}${model('fast-a', [route('good', 'tag-a')], `
    tags: [fast, cheap]
    rank: 5`)}${model('fast-b', [route('good', 'tag-b')], `
    tags: [fast]
    rank: 10`)}${model('fast-c', [route('good', 'tag-c')], `
    tags: [fast, cheap]
    rank: 10`)}${model('slow-d', [route('good', 'tag-d')], `
    tags: [slow, fast-ish]
    rank: 1`)}${model('premium-e', [route('good', 'tag-e')], `
    tags: [premium]
    rank: 1`)}
${identityYaml()}`;
}

function breakerConfig({ dead, healthy, deadA, deadB }) {
  return `
routing:
  fallback: true
  retries_per_route: 0
  backoff_base_ms: 10
  backoff_max_ms: 50
  circuit_breaker:
    enabled: true
    consecutive_failures: 2
    cooldown_ms: 1500
providers:${providerYaml('dead', dead.url)}${providerYaml('healthy', healthy.url)}${providerYaml('dead-a', deadA.url)}${providerYaml('dead-b', deadB.url)}

models:${model('cb', [route('dead', 'up-dead', { priority: 1 }), route('healthy', 'up-healthy', { priority: 2 })])}${model('cb-all-open', [route('dead-a', 'up-a', { priority: 1 }), route('dead-b', 'up-b', { priority: 2 })])}
${identityYaml({ limitedKey: false })}`;
}

/** No routing section at all: the documented defaults (fallback on, breaker 5 failures / 30 s). */
function defaultsConfig({ defDead, defHealthy }) {
  return `
providers:${providerYaml('def-dead', defDead.url)}${providerYaml('def-healthy', defHealthy.url)}

models:${model('defaults', [route('def-dead', 'up-dead', { priority: 1 }), route('def-healthy', 'up-healthy', { priority: 2 })])}${model('single', [route('def-dead', 'up-single')])}
${identityYaml({ limitedKey: false })}`;
}

let pki;
let good; let good2; let good3; let flaky; let faulty; let untrusted;
let dead; let healthy; let deadA; let deadB; let defDead; let defHealthy;
let gw; let cbGw; let defGw;
let client; let cbClient; let defClient;

before(async () => {
  [good, good2, good3, flaky, dead, healthy, deadA, deadB, defDead, defHealthy] = await Promise.all(
    Array.from({ length: 10 }, () => startOpenAIUpstream()),
  );
  faulty = await startFaultyUpstream();
  let untrustedURL = null;
  if (HAS_OPENSSL) {
    pki = createTestPki();
    untrusted = await startOpenAIUpstream({ tls: pki.unknownCa });
    untrustedURL = `https://localhost:${untrusted.port}`;
  }
  const refusedURL = `http://127.0.0.1:${await refusingPort()}`;
  const env = { ROUTING_UPSTREAM_TOKEN: UPSTREAM_TOKEN, ...(pki ? { SSL_CERT_FILE: pki.caFile } : {}) };
  gw = await startGateway({ config: mainConfig({ good, good2, good3, flaky, faulty, refusedURL, untrustedURL }), env });
  cbGw = await startGateway({ config: breakerConfig({ dead, healthy, deadA, deadB }), env });
  defGw = await startGateway({ config: defaultsConfig({ defDead, defHealthy }), env });
  client = sdkClient(gw, CALLER_KEY);
  cbClient = sdkClient(cbGw, CALLER_KEY);
  defClient = sdkClient(defGw, CALLER_KEY);
  // The fakes stamp requests with Date.now(); two fakes hit within one millisecond would tie. Stamp
  // every recorded request with one sequence number across all fakes, in arrival order.
  for (const fake of Object.values(ALL_FAKES())) {
    if (!fake) continue;
    fake.requests.push = function push(...items) {
      for (const item of items) {
        item.seq = ++arrivalSeq;
        item.hrAt = performance.now();
      }
      return Array.prototype.push.apply(this, items);
    };
  }
});

let arrivalSeq = 0;

after(async () => {
  await Promise.all([good, good2, good3, flaky, faulty, untrusted, dead, healthy, deadA, deadB, defDead, defHealthy].filter(Boolean).map((f) => f.close()));
  if (pki) rmSync(pki.dir, { recursive: true, force: true });
});

function sdkClient(gateway, key) {
  return new OpenAI({ baseURL: `${gateway.baseURL}/v1`, apiKey: key, maxRetries: 0, timeout: 15_000 });
}

let requestCounter = 0;
const nextId = (label) => `e2e-routing-${label}-${Date.now()}-${++requestCounter}`;

const ALL_FAKES = () => ({ good, good2, good3, flaky, faulty, untrusted, dead, healthy, deadA, deadB, defDead, defHealthy });

/**
 * Runs fn and returns its result, the fakes hit meanwhile in arrival order as 'fake:upstream_model'
 * strings (hits), and rawHits [{ fake, model, at (performance.now() ms), seq }].
 */
async function hitsDuring(fn) {
  const before = Object.fromEntries(Object.entries(ALL_FAKES()).filter(([, f]) => f).map(([n, f]) => [n, f.requests.length]));
  const result = await fn();
  await sleep(30); // a request still travelling to a fake would land right behind the answer
  const hits = [];
  for (const [name, fake] of Object.entries(ALL_FAKES())) {
    if (!fake) continue;
    for (const r of fake.requests.slice(before[name])) hits.push({ fake: name, model: r.body?.model, at: r.hrAt, seq: r.seq });
  }
  hits.sort((a, b) => a.seq - b.seq);
  return { result, hits: hits.map(({ fake, model }) => `${fake}:${model}`), rawHits: hits };
}

/** chat.completions.create through the SDK; resolves to { data, headers (Headers), requestId }. */
async function sdkChat(sdk, modelId, { content = 'route me', label = 'sdk', stream = false } = {}) {
  const requestId = nextId(label);
  const { data, response } = await sdk.chat.completions
    .create({ model: modelId, messages: [{ role: 'user', content }], stream }, { headers: { 'x-request-id': requestId } })
    .withResponse();
  return { data, headers: response.headers, requestId };
}

/** One chat request with node:http (for error answers); resolves like lib/http.mjs request() plus requestId. */
async function rawChat(gateway, modelId, { key = CALLER_KEY, content = 'route me', label = 'raw', stream = false } = {}) {
  const requestId = nextId(label);
  const res = await request(gateway.baseURL, {
    method: 'POST',
    path: '/v1/chat/completions',
    headers: bearer(key, { 'x-request-id': requestId }),
    body: { model: modelId, messages: [{ role: 'user', content }], ...(stream ? { stream: true } : {}) },
  });
  return { ...res, requestId };
}

function jsonOrUndefined(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function logEntry(gateway, requestId, { timeoutMs = 3000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entries = gateway.stdoutLines.map(jsonOrUndefined).filter((e) => e?.request_id === requestId);
    if (entries.length > 0) {
      await sleep(30);
      const all = gateway.stdoutLines.map(jsonOrUndefined).filter((e) => e?.request_id === requestId);
      assert.equal(all.length, 1, `one access-log line per request: ${JSON.stringify(all)}`);
      return all[0];
    }
    if (Date.now() > deadline) assert.fail(`no access-log line for ${requestId}`);
    await sleep(20);
  }
}

/**
 * Asserts the access-log line's attempts: exactly these routes in order; `statuses[i]` (when not
 * undefined) is that attempt's HTTP status, 'transport' means it got no HTTP status (connect, reset,
 * TLS, timeout). Every attempt has an outcome string and an integer duration_us; the outcome of the
 * successful attempt differs from every failed one.
 */
async function assertLoggedAttempts(gateway, requestId, routes, statuses = []) {
  const entry = await logEntry(gateway, requestId);
  const context = `access-log line: ${JSON.stringify(entry)}`;
  assert.ok(Array.isArray(entry.attempts), `attempts missing; ${context}`);
  assert.deepEqual(entry.attempts.map((a) => a.route), routes, context);
  for (const [i, attempt] of entry.attempts.entries()) {
    assert.equal(typeof attempt.outcome, 'string', context);
    assert.ok(attempt.outcome.length > 0, context);
    assert.ok(Number.isInteger(attempt.duration_us) && attempt.duration_us >= 0, `duration_us of attempt ${i}; ${context}`);
    const expected = statuses[i];
    if (expected === 'transport') {
      assert.ok(!(attempt.status >= 200 && attempt.status < 300), `attempt ${i} must not look successful; ${context}`);
    } else if (expected !== undefined) {
      assert.equal(attempt.status, expected, `status of attempt ${i}; ${context}`);
    }
  }
  const ok = entry.attempts.filter((a) => a.status >= 200 && a.status < 300);
  const failed = entry.attempts.filter((a) => !(a.status >= 200 && a.status < 300));
  for (const s of ok) for (const f of failed) assert.notEqual(s.outcome, f.outcome, `a success and a failure share an outcome; ${context}`);
  return entry;
}

/** Asserts x-sluice-route / x-sluice-attempts on a Headers object or a plain lower-case header map. */
function assertRouteHeaders(headers, route, attempts) {
  const get = (name) => (typeof headers.get === 'function' ? headers.get(name) : headers[name]);
  assert.equal(get('x-sluice-route'), route, `x-sluice-route (x-sluice-attempts: ${get('x-sluice-attempts')})`);
  assert.equal(get('x-sluice-attempts'), String(attempts), 'x-sluice-attempts');
}

function assertEcho(data, content = 'route me') {
  assert.equal(data.choices[0].message.content, answerFor(content));
}

// ---- fallback ------------------------------------------------------------------------------------

describe('fallback to the next route', () => {
  test('falls back to the second route when the first route\'s port refuses connections', async () => {
    const { result, hits } = await hitsDuring(() => sdkChat(client, 'fb-refused', { label: 'refused' }));
    assertEcho(result.data);
    assert.deepEqual(hits, ['good:up-good'], 'only the healthy fake sees a request (nothing listens on the first)');
    assertRouteHeaders(result.headers, 'good/up-good', 2);
    await assertLoggedAttempts(gw, result.requestId, ['refused/up-refused', 'good/up-good'], ['transport', 200]);
  });

  test('falls back to the second route when the first upstream resets the connection after reading the request', async () => {
    faulty.setDefault('reset');
    try {
      const { result, hits } = await hitsDuring(() => sdkChat(client, 'fb-reset', { label: 'reset' }));
      assertEcho(result.data);
      assert.deepEqual(hits, ['faulty:up-reset', 'good:up-good']);
      assertRouteHeaders(result.headers, 'good/up-good', 2);
      await assertLoggedAttempts(gw, result.requestId, ['faulty/up-reset', 'good/up-good'], ['transport', 200]);
    } finally {
      faulty.reset();
    }
  });

  test('falls back to the second route when the first upstream\'s TLS certificate is not trusted', { skip: !HAS_OPENSSL && 'needs openssl' }, async () => {
    const tlsErrorsBefore = untrusted.events.filter((e) => e.type === 'tls-error').length;
    const { result, hits } = await hitsDuring(() => sdkChat(client, 'fb-tls', { label: 'tls' }));
    assertEcho(result.data);
    assert.deepEqual(hits, ['good:up-good'], 'no request completes on the untrusted upstream');
    assert.equal(untrusted.events.filter((e) => e.type === 'tls-error').length, tlsErrorsBefore + 1, 'one refused handshake');
    assertRouteHeaders(result.headers, 'good/up-good', 2);
    await assertLoggedAttempts(gw, result.requestId, ['untrusted/up-untrusted', 'good/up-good'], ['transport', 200]);
  });

  test('falls back to the second route when the first sends no byte before its timeouts.total_ms (400 ms)', async () => {
    flaky.setBehavior({ delayMs: 3000 });
    try {
      const started = Date.now();
      const { result, hits } = await hitsDuring(() => sdkChat(client, 'fb-status', { label: 'timeout' }));
      const elapsed = Date.now() - started;
      assertEcho(result.data);
      assert.deepEqual(hits, ['flaky:up-flaky', 'good:up-good']);
      assert.ok(elapsed >= 380 && elapsed < 2000, `answered after ${elapsed} ms; the first route should be given up at ~400 ms`);
      assertRouteHeaders(result.headers, 'good/up-good', 2);
      await assertLoggedAttempts(gw, result.requestId, ['flaky/up-flaky', 'good/up-good'], ['transport', 200]);
    } finally {
      flaky.setBehavior();
    }
  });

  for (const status of [429, 500, 502, 503, 504]) {
    test(`falls back to the second route when the first answers HTTP ${status}`, async () => {
      flaky.setBehavior({ status });
      try {
        const { result, hits } = await hitsDuring(() => sdkChat(client, 'fb-status', { label: `s${status}` }));
        assertEcho(result.data);
        assert.deepEqual(hits, ['flaky:up-flaky', 'good:up-good']);
        assertRouteHeaders(result.headers, 'good/up-good', 2);
        await assertLoggedAttempts(gw, result.requestId, ['flaky/up-flaky', 'good/up-good'], [status, 200]);
      } finally {
        flaky.setBehavior();
      }
    });
  }

  for (const status of [400, 401, 404, 422]) {
    test(`does not fall back on an upstream ${status}: the caller gets the ${status} and the second route is never hit`, async () => {
      flaky.setBehavior({ status, errorBody: { error: { message: `upstream says ${status}`, type: 'invalid_request_error', param: null, code: 'nope' } } });
      try {
        const { result: res, hits } = await hitsDuring(() => rawChat(gw, 'fb-status', { label: `no-fb-${status}` }));
        assertGatewayError(res, { status, type: 'upstream_error', code: 'upstream_http_error' });
        assert.match(res.json.error.message, new RegExp(`upstream says ${status}`), 'the upstream message reaches the caller');
        assert.deepEqual(hits, ['flaky:up-flaky']);
        assertRouteHeaders(res.headers, 'flaky/up-flaky', 1);
        await assertLoggedAttempts(gw, res.requestId, ['flaky/up-flaky'], [status]);
      } finally {
        flaky.setBehavior();
      }
    });
  }

  test('tries routes across priority groups in order until one succeeds (refused, then 503, then healthy)', async () => {
    flaky.setBehavior({ status: 503 });
    try {
      const { result, hits } = await hitsDuring(() => sdkChat(client, 'chain', { label: 'chain' }));
      assertEcho(result.data);
      assert.deepEqual(hits, ['flaky:up-flaky', 'good:up-last']);
      assertRouteHeaders(result.headers, 'good/up-last', 3);
      await assertLoggedAttempts(gw, result.requestId, ['refused/up-refused', 'flaky/up-flaky', 'good/up-last'], ['transport', 503, 200]);
    } finally {
      flaky.setBehavior();
    }
  });

  test('stops after max_attempts (2): the third route is never tried and the caller gets the last failure', async () => {
    flaky.setBehavior({ status: 503 });
    try {
      const { result: res, hits } = await hitsDuring(() => rawChat(gw, 'capped', { label: 'capped' }));
      // The last attempt (the refused port) decides the answer: 502 upstream_transport.
      assertGatewayError(res, { status: 502, type: 'upstream_error', code: 'upstream_transport' });
      assert.deepEqual(hits, ['flaky:up-flaky'], 'the healthy third route is never hit');
      assertRouteHeaders(res.headers, 'refused/up-refused', 2);
      await assertLoggedAttempts(gw, res.requestId, ['flaky/up-flaky', 'refused/up-refused'], [503, 'transport']);
    } finally {
      flaky.setBehavior();
    }
  });

  test('max_attempts (2) counts retries too: retries_per_route 3 on a failing route stops after 2 attempts', async () => {
    faulty.setDefault({ status: 500 });
    try {
      const { result: res, hits } = await hitsDuring(() => rawChat(gw, 'capped-retries', { label: 'capped-retries' }));
      assertGatewayError(res, { status: 500, type: 'upstream_error', code: 'upstream_http_error' });
      assert.deepEqual(hits, ['faulty:up-capped', 'faulty:up-capped']);
      assertRouteHeaders(res.headers, 'faulty/up-capped', 2);
      await assertLoggedAttempts(gw, res.requestId, ['faulty/up-capped', 'faulty/up-capped'], [500, 500]);
    } finally {
      faulty.reset();
    }
  });

  test('a failed route falls back to the other route of its own priority group before the next group', async () => {
    // Routes A (503) and B (healthy) share priority 1, C has priority 2. The plan orders A and B at
    // random, so a request goes A then B, or B alone; C is never needed. Over 24 requests both orders
    // appear unless the order is not random (chance of a false failure 2 * 2^-24 < 1e-6).
    flaky.setBehavior({ status: 503 });
    try {
      const sequences = new Set();
      for (let i = 0; i < 24; i++) {
        const { result, hits } = await hitsDuring(() => sdkChat(client, 'group-fallback', { label: `group${i}` }));
        assertEcho(result.data);
        assert.ok(['flaky:up-group-a,good:up-group-b', 'good:up-group-b'].includes(hits.join()), `request ${i}: ${hits}`);
        assertRouteHeaders(result.headers, 'good/up-group-b', hits.length);
        sequences.add(hits.join());
      }
      assert.equal(sequences.size, 2, `both in-group orders should appear: ${[...sequences]}`);
    } finally {
      flaky.setBehavior();
    }
  });

  test('with fallback: false only the first route is tried: an upstream 503 reaches the caller', async () => {
    flaky.setBehavior({ status: 503 });
    try {
      const { result: res, hits } = await hitsDuring(() => rawChat(gw, 'no-fallback', { label: 'nofb-503' }));
      assertGatewayError(res, { status: 503, type: 'upstream_error', code: 'upstream_http_error' });
      assert.deepEqual(hits, ['flaky:up-flaky']);
      assertRouteHeaders(res.headers, 'flaky/up-flaky', 1);
      await assertLoggedAttempts(gw, res.requestId, ['flaky/up-flaky'], [503]);
    } finally {
      flaky.setBehavior();
    }
  });

  test('with fallback: false only the first route is tried: a refused connection is a 502 upstream_transport', async () => {
    const { result: res, hits } = await hitsDuring(() => rawChat(gw, 'no-fallback-refused', { label: 'nofb-refused' }));
    assertGatewayError(res, { status: 502, type: 'upstream_error', code: 'upstream_transport' });
    assert.deepEqual(hits, []);
    assertRouteHeaders(res.headers, 'refused/up-refused', 1);
    await assertLoggedAttempts(gw, res.requestId, ['refused/up-refused'], ['transport']);
  });

  test('a Responses request falls back too (503 on the first route)', async () => {
    flaky.setBehavior({ status: 503 });
    try {
      const requestId = nextId('responses');
      const { result, hits } = await hitsDuring(() => client.responses
        .create({ model: 'fb-status', input: 'route me' }, { headers: { 'x-request-id': requestId } })
        .withResponse());
      assert.equal(result.data.output_text, answerFor('route me'));
      assert.deepEqual(hits, ['flaky:up-flaky', 'good:up-good']);
      assertRouteHeaders(result.response.headers, 'good/up-good', 2);
      await assertLoggedAttempts(gw, requestId, ['flaky/up-flaky', 'good/up-good'], [503, 200]);
    } finally {
      flaky.setBehavior();
    }
  });
});

// ---- streaming -----------------------------------------------------------------------------------

/** POST with stream: true over node:http; resolves to { status, headers, text, events, completed }. */
function streamChat(gateway, modelId, { label = 'stream', content = 'stream me please now' } = {}) {
  const requestId = nextId(label);
  return new Promise((resolve, reject) => {
    const req = http.request(new URL('/v1/chat/completions', gateway.baseURL), {
      method: 'POST',
      agent: false,
      headers: { ...bearer(CALLER_KEY), 'content-type': 'application/json', 'x-request-id': requestId },
    }, (res) => {
      let text = '';
      let settled = false;
      const finish = (completed) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const events = text.split(/\r?\n\r?\n/).map((block) => {
          const data = block.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
          const event = block.split(/\r?\n/).find((l) => l.startsWith('event:'))?.slice(6).trim() ?? null;
          return data || event ? { event, data } : null;
        }).filter(Boolean);
        resolve({ status: res.statusCode, headers: res.headers, text, events, completed, requestId });
      };
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => finish(true));
      res.on('close', () => finish(res.complete));
    });
    const timer = setTimeout(() => req.destroy(new Error('stream did not end within 10 s')), 10_000);
    req.on('error', (err) => { clearTimeout(timer); reject(err); });
    req.end(JSON.stringify({ model: modelId, messages: [{ role: 'user', content }], stream: true }));
  });
}

describe('streams and fallback', () => {
  test('a stream that fails after its first event is not retried: the caller gets the events, then an error event, and the second route is never hit', async () => {
    flaky.setBehavior({ dropAfterEvents: 2 });
    try {
      const { result: res, hits } = await hitsDuring(() => streamChat(gw, 'fb-status', { label: 'midstream' }));
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(hits, ['flaky:up-flaky'], 'the second route is never hit');
      assertRouteHeaders(res.headers, 'flaky/up-flaky', 1);
      const chunks = res.events.slice(0, -1).map((e) => JSON.parse(e.data));
      assert.equal(chunks.length, 2, `the two events sent before the drop are forwarded:\n${res.text}`);
      assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk'), res.text);
      const last = jsonOrUndefined(res.events.at(-1)?.data ?? '');
      assert.ok(last?.error && typeof last.error.message === 'string', `the stream ends with an error event:\n${res.text}`);
      assert.ok(!res.text.includes('[DONE]'), res.text);
      assert.ok(res.completed, 'the HTTP response ends properly after the error event');
      await assertLoggedAttempts(gw, res.requestId, ['flaky/up-flaky']);
    } finally {
      flaky.setBehavior();
    }
  });

  test('a stream whose first route answers 503 before any event falls back and streams from the second route to [DONE]', async () => {
    flaky.setBehavior({ status: 503 });
    try {
      const { result: res, hits } = await hitsDuring(() => streamChat(gw, 'fb-status', { label: 'stream-fb', content: 'fallback stream' }));
      assert.equal(res.status, 200, res.text);
      assert.match(res.headers['content-type'] ?? '', /^text\/event-stream/);
      assert.deepEqual(hits, ['flaky:up-flaky', 'good:up-good']);
      assertRouteHeaders(res.headers, 'good/up-good', 2);
      const text = res.events.filter((e) => e.data && e.data !== '[DONE]').map((e) => JSON.parse(e.data))
        .map((c) => c.choices?.[0]?.delta?.content ?? '').join('');
      assert.equal(text, answerFor('fallback stream'));
      assert.equal(res.events.at(-1).data, '[DONE]');
      await assertLoggedAttempts(gw, res.requestId, ['flaky/up-flaky', 'good/up-good'], [503, 200]);
    } finally {
      flaky.setBehavior();
    }
  });

  test('the SDK stream of a fallback request yields the whole answer from the second route', async () => {
    flaky.setBehavior({ status: 502 });
    try {
      const { result, hits } = await hitsDuring(async () => {
        const r = await sdkChat(client, 'fb-status', { label: 'sdk-stream', content: 'sdk streaming', stream: true });
        let text = '';
        for await (const chunk of r.data) text += chunk.choices[0]?.delta?.content ?? '';
        return { ...r, text };
      });
      assert.equal(result.text, answerFor('sdk streaming'));
      assert.deepEqual(hits, ['flaky:up-flaky', 'good:up-good']);
      assertRouteHeaders(result.headers, 'good/up-good', 2);
    } finally {
      flaky.setBehavior();
    }
  });
});

// ---- retries -------------------------------------------------------------------------------------

describe('retries of the same route', () => {
  test('429 with Retry-After: 1 and retries_per_route: 1 (no deadline_ms) retries the same route after at least 1 s and succeeds', async () => {
    faulty.script([{ status: 429, headers: { 'retry-after': '1' } }, 'ok']);
    try {
      const started = Date.now();
      const { result, hits, rawHits } = await hitsDuring(() => sdkChat(client, 'retry-after', { label: 'retry-after' }));
      const elapsed = Date.now() - started;
      assertEcho(result.data);
      assert.deepEqual(hits, ['faulty:up-ratelimited', 'faulty:up-ratelimited'], 'the second route is never hit');
      const gap = rawHits[1].at - rawHits[0].at;
      assert.ok(gap >= 995, `the retry came ${gap} ms after the 429; Retry-After said 1 s`);
      assert.ok(elapsed < 3000, `answered after ${elapsed} ms`);
      assertRouteHeaders(result.headers, 'faulty/up-ratelimited', 2);
      await assertLoggedAttempts(gw, result.requestId, ['faulty/up-ratelimited', 'faulty/up-ratelimited'], [429, 200]);
    } finally {
      faulty.reset();
    }
  });

  test('429 with Retry-After: 1 that fits deadline_ms (5000 ms) retries the same route after at least 1 s and succeeds', async () => {
    faulty.script([{ status: 429, headers: { 'retry-after': '1' } }, 'ok']);
    try {
      const { result, hits, rawHits } = await hitsDuring(() => sdkChat(client, 'retry-after-fits', { label: 'retry-after-fits' }));
      assertEcho(result.data);
      assert.deepEqual(hits, ['faulty:up-ratelimited', 'faulty:up-ratelimited'], 'the second route is never hit');
      const gap = rawHits[1].at - rawHits[0].at;
      assert.ok(gap >= 995 && gap < 3000, `the retry came ${gap} ms after the 429; Retry-After said 1 s`);
      assertRouteHeaders(result.headers, 'faulty/up-ratelimited', 2);
      await assertLoggedAttempts(gw, result.requestId, ['faulty/up-ratelimited', 'faulty/up-ratelimited'], [429, 200]);
    } finally {
      faulty.reset();
    }
  });

  test('429 with Retry-After as an HTTP-date (~2 s ahead) that fits deadline_ms is honoured: the same route is retried at that time', async () => {
    const retryAt = new Date(Date.now() + 2000);
    faulty.script([{ status: 429, headers: { 'retry-after': retryAt.toUTCString() } }, 'ok']);
    try {
      const { result, hits, rawHits } = await hitsDuring(() => sdkChat(client, 'retry-after-fits', { label: 'retry-after-date' }));
      assertEcho(result.data);
      assert.deepEqual(hits, ['faulty:up-ratelimited', 'faulty:up-ratelimited'], 'the second route is never hit');
      const gap = rawHits[1].at - rawHits[0].at;
      // HTTP-dates have whole seconds: the date names a moment 1..2 s after the 429.
      assert.ok(gap >= 900 && gap < 3000, `the retry came ${gap} ms after the 429; Retry-After named ${retryAt.toUTCString()}`);
      assertRouteHeaders(result.headers, 'faulty/up-ratelimited', 2);
    } finally {
      faulty.reset();
    }
  });

  test('a Retry-After that does not fit deadline_ms (1500 ms) is not waited for: the request moves on and succeeds in time', async () => {
    faulty.setDefault({ status: 429, headers: { 'retry-after': '5' } });
    try {
      const started = Date.now();
      const { result, hits } = await hitsDuring(() => sdkChat(client, 'retry-after-deadline', { label: 'ra-deadline' }));
      const elapsed = Date.now() - started;
      assertEcho(result.data);
      assert.ok(elapsed < 1500, `answered after ${elapsed} ms; deadline_ms is 1500 and Retry-After 5 s must not be waited for`);
      assert.equal(hits.at(-1), 'good2:up-second', `the second route answers; hits: ${hits}`);
      assert.ok(hits.slice(0, -1).every((h) => h === 'faulty:up-ratelimited'), `hits: ${hits}`);
      assertRouteHeaders(result.headers, 'good2/up-second', hits.length);
      const entry = await logEntry(gw, result.requestId);
      assert.equal(entry.attempts?.length, hits.length, JSON.stringify(entry));
    } finally {
      faulty.reset();
    }
  });

  test('a route with retries: 1 is retried once after a 503 (with backoff) before any fallback, and the retry succeeds', async () => {
    faulty.script([{ status: 503 }, 'ok']);
    try {
      const { result, hits, rawHits } = await hitsDuring(() => sdkChat(client, 'retry-route', { label: 'retry-route' }));
      assertEcho(result.data);
      assert.deepEqual(hits, ['faulty:up-retried', 'faulty:up-retried']);
      assert.ok(rawHits[1].at - rawHits[0].at < 1000, 'backoff stays near backoff_base_ms (10 ms) .. backoff_max_ms (50 ms)');
      assertRouteHeaders(result.headers, 'faulty/up-retried', 2);
      await assertLoggedAttempts(gw, result.requestId, ['faulty/up-retried', 'faulty/up-retried'], [503, 200]);
    } finally {
      faulty.reset();
    }
  });

  test('a route with retries: 1 that fails twice falls back to the next route (3 attempts in all)', async () => {
    faulty.setDefault({ status: 500 });
    try {
      const { result, hits } = await hitsDuring(() => sdkChat(client, 'retry-route', { label: 'retry-then-fb' }));
      assertEcho(result.data);
      assert.deepEqual(hits, ['faulty:up-retried', 'faulty:up-retried', 'good2:up-second']);
      assertRouteHeaders(result.headers, 'good2/up-second', 3);
      await assertLoggedAttempts(gw, result.requestId, ['faulty/up-retried', 'faulty/up-retried', 'good2/up-second'], [500, 500, 200]);
    } finally {
      faulty.reset();
    }
  });
});

// ---- route plan ----------------------------------------------------------------------------------

describe('route plan', () => {
  test('always uses the lowest priority value among healthy routes, whatever the order they are listed in', async () => {
    const { result, hits } = await hitsDuring(async () => {
      const seen = [];
      for (let i = 0; i < 20; i++) seen.push(await sdkChat(client, 'prio', { label: 'prio' }));
      return seen;
    });
    assert.deepEqual(hits, Array(20).fill('good:p10'));
    for (const r of result) assertRouteHeaders(r.headers, 'good/p10', 1);
    await assertLoggedAttempts(gw, result[0].requestId, ['good/p10'], [200]);
  });

  test('skips enabled: false and weight 0 routes', async () => {
    const { result, hits } = await hitsDuring(async () => {
      const seen = [];
      for (let i = 0; i < 10; i++) seen.push(await sdkChat(client, 'prio-skip', { label: 'skip' }));
      return seen;
    });
    assert.deepEqual(hits, Array(10).fill('good2:live'));
    for (const r of result) assertRouteHeaders(r.headers, 'good2/live', 1);
  });

  test('orders routes of one priority by weight: 400 requests to weights 3:1 give the first a share within 0.65..0.85', async () => {
    // The gateway's RNG cannot be seeded from outside, so this is statistical. With N = 400 and
    // p = 0.75 the share leaves [0.65, 0.85] (k < 260 or k > 340) with probability 3.6e-6 (exact
    // binomial tail), so a false failure is < 1e-4. If weights were ignored (p = 0.5) the share
    // would land inside with probability 1e-9; a deterministic "heaviest first" order gives 1.0.
    const N = 400;
    const { hits } = await hitsDuring(async () => {
      for (let i = 0; i < N; i += 8) {
        await Promise.all(Array.from({ length: 8 }, () => rawChat(gw, 'weighted', { label: 'w' }).then((r) => {
          assert.equal(r.status, 200, r.body);
          assert.equal(r.headers['x-sluice-attempts'], '1');
          assert.ok(['good/w3', 'good2/w1'].includes(r.headers['x-sluice-route']), r.headers['x-sluice-route']);
        })));
      }
    });
    assert.equal(hits.length, N);
    const first = hits.filter((h) => h === 'good:w3').length;
    const second = hits.filter((h) => h === 'good2:w1').length;
    assert.equal(first + second, N, `unexpected hits: ${[...new Set(hits)]}`);
    const share = first / N;
    assert.ok(share >= 0.65 && share <= 0.85, `share of the weight-3 route: ${share} (${first}/${N})`);
  });
});

// ---- tag selectors -------------------------------------------------------------------------------

describe('tag: model selectors', () => {
  test('tag:fast picks the best-ranked model carrying the tag', async () => {
    const { result, hits } = await hitsDuring(() => sdkChat(client, 'tag:fast', { label: 'tag-fast' }));
    assertEcho(result.data);
    assert.deepEqual(hits, ['good:tag-a']);
    assertRouteHeaders(result.headers, 'good/tag-a', 1);
  });

  test('tag:cheap, fast (AND, items trimmed) picks the best-ranked model carrying both tags', async () => {
    const { hits, result } = await hitsDuring(() => sdkChat(client, 'tag: cheap , fast', { label: 'tag-and' }));
    assert.deepEqual(hits, ['good:tag-a']);
    assertRouteHeaders(result.headers, 'good/tag-a', 1);
  });

  test('a model the key is not granted is skipped, not denied: rank ties are broken by model id', async () => {
    const limited = sdkClient(gw, LIMITED_KEY);
    const { hits, result } = await hitsDuring(() => sdkChat(limited, 'tag:fast', { label: 'tag-limited' }));
    assertEcho(result.data);
    assert.deepEqual(hits, ['good:tag-b'], 'fast-a (rank 5) is not granted; fast-b and fast-c share rank 10, fast-b sorts first');
    assertRouteHeaders(result.headers, 'good/tag-b', 1);
    const both = await hitsDuring(() => sdkChat(limited, 'tag:fast,cheap', { label: 'tag-limited-and' }));
    assert.deepEqual(both.hits, ['good:tag-c']);
  });

  test('a tag matches whole tags only (fast-ish is not fast)', async () => {
    const limited = sdkClient(gw, LIMITED_KEY);
    const { hits } = await hitsDuring(() => sdkChat(limited, 'tag:fast', { label: 'tag-whole' }));
    assert.ok(!hits.includes('good:tag-d'), `slow-d (rank 1, tag fast-ish) must not match tag:fast; hits ${hits}`);
  });

  test('a tag selector with no match answers 404 model_not_found', async () => {
    const { result: res, hits } = await hitsDuring(() => rawChat(gw, 'tag:no-such-tag', { label: 'tag-none' }));
    assertGatewayError(res, { status: 404, type: 'not_found_error', code: 'model_not_found' });
    assert.deepEqual(hits, []);
  });

  test('a tag selector whose only matches the key may not use answers 404 model_not_found, not 403', async () => {
    const { result: res, hits } = await hitsDuring(() => rawChat(gw, 'tag:premium', { key: LIMITED_KEY, label: 'tag-denied' }));
    assertGatewayError(res, { status: 404, type: 'not_found_error', code: 'model_not_found' });
    assert.deepEqual(hits, []);
    const full = await hitsDuring(() => sdkChat(client, 'tag:premium', { label: 'tag-premium' }));
    assert.deepEqual(full.hits, ['good:tag-e'], 'the full key gets premium-e');
  });
});

// ---- circuit breaker (own gateway: consecutive_failures 2, cooldown_ms 1500) ----------------------

describe('circuit breaker', () => {
  test('opens after 2 failures, skips the route while open, sends one probe after the cooldown, re-opens on a failed probe and closes on a good one', async () => {
    dead.setBehavior({ status: 503 });
    try {
      // Two failures: each falls back to the healthy route.
      for (let i = 0; i < 2; i++) {
        const { result, hits } = await hitsDuring(() => sdkChat(cbClient, 'cb', { label: `cb-fail${i}` }));
        assert.deepEqual(hits, ['dead:up-dead', 'healthy:up-healthy'], `failure ${i + 1}`);
        assertRouteHeaders(result.headers, 'healthy/up-healthy', 2);
      }
      const openedAt = Date.now();
      // Open: the dead route sees nothing.
      for (let i = 0; i < 3; i++) {
        const { result, hits } = await hitsDuring(() => sdkChat(cbClient, 'cb', { label: `cb-open${i}` }));
        assert.deepEqual(hits, ['healthy:up-healthy'], `while open (request ${i + 1}) the dead route must not be tried`);
        assertRouteHeaders(result.headers, 'healthy/up-healthy', 1);
        if (i === 0) await assertLoggedAttempts(cbGw, result.requestId, ['healthy/up-healthy'], [200]);
      }
      assert.ok(Date.now() - openedAt < 1200, 'the open-state checks ran inside the cooldown');

      // After the cooldown: one probe. Three concurrent requests while the probe is slow and fails:
      // exactly one of them reaches the dead route.
      await sleep(1500 - (Date.now() - openedAt) + 300);
      dead.setBehavior({ status: 503, delayMs: 300 });
      const { result: probeRound, hits: probeHits } = await hitsDuring(() => Promise.all([0, 1, 2].map(async (i) => {
        await sleep(i * 40);
        return sdkChat(cbClient, 'cb', { label: `cb-probe${i}` });
      })));
      assert.equal(probeHits.filter((h) => h === 'dead:up-dead').length, 1, `exactly one probe; hits ${probeHits}`);
      assert.equal(probeHits.filter((h) => h === 'healthy:up-healthy').length, 3, `every request is answered by the healthy route; hits ${probeHits}`);
      for (const r of probeRound) assert.equal(r.headers.get('x-sluice-route'), 'healthy/up-healthy');
      assert.deepEqual(probeRound.map((r) => r.headers.get('x-sluice-attempts')).sort(), ['1', '1', '2']);

      // The probe failed: open again.
      const reopened = await hitsDuring(() => sdkChat(cbClient, 'cb', { label: 'cb-reopened' }));
      assert.deepEqual(reopened.hits, ['healthy:up-healthy'], 'a failed probe re-opens the breaker');
      const reopenedAt = Date.now();

      // Heal the route; after the cooldown the probe succeeds and the breaker closes.
      dead.setBehavior();
      await sleep(1500 - (Date.now() - reopenedAt) + 500);
      for (let i = 0; i < 3; i++) {
        const { result, hits } = await hitsDuring(() => sdkChat(cbClient, 'cb', { label: `cb-closed${i}` }));
        assertEcho(result.data);
        assert.deepEqual(hits, ['dead:up-dead'], `traffic returns to the first route (request ${i + 1})`);
        assertRouteHeaders(result.headers, 'dead/up-dead', 1);
      }
    } finally {
      dead.setBehavior();
    }
  });

  test('when every route\'s breaker is open the routes are tried anyway, in plan order', async () => {
    deadA.setBehavior({ status: 503 });
    deadB.setBehavior({ status: 503 });
    try {
      for (let i = 0; i < 3; i++) {
        const { result: res, hits } = await hitsDuring(() => rawChat(cbGw, 'cb-all-open', { label: `cb-all${i}` }));
        assertGatewayError(res, { status: 503, type: 'upstream_error', code: 'upstream_http_error' });
        assert.deepEqual(hits, ['deadA:up-a', 'deadB:up-b'], `request ${i + 1} (both breakers open from the 3rd on)`);
        assertRouteHeaders(res.headers, 'dead-b/up-b', 2);
        await assertLoggedAttempts(cbGw, res.requestId, ['dead-a/up-a', 'dead-b/up-b'], [503, 503]);
      }
      // And once they heal, the first route answers.
      deadA.setBehavior();
      deadB.setBehavior();
      const { result, hits } = await hitsDuring(() => sdkChat(cbClient, 'cb-all-open', { label: 'cb-all-healed' }));
      assertEcho(result.data);
      assert.deepEqual(hits, ['deadA:up-a']);
      assertRouteHeaders(result.headers, 'dead-a/up-a', 1);
    } finally {
      deadA.setBehavior();
      deadB.setBehavior();
    }
  });
});

// ---- defaults (own gateway, no routing section) ---------------------------------------------------

describe('routing defaults (no routing section)', () => {
  test('falls back by default, and the default breaker (5 consecutive failures) then skips the failing route', async () => {
    defDead.setBehavior({ status: 503 });
    try {
      for (let i = 0; i < 5; i++) {
        const { result, hits } = await hitsDuring(() => sdkChat(defClient, 'defaults', { label: `def-fail${i}` }));
        assertEcho(result.data);
        assert.deepEqual(hits, ['defDead:up-dead', 'defHealthy:up-healthy'], `failure ${i + 1} falls back`);
        assertRouteHeaders(result.headers, 'def-healthy/up-healthy', 2);
      }
      const { result, hits } = await hitsDuring(() => sdkChat(defClient, 'defaults', { label: 'def-open' }));
      assert.deepEqual(hits, ['defHealthy:up-healthy'], 'after 5 failures the route is skipped (cooldown 30 s)');
      assertRouteHeaders(result.headers, 'def-healthy/up-healthy', 1);
    } finally {
      defDead.setBehavior();
    }
  });

  test('a model with a single route behaves as before: one attempt, the upstream error passed through', async () => {
    defDead.setBehavior({ status: 429 });
    try {
      const { result: res, hits } = await hitsDuring(() => rawChat(defGw, 'single', { label: 'def-single' }));
      assertGatewayError(res, { status: 429, type: 'upstream_error', code: 'upstream_http_error' });
      assert.deepEqual(hits, ['defDead:up-single'], 'retries_per_route defaults to 0');
      assertRouteHeaders(res.headers, 'def-dead/up-single', 1);
      await assertLoggedAttempts(defGw, res.requestId, ['def-dead/up-single'], [429]);
    } finally {
      defDead.setBehavior();
    }
  });
});
