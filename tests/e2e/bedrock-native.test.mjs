// Bedrock's native APIs (Converse, ConverseStream, InvokeModel, InvokeModelWithResponseStream), Mantle
// Anthropic Messages and the Anthropic front door (/v1/messages), specified against the real binary
// with the official `openai` and `@anthropic-ai/sdk` packages as callers
// (../shared/reference/api.md §1.2, §3, §5.4, §7).
//
// The Bedrock origin is fakes/bedrock_upstream.mjs: it verifies every Runtime request's SigV4
// signature with the AWS SDK's own signer, wants the Mantle bearer token as x-api-key, answers in
// Bedrock's wire formats (EventStream frames built with AWS's @smithy/eventstream-codec) and picks
// its answer from the last user message (tool call, reasoning, image, mid-stream exception, a frame
// with a bad CRC, throttling, max tokens). OpenAI-shaped chat routes use fakes/openai_upstream.mjs.
//
// Run: SLUICE_BIN=/path/to/sluice node --test --test-concurrency=1 tests/e2e/bedrock-native.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

import {
  REASONING_SIGNATURE, REASONING_TEXT, STREAM_FAILURE_MESSAGE, THROTTLE_MESSAGE, TOOL_RESULT_ANSWER,
  TOOL_USE_ID, USAGE, helloText, startBedrockUpstream,
} from './fakes/bedrock_upstream.mjs';
import { answerFor, startOpenAIUpstream } from './fakes/openai_upstream.mjs';
import { allGatewayOutput, startGateway } from './lib/gateway.mjs';
import { bearer, request } from './lib/http.mjs';
import { callerIdentityYaml } from './lib/identity.mjs';

const KEY_SECRET = 's3cr3t-bedrock-native-key-3f1a77';
const CALLER_KEY = `gwk_e2enative1.${KEY_SECRET}`;
const REGION = 'us-east-1';
const MANTLE_TOKEN = 'e2e-mantle-bearer-token-77aa-bc01';
const COMPAT_TOKEN = 'e2e-native-compat-token-91de';
const CREDENTIALS = {
  accessKeyId: 'AKIAE2ENATIVE0000001',
  secretAccessKey: 'native-secret-access-key-0001-Zq9/x+Y',
};
const CONVERSE_MODEL = 'us.anthropic.claude-3-5-sonnet-20240620-v1:0';
const INVOKE_MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const MANTLE_MODEL = 'anthropic.claude-sonnet-4-5';
const SECRETS = [KEY_SECRET, MANTLE_TOKEN, COMPAT_TOKEN, CREDENTIALS.secretAccessKey];

// A 1×1 PNG, the smallest real image a caller can send.
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const PNG_BYTES = Buffer.from(PNG_BASE64, 'base64').length;

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const ANTHROPIC_WEATHER_TOOL = {
  name: 'get_weather',
  description: 'The current weather in a city',
  input_schema: WEATHER_TOOL.function.parameters,
};

function configYaml({ bedrockURL, compatURL }) {
  return `
providers:
  - id: bedrock-runtime
    type: aws_bedrock
    region: ${REGION}
    endpoint_kind: bedrock_runtime
    endpoint_url: ${bedrockURL}
    auth:
      mode: default_chain
  - id: bedrock-mantle
    type: aws_bedrock
    region: ${REGION}
    endpoint_kind: bedrock_mantle
    endpoint_url: ${bedrockURL}
    auth:
      mode: bearer
      token: env.AWS_BEARER_TOKEN_BEDROCK
  - id: compat
    type: openai_compat
    base_url: ${compatURL}/v1
    pricing_provider_id: openai
    auth:
      kind: bearer
      token: env.COMPAT_UPSTREAM_TOKEN

models:
  - id: claude-converse
    routes:
      - provider: bedrock-runtime
        upstream_model: ${CONVERSE_MODEL}
        capabilities: { json_schema: false, embeddings: false }
        compatibility: { aws_bedrock: { api_style: runtime_converse } }
  - id: claude-invoke
    routes:
      - provider: bedrock-runtime
        upstream_model: ${INVOKE_MODEL}
        capabilities: { responses: false, json_schema: false, embeddings: false }
        compatibility: { aws_bedrock: { api_style: runtime_anthropic_invoke } }
  - id: claude-mantle
    routes:
      - provider: bedrock-mantle
        upstream_model: ${MANTLE_MODEL}
        capabilities: { responses: false, json_schema: false, embeddings: false }
        compatibility: { aws_bedrock: { api_style: mantle_anthropic_messages } }
  - id: gpt-chat
    routes:
      - provider: compat
        upstream_model: gpt-4o-mini
${callerIdentityYaml({ key: CALLER_KEY, account: 'e2e-native' })}`;
}

let bedrock;
let compat;
let gw;

before(async () => {
  bedrock = await startBedrockUpstream({ credentials: CREDENTIALS, region: REGION, bearerToken: MANTLE_TOKEN });
  compat = await startOpenAIUpstream();
  const env = {};
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) env[name] = undefined;
  gw = await startGateway({
    config: configYaml({ bedrockURL: bedrock.url, compatURL: compat.url }),
    env: {
      ...env,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_BEARER_TOKEN_BEDROCK: MANTLE_TOKEN,
      COMPAT_UPSTREAM_TOKEN: COMPAT_TOKEN,
    },
  });
});

after(async () => {
  await gw?.stop();
  await bedrock?.close();
  await compat?.close();
  const output = allGatewayOutput.flatMap((o) => [...o.stdoutLines, ...o.stderrLines]).join('\n');
  for (const secret of SECRETS) assert.ok(!output.includes(secret), 'a secret reached the gateway output');
});

const openai = () => new OpenAI({ baseURL: `${gw.baseURL}/v1`, apiKey: CALLER_KEY, maxRetries: 0, timeout: 20_000 });
const anthropic = (options = {}) =>
  new Anthropic({ baseURL: gw.baseURL, apiKey: CALLER_KEY, maxRetries: 0, timeout: 20_000, ...options });

/** The requests the Bedrock fake received since `mark` (an index into its log). */
const since = (mark) => bedrock.requests.slice(mark);
function onlyRequest(mark) {
  const seen = since(mark);
  assert.equal(seen.length, 1, `expected one upstream request, got ${seen.map((r) => r.path).join(', ')}`);
  assert.equal(seen[0].auth?.ok ?? true, true, `upstream auth failed: ${JSON.stringify(seen[0].auth)}`);
  return seen[0];
}

// ---- Chat Completions callers on a Converse route ------------------------------------------------

describe('Chat Completions on a runtime_converse route', () => {
  test('chat.completions.create is translated to a signed Converse call and back, usage included', async () => {
    const mark = bedrock.requests.length;
    const completion = await openai().chat.completions.create({
      model: 'claude-converse',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello.' }],
      max_tokens: 64,
      temperature: 0.2,
    });
    const upstream = onlyRequest(mark);
    assert.equal(upstream.kind, 'converse');
    assert.equal(upstream.modelId, CONVERSE_MODEL);
    assert.match(upstream.path, /^\/model\/us\.anthropic\.claude-3-5-sonnet-20240620-v1%3A0\/converse$/);
    assert.match(upstream.headers.authorization, /^AWS4-HMAC-SHA256 Credential=AKIAE2ENATIVE0000001\/\d{8}\/us-east-1\/bedrock\/aws4_request/);
    assert.deepEqual(upstream.body.system, [{ text: 'Be brief.' }]);
    assert.deepEqual(upstream.body.messages, [{ role: 'user', content: [{ text: 'Say hello.' }] }]);
    assert.equal(upstream.body.inferenceConfig.maxTokens, 64);
    assert.equal(upstream.body.inferenceConfig.temperature, 0.2);

    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.model, 'claude-converse');
    assert.equal(completion.choices[0].message.content, helloText('converse'));
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.equal(completion.usage.prompt_tokens, USAGE.inputTokens);
    assert.equal(completion.usage.completion_tokens, USAGE.outputTokens);
  });

  test('a tool call round trip: the call with its id, then the tool result answered', async () => {
    const messages = [{ role: 'user', content: 'Please use the weather tool for Paris.' }];
    const first = await openai().chat.completions.create({ model: 'claude-converse', messages, tools: [WEATHER_TOOL] });
    const call = first.choices[0].message.tool_calls?.[0];
    assert.equal(first.choices[0].finish_reason, 'tool_calls');
    assert.equal(call.id, TOOL_USE_ID);
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });

    const mark = bedrock.requests.length;
    messages.push(first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: '{"sky":"clear"}' });
    const second = await openai().chat.completions.create({ model: 'claude-converse', messages, tools: [WEATHER_TOOL] });
    assert.equal(second.choices[0].message.content, TOOL_RESULT_ANSWER);
    const sent = onlyRequest(mark).body;
    assert.equal(sent.toolConfig.tools[0].toolSpec.name, 'get_weather');
    assert.deepEqual(sent.toolConfig.tools[0].toolSpec.inputSchema.json, WEATHER_TOOL.function.parameters);
    const assistantTurn = sent.messages[1];
    assert.equal(assistantTurn.role, 'assistant');
    assert.deepEqual(assistantTurn.content.find((b) => b.toolUse).toolUse,
      { toolUseId: TOOL_USE_ID, name: 'get_weather', input: { city: 'Paris' } });
    const resultTurn = sent.messages[2];
    assert.equal(resultTurn.role, 'user');
    assert.equal(resultTurn.content[0].toolResult.toolUseId, TOOL_USE_ID);
  });

  test('a streamed tool call is assembled by the SDK\'s stream helper, usage in the last chunk', async () => {
    const stream = openai().chat.completions.stream({
      model: 'claude-converse',
      messages: [{ role: 'user', content: 'use the weather tool' }],
      tools: [WEATHER_TOOL],
      stream_options: { include_usage: true },
    });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0].message.tool_calls[0];
    assert.equal(call.id, TOOL_USE_ID);
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
    assert.equal(final.choices[0].finish_reason, 'tool_calls');
    assert.equal(final.usage?.prompt_tokens, USAGE.inputTokens);
  });

  test('a streamed answer arrives delta by delta and ends with [DONE]', async () => {
    const mark = bedrock.requests.length;
    const res = await request(gw.baseURL, {
      method: 'POST', path: '/v1/chat/completions', headers: bearer(CALLER_KEY),
      body: { model: 'claude-converse', stream: true, messages: [{ role: 'user', content: 'hello' }] },
    });
    assert.equal(res.status, 200, res.body);
    assert.match(res.headers['content-type'], /^text\/event-stream/);
    const upstream = onlyRequest(mark);
    assert.equal(upstream.kind, 'converse-stream');
    assert.equal(upstream.headers.accept, 'application/vnd.amazon.eventstream');
    const frames = res.body.split('\n\n').filter(Boolean).map((f) => f.replace(/^data: /, ''));
    assert.equal(frames.at(-1), '[DONE]');
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f));
    const text = chunks.map((c) => c.choices?.[0]?.delta?.content ?? '').join('');
    assert.equal(text, helloText('converse-stream'));
    assert.ok(chunks.filter((c) => c.choices?.[0]?.delta?.content).length >= 2, 'several deltas');
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  });

  test('a data-URL image reaches Converse as an image block with its bytes', async () => {
    const completion = await openai().chat.completions.create({
      model: 'claude-converse',
      messages: [{ role: 'user', content: [
        { type: 'text', text: 'describe the image' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
      ] }],
    });
    assert.equal(completion.choices[0].message.content, `I see a png image of ${PNG_BYTES} bytes`);
  });

  test('a remote image URL is refused with 400 before any upstream call', async () => {
    const mark = bedrock.requests.length;
    await assert.rejects(
      openai().chat.completions.create({
        model: 'claude-converse',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }],
      }),
      (err) => err.status === 400 && /image/i.test(err.message),
    );
    assert.equal(since(mark).length, 0);
  });

  test('reasoning comes back beside the answer', async () => {
    const completion = await openai().chat.completions.create({
      model: 'claude-converse', messages: [{ role: 'user', content: 'think first, then greet' }], reasoning_effort: 'low',
    });
    const message = completion.choices[0].message;
    assert.equal(message.reasoning_content, REASONING_TEXT);
    assert.ok(message.content.length > 0);
  });

  test('an exception frame mid-stream ends the stream with an error the SDK raises', async () => {
    const stream = await openai().chat.completions.create({
      model: 'claude-converse', stream: true, messages: [{ role: 'user', content: 'fail midway' }],
    });
    let text = '';
    await assert.rejects(async () => {
      for await (const chunk of stream) text += chunk.choices?.[0]?.delta?.content ?? '';
    }, (err) => err instanceof OpenAI.APIError && err.message.includes(STREAM_FAILURE_MESSAGE));
    assert.ok(text.length > 0, 'the deltas before the exception arrived');
  });

  test('a frame with a bad CRC ends the stream with an upstream_transport error', async () => {
    const res = await request(gw.baseURL, {
      method: 'POST', path: '/v1/chat/completions', headers: bearer(CALLER_KEY),
      body: { model: 'claude-converse', stream: true, messages: [{ role: 'user', content: 'bad crc' }] },
    });
    assert.equal(res.status, 200);
    assert.ok(!res.body.includes('[DONE]'), res.body);
    const last = JSON.parse(res.body.trim().split('\n\n').at(-1).replace(/^data: /, ''));
    assert.equal(last.error.code, 'upstream_transport');
    assert.match(last.error.message, /CRC/);
  });

  test('Bedrock throttling passes through as 429 upstream_http_error with its message', async () => {
    await assert.rejects(
      openai().chat.completions.create({ model: 'claude-converse', messages: [{ role: 'user', content: 'throttle me' }] }),
      (err) => err.status === 429 && err.code === 'upstream_http_error' && err.message.includes(THROTTLE_MESSAGE),
    );
  });

  test('max_tokens stop becomes finish_reason length', async () => {
    const completion = await openai().chat.completions.create({
      model: 'claude-converse', messages: [{ role: 'user', content: 'max tokens please' }],
    });
    assert.equal(completion.choices[0].finish_reason, 'length');
  });
});

// ---- Responses callers on a Converse route (Sluice goes beyond the reference) --------------------

describe('Responses on a runtime_converse route', () => {
  test('responses.create is answered from Converse with output_text and usage', async () => {
    const mark = bedrock.requests.length;
    const response = await openai().responses.create({
      model: 'claude-converse', instructions: 'Be brief.', input: 'Say hello.', max_output_tokens: 50,
    });
    const sent = onlyRequest(mark).body;
    assert.deepEqual(sent.system, [{ text: 'Be brief.' }]);
    assert.equal(sent.inferenceConfig.maxTokens, 50);
    assert.equal(response.object, 'response');
    assert.equal(response.status, 'completed');
    assert.equal(response.output_text, helloText('converse'));
    assert.equal(response.usage.input_tokens, USAGE.inputTokens);
    assert.equal(response.usage.output_tokens, USAGE.outputTokens);
  });

  test('responses.stream assembles a function call from ConverseStream', async () => {
    const stream = openai().responses.stream({
      model: 'claude-converse',
      input: 'use the weather tool',
      tools: [{ type: 'function', name: 'get_weather', parameters: WEATHER_TOOL.function.parameters, strict: false }],
    });
    const final = await stream.finalResponse();
    const call = final.output.find((item) => item.type === 'function_call');
    assert.ok(call, JSON.stringify(final.output));
    assert.equal(call.call_id, TOOL_USE_ID);
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.arguments), { city: 'Paris' });
    assert.equal(final.usage.input_tokens, USAGE.inputTokens);
  });

  test('responses.stream delivers text deltas and a completed response', async () => {
    const stream = openai().responses.stream({ model: 'claude-converse', input: 'hello' });
    let deltas = 0;
    stream.on('response.output_text.delta', () => { deltas++; });
    const final = await stream.finalResponse();
    // The stream helper does not add the `output_text` convenience; read the message parts.
    const text = final.output.filter((item) => item.type === 'message')
      .flatMap((item) => item.content).filter((part) => part.type === 'output_text').map((part) => part.text).join('');
    assert.equal(text, helloText('converse-stream'));
    assert.ok(deltas >= 2);
    assert.equal(final.status, 'completed');
  });
});

// ---- Anthropic callers ----------------------------------------------------------------------------

describe('/v1/messages (Anthropic front door)', () => {
  test('messages.create on a Converse route, authenticated with x-api-key', async () => {
    const message = await anthropic().messages.create({
      model: 'claude-converse', max_tokens: 100, system: 'Be brief.',
      messages: [{ role: 'user', content: 'Say hello.' }],
    });
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.equal(message.content[0].type, 'text');
    assert.equal(message.content[0].text, helloText('converse'));
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.usage.input_tokens, USAGE.inputTokens);
    assert.equal(message.usage.output_tokens, USAGE.outputTokens);
  });

  test('messages.stream on a Converse route assembles a tool_use block', async () => {
    const stream = anthropic().messages.stream({
      model: 'claude-converse', max_tokens: 100, tools: [ANTHROPIC_WEATHER_TOOL],
      messages: [{ role: 'user', content: 'use the weather tool' }],
    });
    const final = await stream.finalMessage();
    const toolUse = final.content.find((b) => b.type === 'tool_use');
    assert.ok(toolUse, JSON.stringify(final.content));
    assert.equal(toolUse.id, TOOL_USE_ID);
    assert.deepEqual(toolUse.input, { city: 'Paris' });
    assert.equal(final.stop_reason, 'tool_use');
    assert.equal(final.usage.output_tokens, USAGE.outputTokens);
  });

  test('messages.stream on an invoke route streams natively through InvokeModelWithResponseStream', async () => {
    const mark = bedrock.requests.length;
    const stream = anthropic().messages.stream({
      model: 'claude-invoke', max_tokens: 100, messages: [{ role: 'user', content: 'think first' }],
      thinking: { type: 'enabled', budget_tokens: 1024 },
    });
    const final = await stream.finalMessage();
    const upstream = onlyRequest(mark);
    assert.equal(upstream.kind, 'invoke-with-response-stream');
    assert.equal(upstream.modelId, INVOKE_MODEL);
    assert.equal(upstream.body.anthropic_version, 'bedrock-2023-05-31');
    assert.equal(upstream.body.model, undefined);
    assert.deepEqual(upstream.body.thinking, { type: 'enabled', budget_tokens: 1024 });
    const thinking = final.content.find((b) => b.type === 'thinking');
    assert.equal(thinking?.thinking, REASONING_TEXT);
    assert.equal(thinking?.signature, REASONING_SIGNATURE);
    assert.ok(final.content.some((b) => b.type === 'text'));
    assert.equal(final.usage.output_tokens, USAGE.outputTokens);
  });

  test('messages.create on an invoke route passes the Anthropic body through', async () => {
    const mark = bedrock.requests.length;
    const message = await anthropic().messages.create({
      model: 'claude-invoke', max_tokens: 77, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] }],
    });
    const upstream = onlyRequest(mark);
    assert.equal(upstream.kind, 'invoke');
    assert.deepEqual(upstream.body.messages, [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] }]);
    assert.equal(upstream.body.max_tokens, 77);
    assert.equal(message.content[0].text, helloText('invoke'));
  });

  test('messages.stream on Mantle Anthropic Messages sends the token as x-api-key and anthropic-version', async () => {
    const mark = bedrock.requests.length;
    const stream = anthropic().messages.stream({
      model: 'claude-mantle', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }],
    });
    const final = await stream.finalMessage();
    const upstream = onlyRequest(mark);
    assert.equal(upstream.kind, 'anthropic-messages');
    assert.equal(upstream.headers['x-api-key'], MANTLE_TOKEN);
    assert.equal(upstream.headers.authorization, undefined);
    assert.equal(upstream.headers['anthropic-version'], '2023-06-01');
    assert.equal(upstream.body.model, MANTLE_MODEL);
    assert.equal(upstream.body.stream, true);
    assert.equal(final.content[0].text, helloText('anthropic-messages'));
  });

  test('messages.create on an OpenAI chat route is translated both ways', async () => {
    const message = await anthropic().messages.create({
      model: 'gpt-chat', max_tokens: 50, messages: [{ role: 'user', content: 'translate me' }],
    });
    const upstream = compat.requests.at(-1);
    assert.equal(upstream.path, '/v1/chat/completions');
    assert.deepEqual(upstream.body.messages.at(-1), { role: 'user', content: 'translate me' });
    assert.equal(message.content[0].text, answerFor('translate me'));
    assert.equal(message.stop_reason, 'end_turn');
  });

  test('messages.stream on an OpenAI chat route yields Anthropic events', async () => {
    const stream = anthropic().messages.stream({
      model: 'gpt-chat', max_tokens: 50, messages: [{ role: 'user', content: 'stream me' }],
    });
    const seen = new Set();
    stream.on('streamEvent', (event) => seen.add(event.type));
    const final = await stream.finalMessage();
    assert.equal(final.content[0].text, answerFor('stream me'));
    for (const type of ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']) {
      assert.ok(seen.has(type), `missing ${type}`);
    }
  });

  test('a mid-stream exception reaches the Anthropic SDK as an error event', async () => {
    const stream = anthropic().messages.stream({
      model: 'claude-converse', max_tokens: 50, messages: [{ role: 'user', content: 'fail midway' }],
    });
    await assert.rejects(stream.finalMessage(), (err) => err.message.includes(STREAM_FAILURE_MESSAGE));
  });

  test('errors on /v1/messages use the Anthropic envelope', async () => {
    const res = await request(gw.baseURL, {
      method: 'POST', path: '/v1/messages', headers: { 'x-api-key': CALLER_KEY },
      body: { model: 'no-such-model', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] },
    });
    assert.equal(res.status, 404);
    assert.equal(res.json.type, 'error');
    assert.equal(res.json.error.type, 'not_found_error');
    assert.equal(res.json.error.code, 'model_not_found');
    await assert.rejects(
      anthropic().messages.create({ model: 'no-such-model', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
      (err) => err instanceof Anthropic.NotFoundError,
    );
  });

  test('/messages is the same front door', async () => {
    const res = await request(gw.baseURL, {
      method: 'POST', path: '/messages', headers: { 'x-api-key': CALLER_KEY, 'anthropic-version': '2023-06-01' },
      body: { model: 'claude-converse', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] },
    });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json.type, 'message');
  });

  test('a Responses request on an Anthropic-only route is refused with 400', async () => {
    await assert.rejects(
      openai().responses.create({ model: 'claude-invoke', input: 'hi' }),
      (err) => err.status === 400,
    );
  });
});

// ---- Chat Completions callers on Anthropic-shaped routes ------------------------------------------

describe('Chat Completions on Anthropic-shaped routes', () => {
  test('chat on an invoke route is sent as an Anthropic body and answered as a chat completion', async () => {
    const mark = bedrock.requests.length;
    const completion = await openai().chat.completions.create({
      model: 'claude-invoke', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hello' }],
      max_completion_tokens: 40,
    });
    const upstream = onlyRequest(mark);
    assert.equal(upstream.body.anthropic_version, 'bedrock-2023-05-31');
    assert.equal(upstream.body.max_tokens, 40);
    assert.equal(upstream.body.system, 'Be brief.');
    assert.equal(completion.choices[0].message.content, helloText('invoke'));
    assert.equal(completion.usage.prompt_tokens, USAGE.inputTokens);
  });

  test('a streamed chat on an invoke route carries a tool call assembled by the SDK', async () => {
    const stream = openai().chat.completions.stream({
      model: 'claude-invoke', messages: [{ role: 'user', content: 'use the weather tool' }], tools: [WEATHER_TOOL],
    });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0].message.tool_calls[0];
    assert.equal(call.id, TOOL_USE_ID);
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
  });

  test('a streamed chat on Mantle Anthropic Messages is translated from Anthropic SSE', async () => {
    const stream = openai().chat.completions.stream({
      model: 'claude-mantle', messages: [{ role: 'user', content: 'hello' }],
    });
    const final = await stream.finalChatCompletion();
    assert.equal(final.choices[0].message.content, helloText('anthropic-messages'));
    assert.equal(final.choices[0].finish_reason, 'stop');
  });
});
