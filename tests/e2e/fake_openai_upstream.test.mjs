// Specifies the fake OpenAI upstream itself, with the official SDK as the client. Needs no gateway:
// if these fail, the gateway tests that use the fake cannot be trusted.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
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
  } finally {
    await tlsFake.close();
  }
});

function onceLine(stream) {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: stream });
    rl.once('line', (line) => { rl.close(); resolve([line]); });
    stream.once('error', reject);
  });
}
