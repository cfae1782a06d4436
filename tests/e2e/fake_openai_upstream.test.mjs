// Specifies the fake OpenAI upstream itself, with the official SDK as the client. Needs no gateway:
// if these fail, the gateway tests that use the fake cannot be trusted.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import OpenAI from 'openai';

import { deterministicVector, EMBEDDING_DIMENSIONS, startOpenAIUpstream } from './fakes/openai_upstream.mjs';

const FAKE_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fakes', 'openai_upstream.mjs');

let fake;
let client;

before(async () => {
  fake = await startOpenAIUpstream();
  client = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'sk-fake', maxRetries: 0 });
});

after(async () => {
  await fake?.close();
});

test('fake lists its models in the OpenAI list shape', async () => {
  const page = await client.models.list();
  assert.ok(page.data.length > 0);
  for (const model of page.data) {
    assert.deepEqual(Object.keys(model).sort(), ['created', 'id', 'object', 'owned_by']);
    assert.equal(model.object, 'model');
  }
});

test('fake chat completion echoes the last user message', async () => {
  const completion = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: [{ type: 'text', text: 'hello fake' }] },
    ],
  });
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.model, 'gpt-4o-mini');
  assert.equal(completion.choices[0].message.content, 'Echo: hello fake');
  assert.equal(completion.choices[0].finish_reason, 'stop');
  assert.equal(completion.usage.total_tokens, completion.usage.prompt_tokens + completion.usage.completion_tokens);
});

test('fake chat stream sends a role chunk, content deltas, a finish chunk, a usage chunk and [DONE]', async () => {
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'stream me please' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
  assert.equal(text, 'Echo: stream me please');
  assert.ok(chunks.filter((c) => c.choices[0]?.delta?.content).length >= 3, 'several content deltas');
  const finish = chunks.findLast((c) => c.choices.length > 0);
  assert.equal(finish.choices[0].finish_reason, 'stop');
  const usageChunk = chunks.at(-1);
  assert.deepEqual(usageChunk.choices, []);
  assert.ok(usageChunk.usage.completion_tokens > 0);
});

test('fake chat stream omits the usage chunk unless include_usage is set', async () => {
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'no usage' }],
    stream: true,
  });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.ok(chunks.every((c) => c.choices.length === 1 && c.usage === undefined));
  assert.ok(fake.requests.at(-1).rawBody.includes('"stream":true'));
});

test('fake responses answer is a completed response with output_text and usage', async () => {
  const response = await client.responses.create({ model: 'gpt-4o-mini', input: 'hello responses' });
  assert.equal(response.object, 'response');
  assert.equal(response.status, 'completed');
  assert.equal(response.output_text, 'Echo: hello responses');
  assert.equal(response.output[0].content[0].type, 'output_text');
  assert.equal(response.usage.total_tokens, response.usage.input_tokens + response.usage.output_tokens);
});

test('fake responses answer reads message-list input', async () => {
  const response = await client.responses.create({
    model: 'gpt-4o-mini',
    input: [{ role: 'user', content: [{ type: 'input_text', text: 'from a list' }] }],
  });
  assert.equal(response.output_text, 'Echo: from a list');
});

test('fake responses stream sends response.created, output_text deltas and response.completed with usage', async () => {
  const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'stream responses', stream: true });
  const events = [];
  for await (const event of stream) events.push(event);
  assert.equal(events[0].type, 'response.created');
  assert.equal(events.at(-1).type, 'response.completed');
  assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i));
  const deltas = events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta);
  assert.ok(deltas.length >= 2);
  assert.equal(deltas.join(''), 'Echo: stream responses');
  assert.equal(events.at(-1).response.output_text ?? events.at(-1).response.output[0].content[0].text, 'Echo: stream responses');
  assert.ok(events.at(-1).response.usage.output_tokens > 0);
});

test('fake embeddings are deterministic 8-dimensional vectors per input, float or base64', async () => {
  // The SDK asks for base64 by default and decodes it.
  const viaBase64 = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
  assert.equal(fake.requests.at(-1).body.encoding_format, 'base64');
  const viaFloat = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'a', encoding_format: 'float' });
  assert.equal(viaBase64.data.length, 2);
  assert.equal(viaBase64.data[0].embedding.length, EMBEDDING_DIMENSIONS);
  assert.deepEqual(viaBase64.data[0].embedding, viaFloat.data[0].embedding);
  assert.deepEqual(viaFloat.data[0].embedding, deterministicVector('a'));
  assert.notDeepEqual(viaBase64.data[0].embedding, viaBase64.data[1].embedding);
  assert.ok(viaFloat.usage.prompt_tokens > 0);
});

test('fake answers x-fake-status with an OpenAI error body of that status', async () => {
  await assert.rejects(
    client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] },
      { headers: { 'x-fake-status': '429' } },
    ),
    (err) => err instanceof OpenAI.RateLimitError && err.status === 429 && err.type === 'rate_limit_error',
  );
});

test('fake waits x-fake-delay-ms before answering', async () => {
  const started = Date.now();
  await client.models.list({ headers: { 'x-fake-delay-ms': '200' } });
  assert.ok(Date.now() - started >= 190);
});

test('fake records every request with method, path, headers and body', async () => {
  const before = fake.requests.length;
  await client.embeddings.create({ model: 'text-embedding-3-small', input: 'recorded' }, { headers: { 'x-probe': 'yes' } });
  const recorded = fake.requests.slice(before);
  assert.equal(recorded.length, 1);
  assert.equal(recorded[0].method, 'POST');
  assert.equal(recorded[0].path, '/v1/embeddings');
  assert.equal(recorded[0].headers['x-probe'], 'yes');
  assert.equal(recorded[0].headers.authorization, 'Bearer sk-fake');
  assert.equal(recorded[0].body.input, 'recorded');
});

test('fake answers an unknown path with a 404 OpenAI error', async () => {
  const res = await fetch(`${fake.url}/v1/nope`);
  assert.equal(res.status, 404);
  assert.equal((await res.json()).error.type, 'not_found_error');
});

test('fake run as a program prints one listening line on stdout', async () => {
  const child = spawn(process.execPath, [FAKE_PATH, '--port', '0', '--host', '127.0.0.1', '--quiet'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [line] = await onceLine(child.stdout);
    const { listening } = JSON.parse(line);
    assert.match(listening, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${listening}/v1/models`);
    assert.equal(res.status, 200);
  } finally {
    child.kill('SIGTERM');
  }
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

test('fake serves HTTPS when given a certificate and key', { skip: !hasOpenssl && 'openssl not installed' }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fake-tls-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', key, '-out', cert], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const tlsFake = await startOpenAIUpstream({ tls: { cert: readFileSync(cert), key: readFileSync(key) } });
  try {
    assert.match(tlsFake.url, /^https:\/\//);
    const status = await new Promise((resolve, reject) => {
      https.get(`${tlsFake.url}/v1/models`, { agent: new https.Agent({ ca: readFileSync(cert) }) }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on('error', reject);
    });
    assert.equal(status, 200);
    assert.equal(tlsFake.connections, 1, 'a TLS connection counts once its handshake completes');
    // A client that does not trust the certificate: no connection counted, a tls-error recorded.
    await assert.rejects(new Promise((resolve, reject) => {
      https.get(`${tlsFake.url}/v1/models`, { agent: false }, resolve).on('error', reject);
    }), /self[- ]signed|certificate/i);
    const failure = await tlsFake.waitForEvent((e) => e.type === 'tls-error');
    assert.equal(typeof failure.message, 'string');
    assert.equal(tlsFake.connections, 1);
  } finally {
    await tlsFake.close();
  }
});

test('fake serves the OpenAI endpoints under any path prefix (Bedrock Mantle\'s /openai/v1 too)', async () => {
  const mantle = new OpenAI({ baseURL: `${fake.url}/openai/v1`, apiKey: 'sk-fake', maxRetries: 0 });
  const response = await mantle.responses.create({ model: 'openai.gpt-5.5', input: 'prefixed' });
  assert.equal(response.output_text, 'Echo: prefixed');
  assert.equal(fake.requests.at(-1).path, '/openai/v1/responses');
  const completion = await mantle.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'p' }] });
  assert.equal(completion.choices[0].message.content, 'Echo: p');
  const models = await mantle.models.list();
  assert.ok(models.data.length > 0);
});

test('fake setBehavior({ status, errorBody }) answers following requests with that error until reset', async () => {
  const body = { error: { message: 'slow down', type: 'tokens', param: null, code: 'rate_limit_exceeded' } };
  fake.setBehavior({ status: 429, errorBody: body });
  try {
    for (let i = 0; i < 2; i++) {
      await assert.rejects(client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }), (err) => {
        assert.equal(err.status, 429);
        assert.deepEqual(err.error, body.error);
        return true;
      });
    }
  } finally {
    fake.setBehavior();
  }
  const ok = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
  assert.equal(ok.data.length, 1);
});

test('fake setBehavior({ delayMs }) waits before answering', async () => {
  fake.setBehavior({ delayMs: 200 });
  try {
    const started = Date.now();
    await client.models.list();
    assert.ok(Date.now() - started >= 190);
  } finally {
    fake.setBehavior();
  }
});

test('fake records a socket id per request and counts connections', async () => {
  const own = await startOpenAIUpstream();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < 2; i++) await rawPost(`${own.url}/v1/embeddings`, { model: 'm', input: `r${i}` }, { agent });
    await rawPost(`${own.url}/v1/embeddings`, { model: 'm', input: 'fresh' }, { agent: false });
    assert.equal(own.connections, 2);
    const [a, b, c] = own.requests.map((r) => r.socketId);
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.deepEqual(own.events.filter((e) => e.type === 'connection').map((e) => e.socketId), [a, c]);
  } finally {
    agent.destroy();
    await own.close();
  }
});

test('fake setBehavior({ dropAfterEvents }) destroys the socket after N events, without the terminal one', async () => {
  fake.setBehavior({ dropAfterEvents: 3 });
  try {
    const res = await rawPost(`${fake.url}/v1/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'a b c d' }], stream: true });
    assert.equal(res.complete, false);
    const events = res.text.split('\n\n').filter(Boolean);
    assert.equal(events.length, 3, res.text);
    assert.ok(!res.text.includes('[DONE]'));
    const dropped = await fake.waitForEvent((e) => e.type === 'stream-dropped');
    assert.equal(dropped.eventsWritten, 3);
  } finally {
    fake.setBehavior();
  }
});

test('fake x-fake-drop-after-events drops a Responses stream too', async () => {
  const res = await rawPost(`${fake.url}/v1/responses`, { model: 'm', input: 'a b', stream: true },
    { headers: { 'x-fake-drop-after-events': '2' } });
  assert.equal(res.complete, false);
  assert.deepEqual(res.text.split('\n\n').filter(Boolean).map((e) => e.split('\n')[0]),
    ['event: response.created', 'event: response.in_progress']);
});

test('fake records stream-aborted when the client closes while events are still being paced', async () => {
  const own = await startOpenAIUpstream();
  own.setBehavior({ eventGapMs: 100 });
  try {
    const closedAt = await new Promise((resolve, reject) => {
      const req = http.request(`${own.url}/v1/chat/completions`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve(Date.now());
        });
      });
      req.on('error', () => {});
      req.end(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'one two three four five six' }], stream: true }));
      setTimeout(() => reject(new Error('no data')), 3000);
    });
    const aborted = await own.waitForEvent((e) => e.type === 'stream-aborted');
    assert.ok(aborted.at - closedAt < 500);
    assert.ok(aborted.eventsWritten < 9);
    assert.ok(own.events.some((e) => e.type === 'socket-close' && e.socketId === aborted.socketId));
  } finally {
    await own.close();
  }
});

/** POSTs JSON and reads to the end or to the connection's end: { status, text, complete }. */
function rawPost(url, body, { agent = false, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('close', () => resolve({ status: res.statusCode, text, complete: res.complete }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

function onceLine(stream) {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: stream });
    rl.once('line', (line) => { rl.close(); resolve([line]); });
    stream.once('error', reject);
  });
}
