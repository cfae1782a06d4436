// Foundation: the gateway's HTTP server, caller authentication, model listing, limits, request ids,
// the access log, graceful shutdown and `check-config`, specified against the real binary.
//
// Run: SLUICE_BIN=/path/to/sluice node --test --test-concurrency=1 tests/e2e/foundation.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import OpenAI from 'openai';

import { startOpenAIUpstream } from './fakes/openai_upstream.mjs';
import {
  allGatewayOutput,
  openRawConnection,
  parseRawResponse,
  rawRequest,
  runSluice,
  sleep,
  startGateway,
  tryConnect,
  writeTempFile,
} from './lib/gateway.mjs';
import { assertGatewayError, bearer, isSaneRequestId, request } from './lib/http.mjs';
import { callerIdentityYaml } from './lib/identity.mjs';
import { seedBlock } from './lib/seed.mjs';

const KEY_SECRET = 's3cr3t-e2e-key-0123456789';
const CALLER_KEY = `gwk_e2etest01.${KEY_SECRET}`;
const WRONG_SECRET = 'wr0ng-e2e-secret-9876543210';
const BEDROCK_TOKEN = 'e2e-fake-bedrock-bearer-token-5f1d';

// Granted models in the order GET /v1/models must list them: rank ascending, then id.
// `zeta-chat` sorts last by id but first by rank; `alpha-chat` and the alias `beta-alias` tie on rank.
const EXPECTED_MODEL_IDS = ['zeta-chat', 'alpha-chat', 'beta-alias', 'embed-small'];

const IDENTITY_YAML = callerIdentityYaml({ key: CALLER_KEY, allowedModels: ['zeta-chat', 'alpha-chat', 'beta-alias', 'embed-small'] });

function foundationConfig(upstreamURL, serverYaml) {
  return `
server:
${serverYaml}
providers:
  - id: fake-openai
    type: openai_compat
    base_url: ${upstreamURL}/v1
    pricing_provider_id: openai
models:
  - id: restricted-chat
    description: ranked first but not granted to the test key, so never listed for it
    rank: 1
    routes:
      - provider: fake-openai
        upstream_model: gpt-4.1
  - id: zeta-chat
    rank: 10
    routes:
      - provider: fake-openai
        upstream_model: gpt-4o-mini
  - id: alpha-chat
    rank: 20
    routes:
      - provider: fake-openai
        upstream_model: gpt-4.1
  - id: beta-alias
    rank: 20
    alias_of: zeta-chat
  - id: embed-small
    routes:
      - provider: fake-openai
        upstream_model: text-embedding-3-small
        capabilities: { chat_completions: false, responses: false, embeddings: true }
${IDENTITY_YAML}`;
}

let upstream;
let gw;
let openai;

before(async () => {
  upstream = await startOpenAIUpstream();
  gw = await startGateway({
    config: foundationConfig(upstream.url, '  max_body_bytes: 1024\n  request_header_timeout_ms: 300\n  request_body_timeout_ms: 400'),
  });
  openai = new OpenAI({ baseURL: `${gw.baseURL}/v1`, apiKey: CALLER_KEY, maxRetries: 0 });
});

after(async () => {
  await gw?.stop().catch(() => {});
  await upstream?.close();
});

const auth = bearer(CALLER_KEY);

describe('health endpoints', () => {
  test('answers GET /healthz with 200 without a key', async () => {
    const res = await request(gw.baseURL, { path: '/healthz' });
    assert.equal(res.status, 200, res.body);
  });

  test('answers GET /readyz with 200 once the config is loaded', async () => {
    const res = await request(gw.baseURL, { path: '/readyz' });
    assert.equal(res.status, 200, res.body);
  });

  test('answers GET /api/v1/health with a JSON object', async () => {
    const res = await request(gw.baseURL, { path: '/api/v1/health' });
    assert.equal(res.status, 200, res.body);
    assert.match(res.headers['content-type'] ?? '', /^application\/json/);
    assert.ok(res.json && typeof res.json === 'object' && !Array.isArray(res.json), res.body);
  });
});

describe('model listing', () => {
  test('lists exactly the models the key may use, aliases included, in rank then id order (openai SDK)', async () => {
    const page = await openai.models.list();
    assert.deepEqual(page.data.map((m) => m.id), EXPECTED_MODEL_IDS);
  });

  test('answers GET /v1/models as an OpenAI list of model objects', async () => {
    const res = await request(gw.baseURL, { path: '/v1/models', headers: auth });
    assert.equal(res.status, 200, res.body);
    assert.match(res.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(res.json.object, 'list');
    assert.deepEqual(res.json.data.map((m) => m.id), EXPECTED_MODEL_IDS);
    for (const model of res.json.data) {
      assert.equal(model.object, 'model', JSON.stringify(model));
      assert.ok(Number.isInteger(model.created), JSON.stringify(model));
      assert.equal(typeof model.owned_by, 'string', JSON.stringify(model));
    }
  });

  test('retrieves a granted model by id (openai SDK)', async () => {
    const model = await openai.models.retrieve('alpha-chat');
    assert.equal(model.id, 'alpha-chat');
    assert.equal(model.object, 'model');
    assert.ok(Number.isInteger(model.created));
    assert.equal(typeof model.owned_by, 'string');
  });

  test('retrieves a granted alias by its own id (openai SDK)', async () => {
    const model = await openai.models.retrieve('beta-alias');
    assert.equal(model.id, 'beta-alias');
    assert.equal(model.object, 'model');
  });

  test('rejects retrieving an unknown model with NotFoundError code model_not_found (openai SDK)', async () => {
    await assert.rejects(openai.models.retrieve('no-such-model'), (err) => {
      assert.ok(err instanceof OpenAI.NotFoundError, `expected NotFoundError, got ${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.status, 404);
      assert.equal(err.code, 'model_not_found');
      return true;
    });
  });

  test('answers GET /v1/models/{id} for an unknown id with 404 not_found_error model_not_found', async () => {
    const res = await request(gw.baseURL, { path: '/v1/models/no-such-model', headers: auth });
    assertGatewayError(res, { status: 404, type: 'not_found_error', code: 'model_not_found' });
  });

  test('rejects GET /v1/models/{id} for a model the key is not granted with 403 model_not_granted', async () => {
    const res = await request(gw.baseURL, { path: '/v1/models/restricted-chat', headers: auth });
    assertGatewayError(res, { status: 403, type: 'authentication_error', code: 'model_not_granted' });
  });

  test('lists every model for a key with no allowed_models (the seed Bedrock Mantle config lists gpt-55-bedrock)', async () => {
    const bedrock = await startGateway({ config: BEDROCK_MANTLE_CONFIG, env: { AWS_BEARER_TOKEN_BEDROCK: BEDROCK_TOKEN } });
    try {
      const client = new OpenAI({ baseURL: `${bedrock.baseURL}/v1`, apiKey: CALLER_KEY, maxRetries: 0 });
      const page = await client.models.list();
      assert.deepEqual(page.data.map((m) => m.id), ['gpt-55-bedrock']);
    } finally {
      assert.equal(await bedrock.stop(), 0);
    }
  });
});

describe('caller authentication', () => {
  test('rejects a wrong key with AuthenticationError status 401 (openai SDK)', async () => {
    const client = new OpenAI({ baseURL: `${gw.baseURL}/v1`, apiKey: `gwk_e2etest01.${WRONG_SECRET}`, maxRetries: 0 });
    await assert.rejects(client.models.list(), (err) => {
      assert.ok(err instanceof OpenAI.AuthenticationError, `expected AuthenticationError, got ${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.status, 401);
      return true;
    });
  });

  test('rejects a request without Authorization with 401 missing_authorization_header', async () => {
    const res = await request(gw.baseURL, { path: '/v1/models' });
    assertGatewayError(res, { status: 401, type: 'authentication_error', code: 'missing_authorization_header' });
  });

  test('rejects a non-Bearer Authorization header with 401 invalid_authorization_header', async () => {
    const res = await request(gw.baseURL, {
      path: '/v1/models',
      headers: { authorization: `Basic ${Buffer.from(`user:${CALLER_KEY}`).toString('base64')}` },
    });
    assertGatewayError(res, { status: 401, type: 'authentication_error', code: 'invalid_authorization_header' });
  });

  test('rejects a Bearer token that is not a gateway key with 401 invalid_api_key_format', async () => {
    const res = await request(gw.baseURL, { path: '/v1/models', headers: bearer('sk-not-a-gateway-key') });
    assertGatewayError(res, { status: 401, type: 'authentication_error', code: 'invalid_api_key_format' });
  });

  test('rejects a key whose public id is unknown with 401 api_key_not_found', async () => {
    const res = await request(gw.baseURL, { path: '/v1/models', headers: bearer(`gwk_unknown0042.${KEY_SECRET}`) });
    assertGatewayError(res, { status: 401, type: 'authentication_error', code: 'api_key_not_found' });
  });

  test('rejects a known public id with the wrong secret with 401 api_key_secret_mismatch', async () => {
    const res = await request(gw.baseURL, { path: '/v1/models', headers: bearer(`gwk_e2etest01.${WRONG_SECRET}`) });
    assertGatewayError(res, { status: 401, type: 'authentication_error', code: 'api_key_secret_mismatch' });
  });
});

describe('request limits and malformed requests', () => {
  test('rejects a body larger than max_body_bytes with 413 before reading it', async () => {
    // Announce 1 MB but send only 100 bytes and never the rest: a gateway that waited for the body
    // would never answer.
    const conn = await openRawConnection(gw.port);
    try {
      conn.write(
        'POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n'
        + `Authorization: Bearer ${CALLER_KEY}\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n`
        + `{"model":"zeta-chat","messages":[{"role":"user","content":"${'x'.repeat(50)}`,
      );
      const res = parseRawResponse(await conn.response({ timeoutMs: 3000 }));
      assertGatewayError(res, { status: 413, type: 'invalid_request_error', code: 'request_body_too_large' });
    } finally {
      conn.close();
    }
  });

  test('rejects a request head larger than 16 KiB with 431 request_header_fields_too_large', async () => {
    const text = await rawRequest(gw.port,
      'GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n'
      + `Authorization: Bearer ${CALLER_KEY}\r\nX-Padding: ${'p'.repeat(17 * 1024)}\r\n\r\n`);
    assertGatewayError(parseRawResponse(text), { status: 431, code: 'request_header_fields_too_large' });
  });

  test('answers 408 when the request head is not complete within request_header_timeout_ms', async () => {
    const conn = await openRawConnection(gw.port);
    try {
      const started = Date.now();
      conn.write('GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      const res = parseRawResponse(await conn.response({ timeoutMs: 3000 }));
      assert.equal(res.status, 408, res.statusLine);
      assert.ok(Date.now() - started >= 250, `answered after ${Date.now() - started} ms, before the 300 ms timeout`);
    } finally {
      conn.close();
    }
  });

  test('answers 408 when the body is not complete within request_body_timeout_ms, and a request on time is served on the same connection first', async () => {
    const conn = await openRawConnection(gw.port);
    try {
      // A whole request first: its deadline must not cut the next one short.
      conn.write(`GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${CALLER_KEY}\r\n\r\n`);
      const firstText = await conn.response({ timeoutMs: 3000 });
      const first = parseRawResponse(firstText);
      assert.equal(first.status, 200, first.statusLine);
      const started = Date.now();
      conn.write('POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n'
        + `Authorization: Bearer ${CALLER_KEY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"model":`);
      let secondText = '';
      while (Date.now() - started < 3000) {
        secondText = conn.received().slice(firstText.length);
        if (secondText.includes('\r\n\r\n') && secondText.trimEnd().endsWith('}')) break;
        await sleep(20);
      }
      const res = parseRawResponse(secondText);
      assert.equal(res.status, 408, res.statusLine);
      assert.ok(Date.now() - started >= 350, `answered after ${Date.now() - started} ms, before the 400 ms timeout`);
    } finally {
      conn.close();
    }
  });

  test('rejects malformed JSON on POST /v1/chat/completions with 400 invalid_request', async () => {
    const res = await request(gw.baseURL, {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: auth,
      body: '{"model": "zeta-chat", "messages": [',
    });
    assertGatewayError(res, { status: 400, type: 'invalid_request_error', code: 'invalid_request' });
  });

  test('answers an unknown path with 404', async () => {
    const res = await request(gw.baseURL, { path: '/v1/no-such-endpoint', headers: auth });
    assertGatewayError(res, { status: 404 });
  });

  test('answers a wrong method on a known path with 405', async () => {
    const res = await request(gw.baseURL, { method: 'DELETE', path: '/v1/models', headers: auth });
    assertGatewayError(res, { status: 405 });
  });
});

describe('request ids', () => {
  test('echoes a sane inbound x-request-id on the response', async () => {
    const id = 'e2e-Req_01:abc/DEF.xyz~!';
    const res = await request(gw.baseURL, { path: '/v1/models', headers: { ...auth, 'x-request-id': id } });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers['x-request-id'], id);
  });

  test('echoes an inbound x-request-id of exactly 128 characters', async () => {
    const id = `e2e-${'r'.repeat(124)}`;
    const res = await request(gw.baseURL, { path: '/v1/models', headers: { ...auth, 'x-request-id': id } });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers['x-request-id'], id);
  });

  test('echoes the inbound x-request-id on error responses too', async () => {
    const res = await request(gw.baseURL, { path: '/v1/models', headers: { 'x-request-id': 'e2e-error-echo-1' } });
    assert.equal(res.status, 401, res.body);
    assert.equal(res.headers['x-request-id'], 'e2e-error-echo-1');
  });

  test('generates a distinct sane x-request-id when none is sent', async () => {
    const first = await request(gw.baseURL, { path: '/v1/models', headers: auth });
    const second = await request(gw.baseURL, { path: '/healthz' });
    assert.ok(isSaneRequestId(first.headers['x-request-id']), `got ${first.headers['x-request-id']}`);
    assert.ok(isSaneRequestId(second.headers['x-request-id']), `got ${second.headers['x-request-id']}`);
    assert.notEqual(first.headers['x-request-id'], second.headers['x-request-id']);
  });

  test('rejects an inbound x-request-id longer than 128 characters with 400', async () => {
    const id = `e2e-${'r'.repeat(125)}`;
    const res = await request(gw.baseURL, { path: '/v1/models', headers: { ...auth, 'x-request-id': id } });
    assertGatewayError(res, { status: 400, type: 'invalid_request_error' });
    assert.notEqual(res.headers['x-request-id'], id);
  });

  test('rejects an inbound x-request-id with control characters with 400', async () => {
    // node:http refuses to send control characters, so this head is written by hand.
    const text = await rawRequest(gw.port,
      'GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n'
      + `Authorization: Bearer ${CALLER_KEY}\r\nX-Request-Id: e2e-bad\x01id\x7f\r\nConnection: close\r\n\r\n`);
    const res = parseRawResponse(text);
    assertGatewayError(res, { status: 400, type: 'invalid_request_error' });
  });
});

describe('access log', () => {
  test('writes exactly one JSON access-log line per request with request_id, method, path, status and duration_us', async () => {
    const probes = [
      { id: `e2e-log-ok-${Date.now()}`, path: '/v1/models', headers: auth, status: 200 },
      { id: `e2e-log-401-${Date.now()}`, path: '/v1/models', headers: {}, status: 401 },
      { id: `e2e-log-404-${Date.now()}`, path: '/v1/models/no-such-model', headers: auth, status: 404 },
    ];
    for (const probe of probes) {
      const res = await request(gw.baseURL, { path: probe.path, headers: { ...probe.headers, 'x-request-id': probe.id } });
      assert.equal(res.status, probe.status, res.body);
    }
    for (const probe of probes) {
      const lines = await waitForLogLines(gw, probe.id);
      assert.equal(lines.length, 1, `log lines for ${probe.id}: ${JSON.stringify(lines)}`);
      const [entry] = lines;
      assert.equal(entry.request_id, probe.id);
      assert.equal(entry.method, 'GET');
      assert.equal(entry.path, probe.path);
      assert.equal(entry.status, probe.status);
      assert.ok(Number.isInteger(entry.duration_us) && entry.duration_us >= 0, `duration_us: ${entry.duration_us}`);
    }
    const okEntry = (await waitForLogLines(gw, probes[0].id))[0];
    assert.equal(typeof okEntry.key_name, 'string', `key_name on an authenticated request: ${JSON.stringify(okEntry)}`);
  });

  test('writes only JSON objects with request_id, method, path and status on stdout', async () => {
    await request(gw.baseURL, { path: '/healthz' });
    await sleep(100);
    assert.ok(gw.stdoutLines.length > 0, 'no access-log lines at all');
    for (const line of gw.stdoutLines) {
      let entry;
      assert.doesNotThrow(() => { entry = JSON.parse(line); }, `stdout line is not JSON: ${line}`);
      assert.ok(entry && typeof entry === 'object' && !Array.isArray(entry), line);
      for (const field of ['request_id', 'method', 'path', 'status']) assert.ok(field in entry, `${field} missing: ${line}`);
    }
  });
});

describe('check-config', () => {
  const validConfig = foundationConfig('http://127.0.0.1:9', '  bind: "127.0.0.1:18080"\n  max_body_bytes: 1024');
  const invalidConfig = `
server:
  bind: "not-a-socket-address"
providers:
  - id: fake-openai
    type: openai_compat
    base_url: http://127.0.0.1:9/v1
    pricing_provider_id: no-such-pricing-catalog
models:
  - id: m1
    routes:
      - provider: fake-openai
        upstream_model: gpt-4o-mini
`;

  test('check-config exits 0 with a summary for a valid file', () => {
    const file = writeTempFile('valid.yaml', validConfig);
    const result = runSluice(['check-config', '--config', file]);
    assert.equal(result.code, 0, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    assert.ok(result.stdout.trim().length > 0, 'no summary on stdout');
  });

  test('check-config --format json exits 0 with a JSON summary for a valid file', () => {
    const file = writeTempFile('valid.yaml', validConfig);
    const result = runSluice(['check-config', '--config', file, '--format', 'json']);
    assert.equal(result.code, 0, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    assert.doesNotThrow(() => JSON.parse(result.stdout), `stdout is not JSON:\n${result.stdout}`);
  });

  test('check-config exits 1 and lists every error on stderr for an invalid file', () => {
    const file = writeTempFile('invalid.yaml', invalidConfig);
    const result = runSluice(['check-config', '--config', file]);
    assert.equal(result.code, 1, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    assert.match(result.stderr, /not-a-socket-address/, `server.bind error missing:\n${result.stderr}`);
    assert.match(result.stderr, /no-such-pricing-catalog/, `pricing_provider_id error missing:\n${result.stderr}`);
  });

  test('check-config --format json exits 1 and lists every error on stdout for an invalid file', () => {
    const file = writeTempFile('invalid.yaml', invalidConfig);
    const result = runSluice(['check-config', '--config', file, '--format', 'json']);
    assert.equal(result.code, 1, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    let report;
    assert.doesNotThrow(() => { report = JSON.parse(result.stdout); }, `stdout is not JSON:\n${result.stdout}`);
    const text = JSON.stringify(report);
    assert.match(text, /not-a-socket-address/, `server.bind error missing: ${text}`);
    assert.match(text, /no-such-pricing-catalog/, `pricing_provider_id error missing: ${text}`);
  });
});

describe('graceful shutdown', () => {
  test('on SIGTERM refuses new connections, finishes an in-flight request and exits 0', async () => {
    const draining = await startGateway({
      config: foundationConfig(upstream.url, '  request_header_timeout_ms: 10000'),
    });
    const conn = await openRawConnection(draining.port);
    try {
      conn.write('GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      await sleep(100); // let the gateway accept the connection and start reading the head
      draining.kill('SIGTERM');
      await sleep(300);

      assert.equal(await tryConnect(draining.port), 'ECONNREFUSED', 'a new connection after SIGTERM must be refused');
      assert.equal(draining.process.exitCode, null, 'the gateway exited before finishing the in-flight request');

      conn.write(`Authorization: Bearer ${CALLER_KEY}\r\n\r\n`);
      const res = parseRawResponse(await conn.response({ timeoutMs: 5000 }));
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(res.json?.data?.map((m) => m.id), EXPECTED_MODEL_IDS);
    } finally {
      conn.close();
    }
    // No second signal: the first SIGTERM alone must bring the process down, with code 0.
    const code = await Promise.race([draining.exited, sleep(5000).then(() => 'still running 5 s after SIGTERM')]);
    await draining.stop('SIGKILL');
    assert.equal(code, 0);
  });
});

// Last on purpose: it reads the output of every gateway and command this file ran.
test('never writes a caller key secret or upstream token to stdout or stderr', async () => {
  await sleep(100);
  const output = allGatewayOutput.flatMap(({ stdoutLines, stderrLines }) => [...stdoutLines, ...stderrLines]).join('\n');
  assert.ok(output.length > 0, 'no gateway output captured at all');
  for (const secret of [KEY_SECRET, WRONG_SECRET, BEDROCK_TOKEN]) {
    assert.ok(!output.includes(secret), `secret ${secret.slice(0, 6)}… appears in gateway output`);
  }
});

async function waitForLogLines(gateway, requestId, { timeoutMs = 2000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = gateway.stdoutLines
      .map((line) => { try { return JSON.parse(line); } catch { return null; } })
      .filter((entry) => entry?.request_id === requestId);
    if (lines.length > 0 || Date.now() > deadline) {
      await sleep(50); // a duplicate line would arrive right behind the first
      return gateway.stdoutLines
        .map((line) => { try { return JSON.parse(line); } catch { return null; } })
        .filter((entry) => entry?.request_id === requestId);
    }
    await sleep(20);
  }
}

// The first YAML block of the seed "OpenAI GPT-5.5 on Bedrock Mantle", verbatim, plus a caller.
const BEDROCK_MANTLE_CONFIG = seedBlock('bedrock-mantle-bearer') + `
teams:
  - id: platform
    name: Platform
service_accounts:
  - id: e2e-runner
    team: platform
    budget: { cadence: monthly, amount_usd: "10" }
    keys:
      - id: primary
        auto_create: false
        value: literal.${CALLER_KEY}
`;
