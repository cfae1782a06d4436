// Specifies the fake Bedrock upstream itself, decoding its streams with the AWS SDK's own
// EventStream codec and signing with the SDK's own SigV4 signer. Needs no gateway: if these fail,
// the gateway tests that use the fake cannot be trusted.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

import {
  REASONING_SIGNATURE, REASONING_TEXT, STREAM_FAILURE_MESSAGE, THROTTLE_MESSAGE, TOOL_RESULT_ANSWER, TOOL_USE_ID,
  startBedrockUpstream,
} from './fakes/bedrock_upstream.mjs';
import { signRequest } from './fakes/sigv4_verifier.mjs';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

const MODEL = 'us.anthropic.claude-3-5-sonnet-20240620-v1:0';
const MODEL_PATH = `/model/${encodeURIComponent(MODEL)}`;
const ANTHROPIC_VERSION = 'bedrock-2023-05-31';
const WEATHER_TOOL_CONVERSE = { toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } } } };
const WEATHER_TOOL_ANTHROPIC = { name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } };
const PNG_68_BYTES = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(60, 7)]);

/** One POST on a fresh connection; resolves to { status, headers, bytes, chunks, json }. */
function post(baseURL, path, body, headers = {}) {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, baseURL), {
      method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...headers },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        let json;
        try {
          json = JSON.parse(bytes.toString('utf8'));
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, bytes, chunks, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Splits an EventStream body into its raw frames by their total_length prelude field. */
function splitFrames(bytes) {
  const frames = [];
  for (let offset = 0; offset < bytes.length;) {
    const length = bytes.readUInt32BE(offset);
    frames.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return frames;
}

/** Decodes every frame with the SDK codec: [{ headers: { name: value }, payload }]. */
function decodeFrames(bytes) {
  return splitFrames(bytes).map((frame) => {
    const message = codec.decode(frame);
    const headers = Object.fromEntries(Object.entries(message.headers).map(([name, h]) => [name, h.value]));
    return { headers, payload: JSON.parse(toUtf8(message.body)) };
  });
}

/** The Anthropic events carried by invoke-with-response-stream `chunk` frames. */
function chunkEvents(frames) {
  return frames.map((f) => JSON.parse(Buffer.from(f.payload.bytes, 'base64').toString('utf8')));
}

/** Parses an SSE body into [{ event, data (parsed) }]. */
function sseEvents(text) {
  return text.split('\n\n').filter(Boolean).map((block) => {
    const event = /^event: (.*)$/m.exec(block)[1];
    const data = JSON.parse(/^data: (.*)$/m.exec(block)[1]);
    return { event, data };
  });
}

const converseBody = (text, extra = {}) => ({ messages: [{ role: 'user', content: [{ text }] }], ...extra });
const invokeBody = (content, extra = {}) => ({ anthropic_version: ANTHROPIC_VERSION, max_tokens: 100, messages: [{ role: 'user', content }], ...extra });
const mantleBody = (content, extra = {}) => ({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content }], ...extra });

describe('without authentication', () => {
  let fake;
  before(async () => {
    fake = await startBedrockUpstream();
  });
  after(async () => {
    await fake?.close();
  });

  test('converse answers the default text in the Converse shape with usage and metrics', async () => {
    const res = await post(fake.url, `${MODEL_PATH}/converse`, converseBody('hello'));
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.output, { message: { role: 'assistant', content: [{ text: 'Hello from converse' }] } });
    assert.equal(res.json.stopReason, 'end_turn');
    assert.deepEqual(res.json.usage, { inputTokens: 11, outputTokens: 7, totalTokens: 18 });
    assert.equal(typeof res.json.metrics.latencyMs, 'number');
  });

  test('records the request with its percent-encoded model id decoded', async () => {
    const before = fake.requests.length;
    await post(fake.url, `${MODEL_PATH}/converse`, converseBody('hello'));
    const recorded = fake.requests[before];
    assert.equal(recorded.method, 'POST');
    assert.equal(recorded.path, '/model/us.anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse');
    assert.equal(recorded.modelId, MODEL);
    assert.equal(recorded.kind, 'converse');
    assert.deepEqual(recorded.body, converseBody('hello'));
  });

  test('accepts a model ARN with literal colons and slashes in the path', async () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0';
    const res = await post(fake.url, `/model/${arn}/converse`, converseBody('hello'));
    assert.equal(res.status, 200);
    assert.equal(fake.requests.at(-1).modelId, arn);
    const encoded = await post(fake.url, `/model/${encodeURIComponent(arn)}/converse-stream`, converseBody('hello'));
    assert.equal(encoded.status, 200);
    assert.equal(fake.requests.at(-1).modelId, arn);
  });

  test('converse-stream sends EventStream frames the SDK codec decodes, in Bedrock\'s event order', async () => {
    const res = await post(fake.url, `${MODEL_PATH}/converse-stream`, converseBody('hello'));
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/vnd.amazon.eventstream');
    const frames = decodeFrames(res.bytes);
    for (const frame of frames) {
      assert.equal(frame.headers[':message-type'], 'event');
      assert.equal(frame.headers[':content-type'], 'application/json');
      assert.equal(typeof frame.payload.p, 'string', 'every event carries Bedrock\'s padding field');
    }
    const types = frames.map((f) => f.headers[':event-type']);
    assert.equal(types[0], 'messageStart');
    assert.deepEqual(types.slice(-3), ['contentBlockStop', 'messageStop', 'metadata']);
    const deltas = frames.filter((f) => f.headers[':event-type'] === 'contentBlockDelta');
    assert.ok(deltas.length >= 3, 'several deltas');
    assert.equal(deltas.map((f) => f.payload.delta.text).join(''), 'Hello from converse-stream');
    assert.equal(deltas[0].payload.contentBlockIndex, 0);
    assert.equal(frames.at(-2).payload.stopReason, 'end_turn');
    assert.deepEqual(frames.at(-1).payload.usage, { inputTokens: 11, outputTokens: 7, totalTokens: 18 });
    assert.ok(res.chunks.length > 1, 'frames arrive in separate writes');
  });

  test('invoke answers an Anthropic message and records the Bedrock-flavoured Anthropic body', async () => {
    const res = await post(fake.url, `${MODEL_PATH}/invoke`, invokeBody('hello'));
    assert.equal(res.status, 200);
    assert.match(res.json.id, /^msg_/);
    assert.equal(res.json.type, 'message');
    assert.equal(res.json.role, 'assistant');
    assert.equal(res.json.model, MODEL);
    assert.deepEqual(res.json.content, [{ type: 'text', text: 'Hello from invoke' }]);
    assert.equal(res.json.stop_reason, 'end_turn');
    assert.equal(res.json.stop_sequence, null);
    assert.deepEqual(res.json.usage, { input_tokens: 11, output_tokens: 7 });
    const recorded = fake.requests.at(-1);
    assert.equal(recorded.body.anthropic_version, ANTHROPIC_VERSION);
    assert.equal('model' in recorded.body, false);
  });

  test('invoke refuses a body with a model field or without anthropic_version, as Bedrock does', async () => {
    const withModel = await post(fake.url, `${MODEL_PATH}/invoke`, invokeBody('hello', { model: MODEL }));
    assert.equal(withModel.status, 400);
    assert.equal(withModel.headers['x-amzn-errortype'], 'ValidationException');
    assert.match(withModel.json.message, /model/);
    const withoutVersion = await post(fake.url, `${MODEL_PATH}/invoke`, { max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(withoutVersion.status, 400);
    assert.match(withoutVersion.json.message, /anthropic_version/);
  });

  test('invoke-with-response-stream sends chunk frames carrying the Anthropic event sequence', async () => {
    const res = await post(fake.url, `${MODEL_PATH}/invoke-with-response-stream`, invokeBody('hello'));
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/vnd.amazon.eventstream');
    const frames = decodeFrames(res.bytes);
    for (const frame of frames) {
      assert.equal(frame.headers[':event-type'], 'chunk');
      assert.equal(typeof frame.payload.p, 'string');
    }
    const events = chunkEvents(frames);
    assert.deepEqual(events.map((e) => e.type), [
      'message_start', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_delta',
      'content_block_stop', 'message_delta', 'message_stop',
    ]);
    assert.equal(events[0].message.model, MODEL);
    assert.equal(events.filter((e) => e.delta?.type === 'text_delta').map((e) => e.delta.text).join(''), 'Hello from invoke-with-response-stream');
    assert.deepEqual(events.at(-2).delta, { stop_reason: 'end_turn', stop_sequence: null });
    assert.deepEqual(events.at(-2).usage, { output_tokens: 7 });
    assert.deepEqual(events.at(-1)['amazon-bedrock-invocationMetrics'].inputTokenCount, 11);
    assert.deepEqual(events.at(-1)['amazon-bedrock-invocationMetrics'].outputTokenCount, 7);
  });

  test('Mantle messages answers Anthropic JSON, and Anthropic SSE when asked to stream', async () => {
    const whole = await post(fake.url, '/anthropic/v1/messages', mantleBody('hello'));
    assert.equal(whole.status, 200);
    assert.equal(whole.json.model, 'claude-sonnet-4-5');
    assert.deepEqual(whole.json.content, [{ type: 'text', text: 'Hello from anthropic-messages' }]);
    assert.equal(fake.requests.at(-1).modelId, null);

    const streamed = await post(fake.url, '/anthropic/v1/messages', mantleBody('hello', { stream: true }));
    assert.equal(streamed.status, 200);
    assert.match(streamed.headers['content-type'], /^text\/event-stream/);
    const events = sseEvents(streamed.bytes.toString('utf8'));
    for (const { event, data } of events) assert.equal(event, data.type);
    assert.equal(events[0].event, 'message_start');
    assert.equal(events.at(-1).event, 'message_stop');
    assert.equal(events.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta.text).join(''), 'Hello from anthropic-messages');
  });

  test('answers 404 for a path it does not serve', async () => {
    const res = await post(fake.url, '/model/x/unknown', {});
    assert.equal(res.status, 404);
  });

  describe('"use the weather tool"', () => {
    test('converse answers a get_weather tool call with stop reason tool_use', async () => {
      const res = await post(fake.url, `${MODEL_PATH}/converse`, converseBody('please use the weather tool', { toolConfig: { tools: [WEATHER_TOOL_CONVERSE] } }));
      assert.deepEqual(res.json.output.message.content, [{ toolUse: { toolUseId: TOOL_USE_ID, name: 'get_weather', input: { city: 'Paris' } } }]);
      assert.equal(res.json.stopReason, 'tool_use');
    });

    test('converse-stream starts a toolUse block and streams its input in several fragments', async () => {
      const res = await post(fake.url, `${MODEL_PATH}/converse-stream`, converseBody('use the weather tool', { toolConfig: { tools: [WEATHER_TOOL_CONVERSE] } }));
      const frames = decodeFrames(res.bytes);
      const start = frames.find((f) => f.headers[':event-type'] === 'contentBlockStart');
      assert.deepEqual(start.payload.start, { toolUse: { toolUseId: TOOL_USE_ID, name: 'get_weather' } });
      const fragments = frames.filter((f) => f.headers[':event-type'] === 'contentBlockDelta').map((f) => f.payload.delta.toolUse.input);
      assert.ok(fragments.length >= 2);
      assert.deepEqual(JSON.parse(fragments.join('')), { city: 'Paris' });
      assert.equal(frames.find((f) => f.headers[':event-type'] === 'messageStop').payload.stopReason, 'tool_use');
    });

    test('invoke-with-response-stream streams a tool_use block with input_json_delta fragments', async () => {
      const res = await post(fake.url, `${MODEL_PATH}/invoke-with-response-stream`, invokeBody('use the weather tool', { tools: [WEATHER_TOOL_ANTHROPIC] }));
      const events = chunkEvents(decodeFrames(res.bytes));
      const start = events.find((e) => e.type === 'content_block_start');
      assert.deepEqual(start.content_block, { type: 'tool_use', id: TOOL_USE_ID, name: 'get_weather', input: {} });
      const fragments = events.filter((e) => e.delta?.type === 'input_json_delta').map((e) => e.delta.partial_json);
      assert.ok(fragments.length >= 2);
      assert.deepEqual(JSON.parse(fragments.join('')), { city: 'Paris' });
      assert.equal(events.find((e) => e.type === 'message_delta').delta.stop_reason, 'tool_use');
    });

    test('without tools offered, the default text is answered', async () => {
      const res = await post(fake.url, `${MODEL_PATH}/converse`, converseBody('use the weather tool'));
      assert.deepEqual(res.json.output.message.content, [{ text: 'Hello from converse' }]);
    });

    test('a last user turn carrying a tool result is answered with text', async () => {
      const converse = await post(fake.url, `${MODEL_PATH}/converse`, {
        messages: [
          { role: 'user', content: [{ text: 'use the weather tool' }] },
          { role: 'assistant', content: [{ toolUse: { toolUseId: TOOL_USE_ID, name: 'get_weather', input: { city: 'Paris' } } }] },
          { role: 'user', content: [{ toolResult: { toolUseId: TOOL_USE_ID, content: [{ text: 'sunny' }] } }] },
        ],
        toolConfig: { tools: [WEATHER_TOOL_CONVERSE] },
      });
      assert.deepEqual(converse.json.output.message.content, [{ text: TOOL_RESULT_ANSWER }]);
      assert.equal(converse.json.stopReason, 'end_turn');

      const invoke = await post(fake.url, `${MODEL_PATH}/invoke`, invokeBody(
        [{ type: 'tool_result', tool_use_id: TOOL_USE_ID, content: 'sunny' }], { tools: [WEATHER_TOOL_ANTHROPIC] },
      ));
      assert.deepEqual(invoke.json.content, [{ type: 'text', text: TOOL_RESULT_ANSWER }]);
    });
  });

  describe('"think first"', () => {
    test('converse answers a reasoning block with a signature before the text', async () => {
      const res = await post(fake.url, `${MODEL_PATH}/converse`, converseBody('think first'));
      assert.deepEqual(res.json.output.message.content, [
        { reasoningContent: { reasoningText: { text: REASONING_TEXT, signature: REASONING_SIGNATURE } } },
        { text: 'Hello from converse' },
      ]);
    });

    test('converse-stream streams reasoning text, then its signature, then the text block', async () => {
      const frames = decodeFrames((await post(fake.url, `${MODEL_PATH}/converse-stream`, converseBody('think first'))).bytes);
      const deltas = frames.filter((f) => f.headers[':event-type'] === 'contentBlockDelta').map((f) => f.payload);
      const reasoning = deltas.filter((d) => d.contentBlockIndex === 0).map((d) => d.delta.reasoningContent);
      assert.equal(reasoning.filter((r) => r.text).map((r) => r.text).join(''), REASONING_TEXT);
      assert.deepEqual(reasoning.at(-1), { signature: REASONING_SIGNATURE });
      assert.equal(deltas.filter((d) => d.contentBlockIndex === 1).map((d) => d.delta.text).join(''), 'Hello from converse-stream');
    });

    test('Anthropic answers carry a thinking block, streamed as thinking_delta and signature_delta', async () => {
      const whole = await post(fake.url, `${MODEL_PATH}/invoke`, invokeBody('think first'));
      assert.deepEqual(whole.json.content[0], { type: 'thinking', thinking: REASONING_TEXT, signature: REASONING_SIGNATURE });
      const streamed = await post(fake.url, '/anthropic/v1/messages', mantleBody('think first', { stream: true }));
      const events = sseEvents(streamed.bytes.toString('utf8')).map((e) => e.data);
      assert.deepEqual(events.find((e) => e.type === 'content_block_start').content_block, { type: 'thinking', thinking: '', signature: '' });
      assert.equal(events.filter((e) => e.delta?.type === 'thinking_delta').map((e) => e.delta.thinking).join(''), REASONING_TEXT);
      assert.equal(events.find((e) => e.delta?.type === 'signature_delta').delta.signature, REASONING_SIGNATURE);
    });
  });

  test('"describe the image" names the format and size of the image received, in both shapes', async () => {
    const converse = await post(fake.url, `${MODEL_PATH}/converse`, {
      messages: [{ role: 'user', content: [{ text: 'describe the image' }, { image: { format: 'png', source: { bytes: PNG_68_BYTES.toString('base64') } } }] }],
    });
    assert.deepEqual(converse.json.output.message.content, [{ text: 'I see a png image of 68 bytes' }]);
    const anthropic = await post(fake.url, '/anthropic/v1/messages', mantleBody([
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_68_BYTES.toString('base64') } },
      { type: 'text', text: 'describe the image' },
    ]));
    assert.deepEqual(anthropic.json.content, [{ type: 'text', text: 'I see a png image of 68 bytes' }]);
  });

  describe('"fail midway"', () => {
    test('converse-stream sends two deltas and then a modelStreamErrorException frame', async () => {
      const frames = decodeFrames((await post(fake.url, `${MODEL_PATH}/converse-stream`, converseBody('fail midway'))).bytes);
      assert.equal(frames.filter((f) => f.headers[':event-type'] === 'contentBlockDelta').length, 2);
      const last = frames.at(-1);
      assert.equal(last.headers[':message-type'], 'exception');
      assert.equal(last.headers[':exception-type'], 'modelStreamErrorException');
      assert.deepEqual(last.payload, { message: STREAM_FAILURE_MESSAGE });
    });

    test('invoke-with-response-stream ends in the same exception frame', async () => {
      const frames = decodeFrames((await post(fake.url, `${MODEL_PATH}/invoke-with-response-stream`, invokeBody('fail midway'))).bytes);
      assert.equal(frames.at(-1).headers[':exception-type'], 'modelStreamErrorException');
      assert.equal(chunkEvents(frames.slice(0, -1)).filter((e) => e.type === 'content_block_delta').length, 2);
    });

    test('Mantle SSE ends in an error event with an overloaded_error', async () => {
      const res = await post(fake.url, '/anthropic/v1/messages', mantleBody('fail midway', { stream: true }));
      const events = sseEvents(res.bytes.toString('utf8'));
      assert.equal(events.filter((e) => e.event === 'content_block_delta').length, 2);
      assert.deepEqual(events.at(-1), { event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: STREAM_FAILURE_MESSAGE } } });
    });
  });

  test('"bad crc" corrupts exactly one delta frame, which fails the SDK codec\'s message checksum', async () => {
    for (const [path, body] of [['converse-stream', converseBody('bad crc')], ['invoke-with-response-stream', invokeBody('bad crc')]]) {
      const frames = splitFrames((await post(fake.url, `${MODEL_PATH}/${path}`, body)).bytes);
      const failures = [];
      for (const frame of frames) {
        try {
          codec.decode(frame);
        } catch (err) {
          failures.push(err.message);
        }
      }
      assert.equal(failures.length, 1, path);
      assert.match(failures[0], /message checksum/, path);
    }
  });

  test('"throttle me" answers 429 with ThrottlingException on every path', async () => {
    const cases = [
      [`${MODEL_PATH}/converse`, converseBody('throttle me')],
      [`${MODEL_PATH}/converse-stream`, converseBody('throttle me')],
      [`${MODEL_PATH}/invoke`, invokeBody('throttle me')],
      [`${MODEL_PATH}/invoke-with-response-stream`, invokeBody('throttle me')],
      ['/anthropic/v1/messages', mantleBody('throttle me', { stream: true })],
    ];
    for (const [path, body] of cases) {
      const res = await post(fake.url, path, body);
      assert.equal(res.status, 429, path);
      assert.equal(res.headers['x-amzn-errortype'], 'ThrottlingException', path);
      assert.deepEqual(res.json, { message: THROTTLE_MESSAGE }, path);
    }
  });

  test('"max tokens" stops with max_tokens in both shapes, whole and streamed', async () => {
    assert.equal((await post(fake.url, `${MODEL_PATH}/converse`, converseBody('max tokens'))).json.stopReason, 'max_tokens');
    const frames = decodeFrames((await post(fake.url, `${MODEL_PATH}/converse-stream`, converseBody('max tokens'))).bytes);
    assert.equal(frames.find((f) => f.headers[':event-type'] === 'messageStop').payload.stopReason, 'max_tokens');
    assert.equal((await post(fake.url, `${MODEL_PATH}/invoke`, invokeBody('max tokens'))).json.stop_reason, 'max_tokens');
    const events = sseEvents((await post(fake.url, '/anthropic/v1/messages', mantleBody('max tokens', { stream: true }))).bytes.toString('utf8'));
    assert.equal(events.find((e) => e.event === 'message_delta').data.delta.stop_reason, 'max_tokens');
  });
});

describe('with SigV4 credentials', () => {
  const credentials = { accessKeyId: 'AKIDFAKEBEDROCK', secretAccessKey: 'fake-secret-key' };
  const region = 'eu-west-1';
  let fake;
  before(async () => {
    fake = await startBedrockUpstream({ credentials, region });
  });
  after(async () => {
    await fake?.close();
  });

  const signedPost = async (path, body, signing) => {
    const text = JSON.stringify(body);
    const headers = await signRequest({ method: 'POST', url: `${fake.url}${path}`, headers: { 'content-type': 'application/json' }, body: text }, signing);
    return post(fake.url, path, text, headers);
  };

  test('accepts a runtime request signed for service bedrock, percent-encoded model id included', async () => {
    const res = await signedPost(`${MODEL_PATH}/converse`, converseBody('hello'), { ...credentials, region, service: 'bedrock' });
    assert.equal(res.status, 200, JSON.stringify(fake.requests.at(-1).auth?.sigv4?.reason));
    assert.equal(fake.requests.at(-1).auth.scheme, 'sigv4');
  });

  test('accepts a Mantle request signed for service bedrock-mantle', async () => {
    const res = await signedPost('/anthropic/v1/messages', mantleBody('hello'), { ...credentials, region, service: 'bedrock-mantle' });
    assert.equal(res.status, 200, JSON.stringify(fake.requests.at(-1).auth?.sigv4?.reason));
  });

  test('refuses a wrong secret, the wrong service or region, and an unsigned request with 403', async () => {
    const cases = [
      ['wrong secret', `${MODEL_PATH}/converse`, { ...credentials, secretAccessKey: 'nope', region, service: 'bedrock' }],
      ['wrong service', '/anthropic/v1/messages', { ...credentials, region, service: 'bedrock' }],
      ['wrong region', `${MODEL_PATH}/converse`, { ...credentials, region: 'us-east-1', service: 'bedrock' }],
    ];
    for (const [name, path, signing] of cases) {
      const res = await signedPost(path, path.startsWith('/anthropic') ? mantleBody('hello') : converseBody('hello'), signing);
      assert.equal(res.status, 403, name);
      assert.match(res.json.message, /^The request signature we calculated does not match/, name);
      assert.equal(fake.requests.at(-1).auth.ok, false, name);
    }
    const unsigned = await post(fake.url, `${MODEL_PATH}/converse`, converseBody('hello'));
    assert.equal(unsigned.status, 403);
  });
});

describe('with a bearer token', () => {
  const bearerToken = 'bedrock-api-key-fake';
  let fake;
  before(async () => {
    fake = await startBedrockUpstream({ bearerToken });
  });
  after(async () => {
    await fake?.close();
  });

  test('accepts Authorization: Bearer on every path', async () => {
    const auth = { authorization: `Bearer ${bearerToken}` };
    assert.equal((await post(fake.url, `${MODEL_PATH}/converse`, converseBody('hello'), auth)).status, 200);
    assert.equal((await post(fake.url, '/anthropic/v1/messages', mantleBody('hello'), auth)).status, 200);
  });

  test('accepts x-api-key on the Mantle Anthropic path only', async () => {
    const key = { 'x-api-key': bearerToken };
    assert.equal((await post(fake.url, '/anthropic/v1/messages', mantleBody('hello'), key)).status, 200);
    assert.equal((await post(fake.url, `${MODEL_PATH}/converse`, converseBody('hello'), key)).status, 403);
  });

  test('refuses a wrong or missing token with 403', async () => {
    const wrong = await post(fake.url, `${MODEL_PATH}/converse`, converseBody('hello'), { authorization: 'Bearer nope' });
    assert.equal(wrong.status, 403);
    assert.equal(typeof wrong.json.message, 'string');
    assert.equal((await post(fake.url, `${MODEL_PATH}/invoke`, invokeBody('hello'))).status, 403);
  });
});
