// Data plane: /v1/chat/completions, /v1/responses and /v1/embeddings forwarded to upstreams, whole
// and SSE-streamed, specified against the real binary with the official openai SDK as the caller.
//
// Upstreams are in-process HTTPS fakes (fakes/openai_upstream.mjs) with certificates made at start
// by lib/tls.mjs; the gateways trust the test CA through SSL_CERT_FILE. The caller's SDK client
// sends OpenAI-Project / OpenAI-Organization headers of its own on every call, to prove that caller
// headers never reach an upstream (api.md §5.1).
//
// Run: SLUICE_BIN=/path/to/sluice node --test --test-concurrency=1 tests/e2e/data-plane.test.mjs

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import OpenAI from 'openai';

import { answerFor, splitIntoDeltas, startOpenAIUpstream } from './fakes/openai_upstream.mjs';
import { allGatewayOutput, freePort, sleep, startGateway } from './lib/gateway.mjs';
import { assertGatewayError, bearer, isSaneRequestId, request } from './lib/http.mjs';
import { createTestPki, HAS_OPENSSL } from './lib/tls.mjs';
import { callerIdentityYaml } from './lib/identity.mjs';
import { providersSection, seedBlock, withEndpointUrl } from './lib/seed.mjs';

const KEY_SECRET = 's3cr3t-data-plane-key-7a1c90';
const CALLER_KEY = `gwk_e2edata01.${KEY_SECRET}`;
const BEDROCK_TOKEN = 'e2e-bedrock-bearer-token-c0ffee-91b2';
const COMPAT_TOKEN = 'e2e-compat-upstream-token-5eed-d00d';
const CALLER_PROJECT = 'proj_from_caller';
const CALLER_ORG = 'org_caller';
const UPSTREAM_RATE_LIMIT_MESSAGE = 'Rate limit reached for gpt-4o-mini in organization org-fake on tokens per min (TPM): Limit 10, Used 10';

const IDENTITY_YAML = callerIdentityYaml({ key: CALLER_KEY });

// The seed's Bedrock API Key provider block, verbatim plus `endpoint_url` (pointing the real Mantle
// origin at the HTTPS fake), and its "Bedrock Projects" route block, verbatim.
function seedMantleConfig(endpointURL) {
  return withEndpointUrl(providersSection(seedBlock('bedrock-mantle-bearer')), endpointURL) +
    seedBlock('bedrock-mantle-projects') + IDENTITY_YAML;
}

const gatedRoute = (id, capabilities) => `
  - id: ${id}
    routes:
      - provider: compat
        upstream_model: gpt-4o-mini
        capabilities: { ${capabilities} }`;

function compatConfig({ compatURL, poolURL, slowURL, unknownCaURL, wrongHostURL, closedURL }) {
  const provider = (id, baseURL, extra = '') => `
  - id: ${id}
    type: openai_compat
    base_url: ${baseURL}
    pricing_provider_id: openai
    auth:
      kind: bearer
      token: env.COMPAT_UPSTREAM_TOKEN${extra}`;
  const plainRoute = (id, providerId) => `
  - id: ${id}
    routes:
      - provider: ${providerId}
        upstream_model: gpt-4o-mini`;
  // Two I/O threads even on a one-core machine, so the connection-reuse tests see the same gateway
  // everywhere (a caller connection lives on one thread).
  return `
server:
  io_threads: 2
providers:${provider('compat', `${compatURL}/v1`, `
    default_headers:
      X-Provider-Default: from-provider-defaults`)}${provider('pool', `${poolURL}/v1`)}${provider('slow', `${slowURL}/v1`, `
    timeouts:
      total_ms: 500`)}${provider('untrusted', `${unknownCaURL}/v1`)}${provider('wronghost', `${wrongHostURL}/v1`)}${provider('closed', `${closedURL}/v1`)}

models:
  - id: chat
    routes:
      - provider: compat
        upstream_model: gpt-4o-mini
        extra_body:
          seed_from_route: 42
        extra_headers:
          X-Route-Extra: from-route-extra-headers
  - id: auth-override
    routes:
      - provider: compat
        upstream_model: gpt-4o-mini
        extra_headers:
          Authorization: Bearer route-must-not-win
  - id: embed
    routes:
      - provider: compat
        upstream_model: text-embedding-3-small
        extra_body:
          seed_from_route: 42
        capabilities: { chat_completions: false, responses: false, embeddings: true }
${gatedRoute('no-stream', 'stream: false')}
${gatedRoute('no-tools', 'tools: false')}
${gatedRoute('no-vision', 'vision: false')}
${gatedRoute('no-json-schema', 'json_schema: false')}
${gatedRoute('no-embeddings', 'embeddings: false')}
${gatedRoute('no-developer', 'developer_role: false')}
${plainRoute('pooled', 'pool')}
${plainRoute('slow', 'slow')}
${plainRoute('untrusted-ca', 'untrusted')}
${plainRoute('wrong-host', 'wronghost')}
${plainRoute('closed-port', 'closed')}
${IDENTITY_YAML}`;
}

let pki;
let mantleFake; // the Bedrock Mantle origin of the seed gateway
let compatFake; // the openai_compat provider `compat`
let poolFake; // used by the keep-alive test only
let slowFake; // provider `slow`, timeouts.total_ms 500
let unknownCaFake; // certificate signed by a CA the gateway does not trust
let wrongHostFake; // certificate for other.test, served at localhost
let seedGw;
let gw;
let seedClient;
let client;
/** x-request-id of every response the SDK clients received, in order. */
const callerRequestIds = [];

/** An SDK client that sends caller headers the gateway must drop and records x-request-id. */
function sdkClient(gateway) {
  return new OpenAI({
    baseURL: `${gateway.baseURL}/v1`,
    apiKey: CALLER_KEY,
    maxRetries: 0,
    timeout: 15_000,
    defaultHeaders: { 'OpenAI-Project': CALLER_PROJECT, 'OpenAI-Organization': CALLER_ORG },
    fetch: async (url, init) => {
      const res = await fetch(url, init);
      callerRequestIds.push(res.headers.get('x-request-id'));
      return res;
    },
  });
}

before(async () => {
  assert.ok(HAS_OPENSSL, 'the data-plane tests need the openssl command line tool to make certificates');
  pki = createTestPki();
  [mantleFake, compatFake, poolFake, slowFake, unknownCaFake, wrongHostFake] = await Promise.all([
    startOpenAIUpstream({ tls: pki.server }),
    startOpenAIUpstream({ tls: pki.server }),
    startOpenAIUpstream({ tls: pki.server }),
    startOpenAIUpstream({ tls: pki.server }),
    startOpenAIUpstream({ tls: pki.unknownCa }),
    startOpenAIUpstream({ tls: pki.wrongHost }),
  ]);
  const closedPort = await freePort(); // nothing listens there
  const env = { SSL_CERT_FILE: pki.caFile, AWS_BEARER_TOKEN_BEDROCK: BEDROCK_TOKEN, COMPAT_UPSTREAM_TOKEN: COMPAT_TOKEN };
  const https = (fake) => `https://localhost:${fake.port}`;
  seedGw = await startGateway({ config: seedMantleConfig(https(mantleFake)), env });
  gw = await startGateway({
    config: compatConfig({
      compatURL: https(compatFake),
      // By IP address: the certificate's IP subjectAltName is verified too.
      poolURL: `https://127.0.0.1:${poolFake.port}`,
      slowURL: https(slowFake),
      unknownCaURL: https(unknownCaFake),
      wrongHostURL: https(wrongHostFake),
      closedURL: `http://127.0.0.1:${closedPort}`,
    }),
    env,
  });
  seedClient = sdkClient(seedGw);
  client = sdkClient(gw);
});

after(async () => {
  await Promise.all([seedGw?.stop().catch(() => {}), gw?.stop().catch(() => {})]);
  await Promise.all([mantleFake, compatFake, poolFake, slowFake, unknownCaFake, wrongHostFake].map((f) => f?.close()));
  if (pki) rmSync(pki.dir, { recursive: true, force: true });
});

/** Asserts that nothing the caller sent as a header reached the upstream. */
function assertNoCallerHeaders(upstreamRequest) {
  const { headers } = upstreamRequest;
  const text = JSON.stringify(headers);
  assert.ok(!text.includes(KEY_SECRET), `the caller's key reached the upstream: ${text}`);
  assert.ok(!text.includes(CALLER_PROJECT), `the caller's OpenAI-Project reached the upstream: ${text}`);
  assert.ok(!text.includes(CALLER_ORG), `the caller's OpenAI-Organization reached the upstream: ${text}`);
  assert.equal(headers['openai-organization'], undefined, text);
  const sdkHeaders = Object.keys(headers).filter((name) => name.startsWith('x-stainless'));
  assert.deepEqual(sdkHeaders, [], `the caller SDK's own headers reached the upstream: ${text}`);
  assert.ok(!upstreamRequest.rawBody.includes(KEY_SECRET), 'the caller key is in the upstream body');
}

/** The requests `fake` received while `fn` ran. */
async function requestsDuring(fake, fn) {
  const first = fake.requests.length;
  await fn();
  return fake.requests.slice(first);
}

/**
 * POSTs JSON to the gateway and reads the streamed answer to its end, or to the connection's end.
 * Resolves to { status, headers, text, events: [{ event, data }], completed, error, firstByteAt }:
 * `completed` is true when the HTTP response ended properly (final chunk), false if cut off.
 */
function streamRequest(gateway, path, body, { headers = {}, timeoutMs = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, gateway.baseURL), {
      method: 'POST',
      agent: false,
      headers: { ...bearer(CALLER_KEY), 'content-type': 'application/json', ...headers },
    }, (res) => {
      let text = '';
      let firstByteAt = null;
      let settled = false;
      const finish = (completed, error = null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode, headers: res.headers, text, events: parseSse(text), completed, error, firstByteAt });
      };
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        firstByteAt ??= Date.now();
        text += chunk;
      });
      res.on('end', () => finish(true));
      res.on('error', (err) => finish(false, err.message));
      res.on('aborted', () => finish(false, 'aborted'));
      res.on('close', () => finish(res.complete, res.complete ? null : 'closed before the end of the response'));
    });
    const timer = setTimeout(() => req.destroy(new Error(`POST ${path}: stream did not end within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (err) => { clearTimeout(timer); reject(err); });
    req.end(JSON.stringify(body));
  });
}

/** SSE text -> [{ event (or null), data }] in order; comments and empty blocks are skipped. */
function parseSse(text) {
  const events = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let event = null;
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (event !== null || data.length > 0) events.push({ event, data: data.join('\n') });
  }
  return events;
}

/** The text of a Response's output_text parts (the SDK's stream helper does not set output_text). */
function outputText(response) {
  return response.output
    .flatMap((item) => (item.type === 'message' ? item.content : []))
    .filter((part) => part.type === 'output_text')
    .map((part) => part.text)
    .join('');
}

function jsonOrUndefined(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function waitForLogLine(gateway, requestId, { timeoutMs = 2000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entries = gateway.stdoutLines.map(jsonOrUndefined).filter((entry) => entry?.request_id === requestId);
    if (entries.length > 0) {
      await sleep(50); // a second line for the same request would arrive right behind the first
      return gateway.stdoutLines.map(jsonOrUndefined).filter((entry) => entry?.request_id === requestId);
    }
    if (Date.now() > deadline) return [];
    await sleep(20);
  }
}

const LONG_PROMPT = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');

describe('Responses through the seed Bedrock Mantle route (bearer auth, OpenAI-Project)', () => {
  test('responses.create is answered by POST {endpoint_url}/openai/v1/responses with the Bedrock bearer token and the route\'s OpenAI-Project', async () => {
    const idsBefore = callerRequestIds.length;
    let response;
    const [upstream, ...more] = await requestsDuring(mantleFake, async () => {
      response = await seedClient.responses.create({ model: 'gpt-55-bedrock', input: 'Write a concise migration note.' });
    });
    assert.equal(more.length, 0, 'exactly one upstream request');
    assert.equal(response.output_text, answerFor('Write a concise migration note.'));
    assert.equal(response.status, 'completed');

    assert.equal(upstream.method, 'POST');
    assert.equal(upstream.path, '/openai/v1/responses');
    assert.equal(upstream.headers.authorization, `Bearer ${BEDROCK_TOKEN}`);
    assert.equal(upstream.headers['openai-project'], 'proj_123');
    assert.match(upstream.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(upstream.body.model, 'openai.gpt-5.5');
    assert.equal(upstream.body.input, 'Write a concise migration note.');
    const callerId = callerRequestIds[idsBefore];
    assert.ok(isSaneRequestId(callerId), `caller got x-request-id ${callerId}`);
    assert.equal(upstream.headers['x-request-id'], callerId, 'the upstream x-request-id is the one echoed to the caller');
    assertNoCallerHeaders(upstream);
  });

  test('responses.stream assembles the final text from forwarded response.* events and reports usage', async () => {
    const idsBefore = callerRequestIds.length;
    const prompt = 'stream a migration note please';
    const deltas = [];
    let finalResponse;
    const [upstream] = await requestsDuring(mantleFake, async () => {
      const stream = seedClient.responses.stream({ model: 'gpt-55-bedrock', input: prompt });
      stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
      finalResponse = await stream.finalResponse();
    });
    assert.equal(outputText(finalResponse), answerFor(prompt));
    assert.equal(finalResponse.status, 'completed');
    assert.deepEqual(deltas, splitIntoDeltas(answerFor(prompt)));
    assert.ok(finalResponse.usage.input_tokens > 0, JSON.stringify(finalResponse.usage));
    assert.equal(finalResponse.usage.output_tokens, deltas.length);
    assert.equal(finalResponse.usage.total_tokens, finalResponse.usage.input_tokens + finalResponse.usage.output_tokens);

    assert.equal(upstream.path, '/openai/v1/responses');
    assert.equal(upstream.body.stream, true);
    assert.equal(upstream.body.model, 'openai.gpt-5.5');
    assert.equal(upstream.headers.authorization, `Bearer ${BEDROCK_TOKEN}`);
    assert.equal(upstream.headers['openai-project'], 'proj_123');
    assert.equal(upstream.headers['x-request-id'], callerRequestIds[idsBefore]);
    assertNoCallerHeaders(upstream);
  });

  test('a Responses stream keeps the upstream event names and payloads, with no [DONE]', async () => {
    const res = await streamRequest(seedGw, '/v1/responses', { model: 'gpt-55-bedrock', input: 'names please', stream: true });
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers['content-type'] ?? '', /^text\/event-stream/);
    assert.ok(res.completed, `stream cut off: ${res.error}`);
    assert.deepEqual(res.events.map((e) => e.event), [
      'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
      ...splitIntoDeltas(answerFor('names please')).map(() => 'response.output_text.delta'),
      'response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed',
    ]);
    for (const { event, data } of res.events) {
      const payload = JSON.parse(data);
      assert.equal(payload.type, event, data);
    }
    assert.deepEqual(res.events.map((e) => JSON.parse(e.data).sequence_number), res.events.map((_, i) => i));
    assert.ok(!res.text.includes('[DONE]'), res.text);
  });

  test('refuses /v1/chat/completions on the Responses-only seed route with 400 invalid_request naming /v1/responses', async () => {
    const [sent] = await requestsDuring(mantleFake, async () => {
      await assert.rejects(
        seedClient.chat.completions.create({ model: 'gpt-55-bedrock', messages: [{ role: 'user', content: 'hi' }] }),
        (err) => {
          assert.ok(err instanceof OpenAI.BadRequestError, `expected BadRequestError, got ${err?.constructor?.name}: ${err?.message}`);
          assert.equal(err.type, 'invalid_request_error');
          assert.equal(err.code, 'invalid_request');
          assert.match(err.message, /\/v1\/responses/);
          return true;
        },
      );
    });
    assert.equal(sent, undefined, 'the upstream must not be called');
  });
});

describe('Chat Completions and Embeddings through an openai_compat HTTPS route', () => {
  test('chat.completions.create is answered by POST {base_url}/chat/completions with upstream_model, extra_body, default_headers and the provider token', async () => {
    const idsBefore = callerRequestIds.length;
    let completion;
    const [upstream, ...more] = await requestsDuring(compatFake, async () => {
      completion = await client.chat.completions.create({
        model: 'chat',
        messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello through sluice' }],
        temperature: 0.2,
      });
    });
    assert.equal(more.length, 0, 'exactly one upstream request');
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.choices[0].message.content, answerFor('hello through sluice'));
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.equal(completion.usage.total_tokens, completion.usage.prompt_tokens + completion.usage.completion_tokens);

    assert.equal(upstream.method, 'POST');
    assert.equal(upstream.path, '/v1/chat/completions');
    assert.equal(upstream.headers.authorization, `Bearer ${COMPAT_TOKEN}`);
    assert.equal(upstream.headers['x-provider-default'], 'from-provider-defaults');
    assert.equal(upstream.headers['x-route-extra'], 'from-route-extra-headers');
    assert.equal(upstream.headers['openai-project'], undefined, 'no OpenAI-Project: the route sets none and the caller\'s is dropped');
    assert.equal(upstream.body.model, 'gpt-4o-mini');
    assert.equal(upstream.body.seed_from_route, 42);
    assert.equal(upstream.body.temperature, 0.2);
    assert.deepEqual(upstream.body.messages, [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello through sluice' }]);
    assert.equal(upstream.headers['x-request-id'], callerRequestIds[idsBefore]);
    assertNoCallerHeaders(upstream);
  });

  test('a streamed chat completion arrives chunk by chunk through the SDK and ends after [DONE]', async () => {
    const chunks = [];
    const [upstream] = await requestsDuring(compatFake, async () => {
      const stream = await client.chat.completions.create({
        model: 'chat',
        messages: [{ role: 'user', content: 'stream this through' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of stream) chunks.push(chunk);
    });
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    assert.equal(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''), answerFor('stream this through'));
    assert.equal(chunks.findLast((c) => c.choices.length > 0).choices[0].finish_reason, 'stop');
    const usageChunk = chunks.at(-1);
    assert.deepEqual(usageChunk.choices, []);
    assert.equal(usageChunk.usage.completion_tokens, splitIntoDeltas(answerFor('stream this through')).length);

    assert.equal(upstream.path, '/v1/chat/completions');
    assert.equal(upstream.body.stream, true);
    assert.equal(upstream.body.model, 'gpt-4o-mini');
    assert.equal(upstream.body.seed_from_route, 42);
    assert.equal(upstream.headers.authorization, `Bearer ${COMPAT_TOKEN}`);
    assertNoCallerHeaders(upstream);
  });

  test('a chat stream ends with exactly one data: [DONE] after the upstream\'s chunks', async () => {
    const res = await streamRequest(gw, '/v1/chat/completions', {
      model: 'chat', messages: [{ role: 'user', content: 'done marker' }], stream: true,
    });
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers['content-type'] ?? '', /^text\/event-stream/);
    assert.ok(res.completed, `stream cut off: ${res.error}`);
    assert.equal(res.events.at(-1).data, '[DONE]');
    assert.equal(res.events.filter((e) => e.data === '[DONE]').length, 1);
    const chunks = res.events.slice(0, -1).map((e) => JSON.parse(e.data));
    assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk'), res.text);
    assert.equal(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''), answerFor('done marker'));
  });

  test('forwards stream events as they arrive, before the upstream has finished', async () => {
    compatFake.setBehavior({ eventGapMs: 150 });
    try {
      const started = Date.now();
      const res = await streamRequest(gw, '/v1/chat/completions', {
        model: 'chat', messages: [{ role: 'user', content: 'one two three four five' }], stream: true,
      });
      assert.equal(res.status, 200, res.text);
      const end = compatFake.events.findLast((e) => e.type === 'stream-end');
      assert.ok(end && end.at >= started, 'the fake finished its stream');
      assert.ok(res.firstByteAt !== null);
      assert.ok(end.at - res.firstByteAt >= 600,
        `the first bytes reached the caller only ${end.at - res.firstByteAt} ms before the upstream finished (~1050 ms of pacing)`);
    } finally {
      compatFake.setBehavior();
    }
  });

  test('embeddings.create is answered by POST {base_url}/embeddings with upstream_model and extra_body', async () => {
    const idsBefore = callerRequestIds.length;
    let result;
    const [upstream] = await requestsDuring(compatFake, async () => {
      result = await client.embeddings.create({ model: 'embed', input: ['first text', 'second text'] });
    });
    assert.equal(result.object, 'list');
    assert.equal(result.data.length, 2);
    assert.equal(result.data[0].embedding.length, 8);
    assert.notDeepEqual(result.data[0].embedding, result.data[1].embedding);
    assert.ok(result.usage.prompt_tokens > 0);

    assert.equal(upstream.path, '/v1/embeddings');
    assert.equal(upstream.body.model, 'text-embedding-3-small');
    assert.deepEqual(upstream.body.input, ['first text', 'second text']);
    assert.equal(upstream.body.seed_from_route, 42);
    assert.equal(upstream.headers.authorization, `Bearer ${COMPAT_TOKEN}`);
    assert.equal(upstream.headers['x-provider-default'], 'from-provider-defaults');
    assert.equal(upstream.headers['x-request-id'], callerRequestIds[idsBefore]);
    assertNoCallerHeaders(upstream);
  });

  test('sends upstream headers in the order content-type, accept, default_headers, extra_headers, x-request-id, authorization', async () => {
    const [upstream] = await requestsDuring(compatFake, () => client.chat.completions.create({
      model: 'chat', messages: [{ role: 'user', content: 'header order' }],
    }));
    const names = upstream.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    const expected = ['content-type', 'accept', 'x-provider-default', 'x-route-extra', 'x-request-id', 'authorization'];
    const positions = expected.map((name) => names.indexOf(name));
    assert.ok(positions.every((p) => p >= 0), `missing headers; sent: ${names.join(', ')}`);
    assert.deepEqual([...positions].sort((a, b) => a - b), positions, `order sent: ${names.join(', ')}`);
    assert.equal(names.filter((n) => n === 'authorization').length, 1, `sent: ${names.join(', ')}`);
  });

  test('the provider credential overrides an Authorization header set in a route\'s extra_headers', async () => {
    const [upstream] = await requestsDuring(compatFake, () => client.chat.completions.create({
      model: 'auth-override', messages: [{ role: 'user', content: 'whose token?' }],
    }));
    const authorizations = upstream.rawHeaders.filter((_, i, all) => i % 2 === 1 && all[i - 1].toLowerCase() === 'authorization');
    assert.deepEqual(authorizations, [`Bearer ${COMPAT_TOKEN}`]);
  });

  test('does not forward caller cookies, x-api-key, anthropic-*, OpenAI-* or x-oceans-* tag headers', async () => {
    const [upstream] = await requestsDuring(compatFake, async () => {
      const res = await request(gw.baseURL, {
        method: 'POST',
        path: '/v1/chat/completions',
        headers: {
          ...bearer(CALLER_KEY),
          cookie: 'session=caller-cookie-value',
          'x-api-key': 'caller-x-api-key-value',
          'anthropic-version': '2023-06-01',
          'openai-project': CALLER_PROJECT,
          'openai-organization': CALLER_ORG,
          'openai-beta': 'assistants=v2',
          'x-oceans-service': 'caller-service-tag',
          'x-oceans-tags': 'caller-tag',
          'x-custom-caller-header': 'caller-custom-value',
        },
        body: { model: 'chat', messages: [{ role: 'user', content: 'headers' }] },
      });
      assert.equal(res.status, 200, res.body);
    });
    const text = JSON.stringify(upstream.headers);
    for (const value of ['caller-cookie-value', 'caller-x-api-key-value', CALLER_PROJECT, CALLER_ORG, 'assistants=v2',
      'caller-service-tag', 'caller-tag', 'caller-custom-value']) {
      assert.ok(!text.includes(value), `caller header value ${value} reached the upstream: ${text}`);
    }
    for (const name of ['cookie', 'x-api-key', 'anthropic-version', 'openai-beta', 'x-oceans-service', 'x-oceans-tags']) {
      assert.equal(upstream.headers[name], undefined, `caller header ${name} reached the upstream: ${text}`);
    }
    assertNoCallerHeaders(upstream);
  });
});

describe('capability gate: refused with 400 invalid_request before any upstream call', () => {
  const IMAGE_URL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
  const cases = [
    {
      name: 'refuses stream: true on a route with capabilities.stream false',
      model: 'no-stream',
      refused: (m) => client.chat.completions.create({ model: m, messages: [{ role: 'user', content: 'x' }], stream: true }),
      allowed: (m) => client.chat.completions.create({ model: m, messages: [{ role: 'user', content: 'x' }] }),
    },
    {
      name: 'refuses a request with tools on a route with capabilities.tools false',
      model: 'no-tools',
      refused: (m) => client.chat.completions.create({
        model: m,
        messages: [{ role: 'user', content: 'weather?' }],
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }],
      }),
      allowed: (m) => client.chat.completions.create({ model: m, messages: [{ role: 'user', content: 'weather?' }] }),
    },
    {
      name: 'refuses image input on a route with capabilities.vision false',
      model: 'no-vision',
      refused: (m) => client.chat.completions.create({
        model: m,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: IMAGE_URL } }] }],
      }),
      allowed: (m) => client.chat.completions.create({
        model: m, messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }] }],
      }),
    },
    {
      name: 'refuses response_format json_schema on a route with capabilities.json_schema false',
      model: 'no-json-schema',
      refused: (m) => client.chat.completions.create({
        model: m,
        messages: [{ role: 'user', content: 'json please' }],
        response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } } } },
      }),
      allowed: (m) => client.chat.completions.create({ model: m, messages: [{ role: 'user', content: 'json please' }] }),
    },
    {
      name: 'refuses /v1/embeddings on a route with capabilities.embeddings false',
      model: 'no-embeddings',
      refused: (m) => client.embeddings.create({ model: m, input: 'embed me' }),
      allowed: (m) => client.chat.completions.create({ model: m, messages: [{ role: 'user', content: 'chat is fine' }] }),
    },
    {
      name: 'refuses developer messages on a route with capabilities.developer_role false',
      model: 'no-developer',
      refused: (m) => client.chat.completions.create({
        model: m, messages: [{ role: 'developer', content: 'be terse' }, { role: 'user', content: 'hi' }],
      }),
      allowed: (m) => client.chat.completions.create({
        model: m, messages: [{ role: 'system', content: 'be terse' }, { role: 'user', content: 'hi' }],
      }),
    },
  ];
  for (const { name, model, refused, allowed } of cases) {
    test(name, async () => {
      const sent = await requestsDuring(compatFake, async () => {
        await assert.rejects(refused(model), (err) => {
          assert.ok(err instanceof OpenAI.BadRequestError, `expected BadRequestError, got ${err?.constructor?.name}: ${err?.message}`);
          assert.equal(err.status, 400);
          assert.equal(err.type, 'invalid_request_error');
          assert.equal(err.code, 'invalid_request');
          return true;
        });
      });
      assert.deepEqual(sent.map((r) => r.path), [], 'the upstream must not be called');
      // The same route serves a request without the feature, so the refusal was the gate's.
      const [served] = await requestsDuring(compatFake, () => allowed(model));
      assert.ok(served, 'the route serves a request that does not need the feature');
    });
  }
});

describe('upstream failures', () => {
  test('passes an upstream 429 through as 429 upstream_error / upstream_http_error with the upstream message', async () => {
    compatFake.setBehavior({
      status: 429,
      errorBody: { error: { message: UPSTREAM_RATE_LIMIT_MESSAGE, type: 'tokens', param: null, code: 'rate_limit_exceeded' } },
    });
    try {
      await assert.rejects(
        client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'too many' }] }),
        (err) => {
          assert.ok(err instanceof OpenAI.RateLimitError, `expected RateLimitError, got ${err?.constructor?.name}: ${err?.message}`);
          assert.equal(err.status, 429);
          assert.equal(err.type, 'upstream_error');
          assert.equal(err.code, 'upstream_http_error');
          assert.ok(err.message.includes(UPSTREAM_RATE_LIMIT_MESSAGE), `the upstream message is missing: ${err.message}`);
          return true;
        },
      );
      const res = await request(gw.baseURL, {
        method: 'POST', path: '/v1/chat/completions', headers: bearer(CALLER_KEY),
        body: { model: 'chat', messages: [{ role: 'user', content: 'too many' }] },
      });
      assertGatewayError(res, { status: 429, type: 'upstream_error', code: 'upstream_http_error' });
    } finally {
      compatFake.setBehavior();
    }
  });

  test('answers a stream request whose upstream fails with 503 with a JSON 503 upstream_http_error, not an SSE stream', async () => {
    compatFake.setBehavior({ status: 503 });
    try {
      const res = await request(gw.baseURL, {
        method: 'POST', path: '/v1/chat/completions', headers: bearer(CALLER_KEY),
        body: { model: 'chat', messages: [{ role: 'user', content: 'unavailable' }], stream: true },
      });
      assertGatewayError(res, { status: 503, type: 'upstream_error', code: 'upstream_http_error' });
    } finally {
      compatFake.setBehavior();
    }
  });

  test('refuses an upstream whose certificate is signed by an unknown CA with 502 upstream_transport', async () => {
    const res = await request(gw.baseURL, {
      method: 'POST', path: '/v1/chat/completions', headers: bearer(CALLER_KEY),
      body: { model: 'untrusted-ca', messages: [{ role: 'user', content: 'tls?' }] },
    });
    assertGatewayError(res, { status: 502, type: 'upstream_error', code: 'upstream_transport' });
    assert.match(res.json.error.message, /TLS|certificate|verif/i);
    assert.ok(!res.body.includes(COMPAT_TOKEN), 'the upstream token is in the error');
    assert.equal(unknownCaFake.requests.length, 0, 'no HTTP request may be sent over an unverified connection');
  });

  test('refuses an upstream whose certificate is for another host with 502 upstream_transport', async () => {
    const res = await request(gw.baseURL, {
      method: 'POST', path: '/v1/chat/completions', headers: bearer(CALLER_KEY),
      body: { model: 'wrong-host', messages: [{ role: 'user', content: 'tls?' }] },
    });
    assertGatewayError(res, { status: 502, type: 'upstream_error', code: 'upstream_transport' });
    assert.match(res.json.error.message, /TLS|certificate|verif|host/i);
    assert.ok(!res.body.includes(COMPAT_TOKEN), 'the upstream token is in the error');
    assert.equal(wrongHostFake.requests.length, 0, 'no HTTP request may be sent to a host whose name was not verified');
  });

  test('answers 502 upstream_transport when nothing listens on the upstream port', async () => {
    const res = await request(gw.baseURL, {
      method: 'POST', path: '/v1/chat/completions', headers: bearer(CALLER_KEY),
      body: { model: 'closed-port', messages: [{ role: 'user', content: 'anyone?' }] },
    });
    assertGatewayError(res, { status: 502, type: 'upstream_error', code: 'upstream_transport' });
    assert.ok(!res.body.includes(COMPAT_TOKEN), 'the upstream token is in the error');
  });

  test('answers 504 upstream_timeout when the upstream is slower than timeouts.total_ms (500 ms)', async () => {
    slowFake.setBehavior({ delayMs: 3000 });
    try {
      const started = Date.now();
      const res = await request(gw.baseURL, {
        method: 'POST', path: '/v1/chat/completions', headers: bearer(CALLER_KEY),
        body: { model: 'slow', messages: [{ role: 'user', content: 'slowly' }] },
      });
      const elapsed = Date.now() - started;
      assertGatewayError(res, { status: 504, type: 'upstream_error', code: 'upstream_timeout' });
      assert.ok(elapsed >= 450, `answered after ${elapsed} ms, before total_ms`);
      assert.ok(elapsed < 1500, `answered after ${elapsed} ms; expected about 500 ms`);
      assert.equal(slowFake.requests.length, 1, 'the request reached the slow upstream');
    } finally {
      slowFake.setBehavior();
    }
  });
});

describe('streams that fail or are abandoned', () => {
  test('a chat stream still running when timeouts.total_ms (500 ms) expires ends with an SSE upstream_timeout error and no [DONE]', async () => {
    slowFake.setBehavior({ eventGapMs: 200 });
    try {
      const started = Date.now();
      const res = await streamRequest(gw, '/v1/chat/completions', {
        model: 'slow', messages: [{ role: 'user', content: 'a b c d e f g h i j' }], stream: true,
      });
      const elapsed = Date.now() - started;
      assert.equal(res.status, 200, res.text);
      assert.ok(res.events.length >= 2, `some chunks arrived before the deadline:\n${res.text}`);
      assert.ok(!res.text.includes('[DONE]'), res.text);
      const last = jsonOrUndefined(res.events.at(-1)?.data ?? '');
      assert.equal(last?.error?.code, 'upstream_timeout', `the stream must end with an upstream_timeout error chunk:\n${res.text}`);
      assert.ok(elapsed < 1500, `the stream ended ${elapsed} ms after it started; total_ms is 500`);
      assert.ok(res.completed, `the HTTP response must end properly after the error chunk (${res.error})`);
    } finally {
      slowFake.setBehavior();
    }
  });

  test('a chat stream whose upstream drops mid-stream ends with an SSE error chunk and no [DONE]', async () => {
    compatFake.setBehavior({ dropAfterEvents: 3 });
    try {
      const res = await streamRequest(gw, '/v1/chat/completions', {
        model: 'chat', messages: [{ role: 'user', content: 'this will be cut short today' }], stream: true,
      });
      assert.equal(res.status, 200, res.text);
      assert.ok(compatFake.events.some((e) => e.type === 'stream-dropped'), 'the fake dropped the stream');
      assert.ok(!res.text.includes('[DONE]'), `a dropped stream must not end with [DONE]:\n${res.text}`);
      const forwarded = res.events.slice(0, -1).map((e) => JSON.parse(e.data));
      assert.equal(forwarded.length, 3, `the 3 chunks sent before the drop are forwarded:\n${res.text}`);
      assert.ok(forwarded.every((c) => c.object === 'chat.completion.chunk'), res.text);
      const last = jsonOrUndefined(res.events.at(-1)?.data ?? '');
      assert.ok(last?.error && typeof last.error.message === 'string' && last.error.message.length > 0,
        `the stream must end with a data: {"error":{...}} chunk:\n${res.text}`);
      assert.ok(res.completed, `the HTTP response must end properly after the error chunk, not be cut off (${res.error})`);
    } finally {
      compatFake.setBehavior();
    }
  });

  test('the SDK\'s chat stream iteration throws an APIError when the upstream drops mid-stream', async () => {
    compatFake.setBehavior({ dropAfterEvents: 2 });
    try {
      const received = [];
      await assert.rejects(async () => {
        const stream = await client.chat.completions.create({
          model: 'chat', messages: [{ role: 'user', content: 'cut me off' }], stream: true,
        });
        for await (const chunk of stream) received.push(chunk);
      }, (err) => {
        assert.ok(err instanceof OpenAI.APIError, `expected APIError, got ${err?.constructor?.name}: ${err?.message}`);
        return true;
      });
      assert.equal(received.length, 2);
    } finally {
      compatFake.setBehavior();
    }
  });

  test('a Responses stream whose upstream drops mid-stream ends with event: error and no terminal event', async () => {
    mantleFake.setBehavior({ dropAfterEvents: 5 });
    try {
      const res = await streamRequest(seedGw, '/v1/responses', { model: 'gpt-55-bedrock', input: 'cut this response short', stream: true });
      assert.equal(res.status, 200, res.text);
      assert.ok(mantleFake.events.some((e) => e.type === 'stream-dropped'), 'the fake dropped the stream');
      const names = res.events.map((e) => e.event);
      assert.deepEqual(names.slice(0, 5), ['response.created', 'response.in_progress', 'response.output_item.added',
        'response.content_part.added', 'response.output_text.delta'], res.text);
      assert.equal(names.at(-1), 'error', `the stream must end with event: error:\n${res.text}`);
      assert.ok(jsonOrUndefined(res.events.at(-1).data), `the error event carries JSON: ${res.events.at(-1).data}`);
      assert.ok(!names.includes('response.completed') && !names.includes('response.incomplete'), res.text);
      assert.ok(!res.text.includes('[DONE]'), res.text);
      assert.ok(res.completed, `the HTTP response must end properly after the error event, not be cut off (${res.error})`);
    } finally {
      mantleFake.setBehavior();
    }
  });

  test('the SDK\'s responses.stream never yields a completed response when the upstream drops mid-stream', async () => {
    mantleFake.setBehavior({ dropAfterEvents: 5 });
    try {
      const seen = [];
      let final;
      let failure;
      try {
        const stream = seedClient.responses.stream({ model: 'gpt-55-bedrock', input: 'cut this response short' });
        stream.on('event', (event) => seen.push(event.type));
        final = await stream.finalResponse();
      } catch (err) {
        failure = err;
      }
      assert.ok(!seen.includes('response.completed'), `events: ${seen.join(', ')}`);
      assert.ok(seen.includes('error') || failure, `the caller must learn that the stream failed; events: ${seen.join(', ')}`);
      assert.ok(failure || final?.status !== 'completed', `final response: ${JSON.stringify(final)}`);
    } finally {
      mantleFake.setBehavior();
    }
  });

  // Opens a stream through `fake` with `eventGapMs` between its events, aborts after the first
  // event the caller receives, and returns how the upstream connection ended: `at` (ms) and
  // `eventsWritten`, with the abort time.
  async function abortAfterFirstEvent(fake, eventGapMs, open, checkFirst) {
    fake.setBehavior({ eventGapMs });
    try {
      const before = fake.requests.length;
      const controller = new AbortController();
      const stream = await open(controller.signal);
      let abortedAt;
      for await (const event of stream) {
        checkFirst(event);
        abortedAt = Date.now();
        controller.abort();
        break;
      }
      const upstream = fake.requests[before];
      assert.ok(upstream, 'the stream reached the upstream');
      const closed = await fake.waitForEvent(
        (e) => e.type === 'stream-aborted' && e.socketId === upstream.socketId && e.at >= abortedAt, 3000);
      assert.ok(closed.at - abortedAt <= 1000, `the upstream connection closed ${closed.at - abortedAt} ms after the caller aborted`);
      return closed;
    } finally {
      fake.setBehavior();
    }
  }

  const openChatStream = (signal) => client.chat.completions.create(
    { model: 'chat', messages: [{ role: 'user', content: LONG_PROMPT }], stream: true }, { signal });
  const hasChoices = (chunk) => assert.ok(chunk.choices.length > 0);

  test('a caller abort mid-chat-stream closes the upstream connection within 1 s while the fake is still pacing events', async () => {
    const closed = await abortAfterFirstEvent(compatFake, 100, openChatStream, hasChoices);
    const total = splitIntoDeltas(answerFor(LONG_PROMPT)).length + 3;
    assert.ok(closed.eventsWritten < total, `the fake had finished anyway (${closed.eventsWritten}/${total} events)`);
  });

  test('a caller abort while the upstream is silent closes the upstream connection at once, before its next event', async () => {
    // 4 s between events: only the gateway's watch on the caller's socket can close the upstream
    // within 1 s (a failed write to the caller would come with the next event, 4 s later).
    await abortAfterFirstEvent(compatFake, 4000, openChatStream, hasChoices);
  });

  test('a caller abort mid-Responses-stream closes the upstream connection within 1 s while the fake is still pacing events', async () => {
    await abortAfterFirstEvent(
      mantleFake, 100,
      (signal) => seedClient.responses.create({ model: 'gpt-55-bedrock', input: LONG_PROMPT, stream: true }, { signal }),
      (event) => assert.equal(event.type, 'response.created'));
  });
});

describe('upstream connection reuse', () => {
  /** POSTs a chat completion for `model` through `agent` (false: a fresh caller connection). */
  function chatOver(agent, model, text) {
    return new Promise((resolve, reject) => {
      const req = http.request(new URL('/v1/chat/completions', gw.baseURL), {
        method: 'POST',
        agent,
        headers: { ...bearer(CALLER_KEY), 'content-type': 'application/json' },
      }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => { body += c; });
        res.on('end', () => resolve({ status: res.statusCode, json: jsonOrUndefined(body), callerPort: res.socket?.localPort }));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ model, messages: [{ role: 'user', content: text }] }));
    });
  }

  test('two sequential requests on one caller connection use one kept-alive upstream TCP connection', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = { connections: poolFake.connections, requests: poolFake.requests.length };
      const answers = [];
      for (const text of ['first on the pool', 'second on the pool']) {
        const res = await chatOver(agent, 'pooled', text);
        assert.equal(res.status, 200, JSON.stringify(res.json));
        assert.equal(res.json.choices[0].message.content, answerFor(text));
        answers.push(res);
      }
      assert.equal(answers[0].callerPort, answers[1].callerPort, 'the caller side reused its connection');
      const sent = poolFake.requests.slice(before.requests);
      assert.equal(sent.length, 2);
      assert.ok(before.connections <= 1, `connections before: ${before.connections}`);
      assert.equal(poolFake.connections, 1,
        `connections at the upstream: ${poolFake.connections}; request sockets: ${sent.map((r) => r.socketId)}`);
      assert.equal(sent[0].socketId, sent[1].socketId);
    } finally {
      agent.destroy();
    }
  });

  test('sequential requests on different caller connections reuse the kept-alive upstream connections of the I/O threads (at most one per thread)', async () => {
    // Each I/O thread owns its upstream pools (no lock between threads, as Envoy's workers do), so
    // with io_threads: 2 a caller connection accepted on either thread may use that thread's one
    // upstream connection: 8 sequential requests need at most 2, never one per request.
    const first = poolFake.requests.length;
    for (let i = 0; i < 8; i++) {
      const res = await chatOver(false, 'pooled', `fresh caller connection ${i}`);
      assert.equal(res.status, 200, JSON.stringify(res.json));
    }
    const sockets = poolFake.requests.slice(first).map((r) => r.socketId);
    assert.ok(new Set(sockets).size <= 2, `upstream sockets used by 8 sequential requests: ${sockets.join(',')}`);
    assert.ok(poolFake.connections <= 2, `connections at the upstream: ${poolFake.connections}`);
  });
});

describe('access log', () => {
  test('logs route, upstream_status and usage for a chat completion', async () => {
    const id = `e2e-dp-chat-${Date.now()}`;
    const completion = await client.chat.completions.create(
      { model: 'chat', messages: [{ role: 'user', content: 'log me' }] },
      { headers: { 'x-request-id': id } },
    );
    const [upstream] = compatFake.requests.slice(-1);
    assert.equal(upstream.headers['x-request-id'], id, 'an inbound x-request-id is sent upstream');
    const entries = await waitForLogLine(gw, id);
    assert.equal(entries.length, 1, JSON.stringify(entries));
    const [entry] = entries;
    assert.equal(entry.status, 200);
    assert.equal(entry.path, '/v1/chat/completions');
    assert.equal(entry.route, 'compat/gpt-4o-mini');
    assert.equal(entry.upstream_status, 200);
    assert.equal(entry.usage?.input_tokens, completion.usage.prompt_tokens, JSON.stringify(entry));
    assert.equal(entry.usage?.output_tokens, completion.usage.completion_tokens, JSON.stringify(entry));
  });

  test('logs route, upstream_status and usage from response.completed for a Responses stream', async () => {
    const id = `e2e-dp-resp-${Date.now()}`;
    const stream = seedClient.responses.stream({ model: 'gpt-55-bedrock', input: 'log the stream' }, { headers: { 'x-request-id': id } });
    const final = await stream.finalResponse();
    const entries = await waitForLogLine(seedGw, id);
    assert.equal(entries.length, 1, JSON.stringify(entries));
    const [entry] = entries;
    assert.equal(entry.status, 200);
    assert.equal(entry.route, 'bedrock-mantle-openai/openai.gpt-5.5');
    assert.equal(entry.upstream_status, 200);
    assert.equal(entry.usage?.input_tokens, final.usage.input_tokens, JSON.stringify(entry));
    assert.equal(entry.usage?.output_tokens, final.usage.output_tokens, JSON.stringify(entry));
  });

  test('logs route, upstream_status and usage for embeddings', async () => {
    const id = `e2e-dp-emb-${Date.now()}`;
    const result = await client.embeddings.create({ model: 'embed', input: 'log embeddings' }, { headers: { 'x-request-id': id } });
    const [entry] = await waitForLogLine(gw, id);
    assert.ok(entry, 'no access-log line');
    assert.equal(entry.route, 'compat/text-embedding-3-small');
    assert.equal(entry.upstream_status, 200);
    assert.equal(entry.usage?.input_tokens, result.usage.prompt_tokens, JSON.stringify(entry));
  });

  test('logs the upstream status of a passed-through upstream error, without usage', async () => {
    compatFake.setBehavior({ status: 429 });
    try {
      const id = `e2e-dp-429-${Date.now()}`;
      const res = await request(gw.baseURL, {
        method: 'POST', path: '/v1/chat/completions', headers: bearer(CALLER_KEY, { 'x-request-id': id }),
        body: { model: 'chat', messages: [{ role: 'user', content: 'limited' }] },
      });
      assert.equal(res.status, 429, res.body);
      const entries = await waitForLogLine(gw, id);
      assert.equal(entries.length, 1, JSON.stringify(entries));
      const [entry] = entries;
      assert.equal(entry.status, 429);
      assert.equal(entry.route, 'compat/gpt-4o-mini');
      assert.equal(entry.upstream_status, 429);
      assert.equal(entry.usage, undefined, JSON.stringify(entry));
    } finally {
      compatFake.setBehavior();
    }
  });
});

// Last on purpose: it reads the output of every gateway this file ran.
test('never writes the caller key secret or an upstream token to stdout or stderr', async () => {
  await sleep(100);
  const output = allGatewayOutput.flatMap(({ stdoutLines, stderrLines }) => [...stdoutLines, ...stderrLines]).join('\n');
  assert.ok(output.length > 0, 'no gateway output captured at all');
  for (const secret of [KEY_SECRET, BEDROCK_TOKEN, COMPAT_TOKEN]) {
    assert.ok(!output.includes(secret), `secret ${secret.slice(0, 8)}… appears in gateway output`);
  }
});
