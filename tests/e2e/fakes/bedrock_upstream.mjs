#!/usr/bin/env node
// A small Amazon Bedrock upstream for the end-to-end tests: the Runtime's native APIs and Mantle's
// Anthropic Messages endpoint, answering in the shapes the real services use.
//
// Served, under the paths AWS uses:
//   POST /model/{modelId}/converse                     Converse JSON
//   POST /model/{modelId}/converse-stream              ConverseStream: AWS EventStream frames
//   POST /model/{modelId}/invoke                       InvokeModel with an Anthropic Messages body
//   POST /model/{modelId}/invoke-with-response-stream  EventStream `chunk` frames, each carrying one
//                                                      Anthropic stream event as base64 `bytes`
//   POST /anthropic/v1/messages                        Mantle: Anthropic Messages JSON, or SSE with
//                                                      `stream: true`
// The model id arrives percent-encoded (`us.anthropic.claude-3-5-sonnet-20240620-v1%3A0`) or as an
// ARN with literal `:` and `/`; it is recorded decoded. Streamed frames are written one by one with
// a small gap (frameGapMs) so that they reach the client as separate TCP writes, the way a real
// model's output does. Payloads of EventStream events carry Bedrock's `p` padding field.
//
// The request scripts the answer, so a test picks a scenario by what it asks. The last user turn's
// text (Converse text blocks, Anthropic string or text blocks) is searched for a keyword:
//   (none)                 text "Hello from <kind>" (kind: converse, converse-stream, invoke,
//                          invoke-with-response-stream, anthropic-messages), several deltas when
//                          streamed; usage 11 input / 7 output tokens
//   "use the weather tool" with tools offered: tool call get_weather, id tooluse_abc123, input
//                          {"city":"Paris"} (streamed in two input fragments), stop reason tool_use.
//                          A last user turn that carries a toolResult / tool_result is answered
//                          "It is sunny in Paris." instead.
//   "think first"          a reasoning (Converse) / thinking (Anthropic) block with a signature,
//                          then the text
//   "describe the image"   "I see a <format> image of <N> bytes", from the first image it received
//   "fail midway"          streams only: two deltas, then a modelStreamErrorException frame (SSE: an
//                          `error` event with an overloaded_error)
//   "bad crc"              EventStream streams only: one delta frame has a payload byte flipped
//                          after encoding, so its message CRC fails
//   "throttle me"          429 {"message": "Too many requests, ..."}, x-amzn-errortype
//                          ThrottlingException (on every path, Mantle's included)
//   "max tokens"           stop reason max_tokens
//
// Authentication: startBedrockUpstream({ credentials, region }) verifies SigV4 on every request
// (service `bedrock` on /model/ paths, `bedrock-mantle` on /anthropic/ paths) with
// fakes/sigv4_verifier.mjs; `credentials` is one set { accessKeyId, secretAccessKey, sessionToken? },
// a list of sets valid at once, or a function returning either. startBedrockUpstream({ bearerToken })
// wants `Authorization: Bearer <token>` (or `x-api-key: <token>` on the Mantle path). A request
// that fails either check is answered 403 like AWS. With both set, a request is checked by the kind
// of Authorization it carries. Every verdict is recorded as request.auth.
//
// As a module:   const fake = await startBedrockUpstream({ host, port, credentials, region, bearerToken });
//   -> { url, port, requests, close() }

import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';

import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

import { listen } from '../lib/listen.mjs';
import { verifySigV4 } from './sigv4_verifier.mjs';

export const USAGE = { inputTokens: 11, outputTokens: 7 };
export const TOOL_USE_ID = 'tooluse_abc123';
export const TOOL_RESULT_ANSWER = 'It is sunny in Paris.';
export const STREAM_FAILURE_MESSAGE = 'The model stream failed midway';
export const THROTTLE_MESSAGE = 'Too many requests, please wait before trying again.';
export const SIGNATURE_MISMATCH_MESSAGE = 'The request signature we calculated does not match the signature you provided. '
  + 'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
export const REASONING_TEXT = 'The user wants a greeting. A short one will do.';
export const REASONING_SIGNATURE = 'EqoBCkgIARABGAIiQGZha2Utc2lnbmF0dXJlLWZvci10aGUtdGVzdHM=';

const ANTHROPIC_BEDROCK_VERSION = 'bedrock-2023-05-31';
const LATENCY_MS = 123;

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** The default answer's text for a kind of request. */
export function helloText(kind) {
  return `Hello from ${kind}`;
}

/**
 * Starts the fake on `host`:`port` (port 0: any free port). Resolves once listening; `url` has no
 * path. `requests` records every request: { method, path (raw), kind, modelId (decoded; null on the
 * Mantle path), headers, body (parsed JSON, or the text when it is not JSON), rawBody, auth }.
 */
export async function startBedrockUpstream({
  host = '127.0.0.1', port = 0, credentials, region = 'us-east-1', bearerToken, frameGapMs = 1, log,
} = {}) {
  const requests = [];
  const sockets = new Set();
  const context = { requests, credentials, region, bearerToken, frameGapMs, log };
  const server = http.createServer((req, res) => {
    handleRequest(req, res, context).catch((err) => {
      log?.(`handler failed: ${err.stack ?? err}`);
      if (!res.headersSent) sendAwsError(res, 500, 'InternalServerException', `fake upstream failed: ${err.message}`);
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const { port: actualPort, origin } = await listen(server, { host, port });
  return {
    url: origin,
    port: actualPort,
    requests,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// ---- routing ------------------------------------------------------------------------------------

const RUNTIME_PATH = /^\/model\/(.+)\/(converse|converse-stream|invoke|invoke-with-response-stream)$/;
const MANTLE_MESSAGES_PATH = '/anthropic/v1/messages';

/** { kind, modelId, service } for a path the fake serves, else null. */
function route(path) {
  const runtime = RUNTIME_PATH.exec(path);
  if (runtime) return { kind: runtime[2], modelId: safeDecode(runtime[1]), service: 'bedrock' };
  if (path === MANTLE_MESSAGES_PATH) return { kind: 'anthropic-messages', modelId: null, service: 'bedrock-mantle' };
  return null;
}

async function handleRequest(req, res, context) {
  const bodyBytes = await readBody(req);
  const rawBody = bodyBytes.toString('utf8');
  let body = rawBody;
  try {
    body = JSON.parse(rawBody);
  } catch {
    // kept as text; the operation answers 400
  }
  const path = req.url.split('?')[0];
  const target = route(path);
  const recorded = {
    method: req.method,
    path,
    kind: target?.kind ?? null,
    modelId: target?.modelId ?? null,
    headers: { ...req.headers },
    body,
    rawBody,
    auth: null,
  };
  context.requests.push(recorded);
  res.on('finish', () => context.log?.(`${req.method} ${req.url} -> ${res.statusCode}`));

  if (!target || req.method !== 'POST') {
    return sendAwsError(res, 404, 'UnknownOperationException', `unknown operation ${req.method} ${path}`);
  }
  recorded.auth = await authenticate(req, bodyBytes, target, context);
  if (!recorded.auth.ok) {
    const type = recorded.auth.scheme === 'sigv4' ? 'InvalidSignatureException' : 'AccessDeniedException';
    const message = recorded.auth.scheme === 'sigv4' ? SIGNATURE_MISMATCH_MESSAGE : `Authentication failed: ${recorded.auth.reason}`;
    return sendAwsError(res, 403, type, message);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return sendAwsError(res, 400, 'ValidationException', 'Malformed input request: the body is not a JSON object');
  }

  const invalid = validate(target.kind, body);
  if (invalid) return sendAwsError(res, 400, 'ValidationException', invalid);
  const request = readRequest(target.kind, body);
  if (request.text.includes('throttle me')) return sendAwsError(res, 429, 'ThrottlingException', THROTTLE_MESSAGE);

  const answer = planAnswer(target.kind, request);
  const model = target.modelId ?? body.model;
  const stream = (frames, contentType) => writeFrames(res, frames, contentType, context.frameGapMs);
  switch (target.kind) {
    case 'converse':
      return sendJson(res, 200, converseResponse(answer));
    case 'converse-stream':
      return stream(converseStreamFrames(answer), 'application/vnd.amazon.eventstream');
    case 'invoke':
      return sendJson(res, 200, anthropicMessage(answer, model), invocationHeaders());
    case 'invoke-with-response-stream':
      return stream(invokeStreamFrames(answer, model), 'application/vnd.amazon.eventstream');
    default:
      if (body.stream === true) return stream(anthropicSseFrames(answer, model), 'text/event-stream; charset=utf-8');
      return sendJson(res, 200, anthropicMessage(answer, model));
  }
}

// ---- authentication -----------------------------------------------------------------------------

/** { ok, scheme: 'sigv4' | 'bearer' | 'none', reason, sigv4 (the verifier's verdict) }. */
async function authenticate(req, bodyBytes, target, { credentials, region, bearerToken }) {
  const authorization = req.headers.authorization ?? '';
  const useSigV4 = credentials && (!bearerToken || authorization.startsWith('AWS4-HMAC-SHA256'));
  if (useSigV4) {
    const sigv4 = await checkSigV4(credentials, { region, service: target.service }, {
      method: req.method, path: req.url, rawHeaders: req.rawHeaders, body: bodyBytes,
    });
    return { ok: sigv4.ok, scheme: 'sigv4', reason: sigv4.reason, sigv4 };
  }
  if (bearerToken) {
    const bearerOk = authorization === `Bearer ${bearerToken}`;
    const apiKeyOk = target.kind === 'anthropic-messages' && req.headers['x-api-key'] === bearerToken;
    if (bearerOk || apiKeyOk) return { ok: true, scheme: 'bearer', reason: null };
    return { ok: false, scheme: 'bearer', reason: 'the bearer token is missing or not valid' };
  }
  return { ok: true, scheme: 'none', reason: null };
}

/** Ok if signed with any of the valid credential sets; else the verdict naming the sender's key. */
async function checkSigV4(credentials, scope, request) {
  const current = typeof credentials === 'function' ? await credentials() : credentials;
  const sets = (Array.isArray(current) ? current : [current]).filter(Boolean);
  const verdicts = [];
  for (const set of sets) {
    const verdict = await verifySigV4(request, { ...set, ...scope });
    if (verdict.ok) return verdict;
    verdicts.push({ verdict, accessKeyId: set.accessKeyId });
  }
  const named = verdicts.find((v) => v.verdict.details?.credential?.startsWith(`${v.accessKeyId}/`));
  return (named ?? verdicts[0])?.verdict ?? { ok: false, reason: 'no credentials are valid at the fake', details: {} };
}

// ---- reading the request ------------------------------------------------------------------------

/** Why Bedrock would refuse the body (Malformed input request), or null. */
function validate(kind, body) {
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return 'Malformed input request: messages must be a non-empty array';
  }
  if (kind === 'invoke' || kind === 'invoke-with-response-stream') {
    // What Bedrock says when an Anthropic body is sent as it would be to Anthropic itself.
    if (body.anthropic_version !== ANTHROPIC_BEDROCK_VERSION) {
      return `Malformed input request: #: required key [anthropic_version] not found or not ${ANTHROPIC_BEDROCK_VERSION}`;
    }
    if ('model' in body) return 'Malformed input request: #: extraneous key [model] is not permitted';
  }
  if (kind === 'anthropic-messages' && typeof body.model !== 'string') return 'model: Field required';
  return null;
}

/**
 * What the scenarios look at: the last user turn's text, its tool result and first image, and
 * whether tools were offered. Converse and Anthropic blocks are both understood.
 */
function readRequest(kind, body) {
  const lastUser = [...body.messages].reverse().find((m) => m && m.role === 'user');
  const blocks = typeof lastUser?.content === 'string' ? [{ type: 'text', text: lastUser.content }] : (lastUser?.content ?? []);
  const text = blocks
    .filter((b) => b && typeof b.text === 'string' && (b.type === undefined || b.type === 'text'))
    .map((b) => b.text)
    .join(' ');
  const hasToolResult = blocks.some((b) => b && (b.toolResult !== undefined || b.type === 'tool_result'));
  const tools = kind.startsWith('converse') ? body.toolConfig?.tools : body.tools;
  return { kind, text, hasToolResult, hasTools: Array.isArray(tools) && tools.length > 0, image: firstImage(blocks) };
}

/** { format, bytes } of the first image block, or null. */
function firstImage(blocks) {
  for (const block of blocks) {
    if (block?.image?.source?.bytes !== undefined) {
      return { format: block.image.format, bytes: Buffer.from(block.image.source.bytes, 'base64').length };
    }
    if (block?.type === 'image' && block.source?.type === 'base64') {
      return { format: String(block.source.media_type).replace(/^image\//, ''), bytes: Buffer.from(block.source.data, 'base64').length };
    }
  }
  return null;
}

/**
 * The answer, independent of its wire shape: { blocks: [{ type: 'text', text } | { type: 'reasoning',
 * text, signature } | { type: 'tool_use', id, name, input, inputFragments }], stopReason, failMidway,
 * badCrc }.
 */
function planAnswer(kind, { text, hasToolResult, hasTools, image }) {
  const answer = { blocks: [], stopReason: 'end_turn', failMidway: text.includes('fail midway'), badCrc: text.includes('bad crc') };
  if (hasToolResult) {
    answer.blocks.push({ type: 'text', text: TOOL_RESULT_ANSWER });
  } else if (text.includes('use the weather tool') && hasTools) {
    answer.blocks.push({
      type: 'tool_use', id: TOOL_USE_ID, name: 'get_weather', input: { city: 'Paris' }, inputFragments: ['{"city":', ' "Paris"}'],
    });
    answer.stopReason = 'tool_use';
  } else if (text.includes('describe the image') && image) {
    answer.blocks.push({ type: 'text', text: `I see a ${image.format} image of ${image.bytes} bytes` });
  } else {
    if (text.includes('think first')) answer.blocks.push({ type: 'reasoning', text: REASONING_TEXT, signature: REASONING_SIGNATURE });
    answer.blocks.push({ type: 'text', text: helloText(kind) });
  }
  if (text.includes('max tokens')) answer.stopReason = 'max_tokens';
  return answer;
}

/** Word-sized pieces that concatenate back to `text`: "Hello from x" -> ["Hello", " from", " x"]. */
function splitIntoDeltas(text) {
  return text.match(/\s*\S+|\s+$/g) ?? [text];
}

// ---- Converse -----------------------------------------------------------------------------------

function converseResponse(answer) {
  const content = answer.blocks.map((block) => {
    if (block.type === 'text') return { text: block.text };
    if (block.type === 'reasoning') return { reasoningContent: { reasoningText: { text: block.text, signature: block.signature } } };
    return { toolUse: { toolUseId: block.id, name: block.name, input: block.input } };
  });
  return {
    output: { message: { role: 'assistant', content } },
    stopReason: answer.stopReason,
    usage: converseUsage(),
    metrics: { latencyMs: LATENCY_MS },
  };
}

function converseUsage() {
  return { inputTokens: USAGE.inputTokens, outputTokens: USAGE.outputTokens, totalTokens: USAGE.inputTokens + USAGE.outputTokens };
}

/** ConverseStream's events in order, as [eventType, body]; a failing stream ends in an exception. */
function converseStreamEvents(answer) {
  const events = [['messageStart', { role: 'assistant' }]];
  answer.blocks.forEach((block, index) => {
    const delta = (d) => events.push(['contentBlockDelta', { contentBlockIndex: index, delta: d }]);
    if (block.type === 'text') {
      for (const piece of splitIntoDeltas(block.text)) delta({ text: piece });
    } else if (block.type === 'reasoning') {
      for (const piece of splitIntoDeltas(block.text)) delta({ reasoningContent: { text: piece } });
      delta({ reasoningContent: { signature: block.signature } });
    } else {
      events.push(['contentBlockStart', { contentBlockIndex: index, start: { toolUse: { toolUseId: block.id, name: block.name } } }]);
      for (const fragment of block.inputFragments) delta({ toolUse: { input: fragment } });
    }
    events.push(['contentBlockStop', { contentBlockIndex: index }]);
  });
  events.push(['messageStop', { stopReason: answer.stopReason }]);
  events.push(['metadata', { usage: converseUsage(), metrics: { latencyMs: LATENCY_MS } }]);
  return events;
}

function converseStreamFrames(answer) {
  const events = converseStreamEvents(answer);
  if (answer.failMidway) return [...firstDeltas(events, 'contentBlockDelta').map(eventFrame), exceptionFrame()];
  return withBadCrc(answer, events, 'contentBlockDelta');
}

// ---- Anthropic Messages (InvokeModel and Mantle) ------------------------------------------------

function anthropicMessage(answer, model) {
  return {
    id: `msg_bdrk_${randomBytes(12).toString('hex')}`,
    type: 'message',
    role: 'assistant',
    model,
    content: answer.blocks.map(anthropicBlock),
    stop_reason: answer.stopReason,
    stop_sequence: null,
    usage: { input_tokens: USAGE.inputTokens, output_tokens: USAGE.outputTokens },
  };
}

function anthropicBlock(block) {
  if (block.type === 'text') return { type: 'text', text: block.text };
  if (block.type === 'reasoning') return { type: 'thinking', thinking: block.text, signature: block.signature };
  return { type: 'tool_use', id: block.id, name: block.name, input: block.input };
}

/** The Anthropic stream events in order; `ping` only on Mantle's SSE, where the real API sends it. */
function anthropicStreamEvents(answer, model, { ping = false, invocationMetrics = false } = {}) {
  const message = { ...anthropicMessage(answer, model), content: [], stop_reason: null, usage: { input_tokens: USAGE.inputTokens, output_tokens: 1 } };
  const events = [{ type: 'message_start', message }];
  if (ping) events.push({ type: 'ping' });
  answer.blocks.forEach((block, index) => {
    const delta = (d) => events.push({ type: 'content_block_delta', index, delta: d });
    if (block.type === 'text') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const piece of splitIntoDeltas(block.text)) delta({ type: 'text_delta', text: piece });
    } else if (block.type === 'reasoning') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
      for (const piece of splitIntoDeltas(block.text)) delta({ type: 'thinking_delta', thinking: piece });
      delta({ type: 'signature_delta', signature: block.signature });
    } else {
      events.push({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      for (const fragment of block.inputFragments) delta({ type: 'input_json_delta', partial_json: fragment });
    }
    events.push({ type: 'content_block_stop', index });
  });
  events.push({ type: 'message_delta', delta: { stop_reason: answer.stopReason, stop_sequence: null }, usage: { output_tokens: USAGE.outputTokens } });
  const stop = { type: 'message_stop' };
  if (invocationMetrics) {
    // Bedrock adds its own accounting to the last event of an InvokeModelWithResponseStream.
    stop['amazon-bedrock-invocationMetrics'] = {
      inputTokenCount: USAGE.inputTokens, outputTokenCount: USAGE.outputTokens, invocationLatency: LATENCY_MS * 2, firstByteLatency: LATENCY_MS,
    };
  }
  events.push(stop);
  return events;
}

function invokeStreamFrames(answer, model) {
  const chunks = anthropicStreamEvents(answer, model, { invocationMetrics: true })
    .map((event) => ['chunk', { bytes: Buffer.from(JSON.stringify(event)).toString('base64'), event }]);
  const isDelta = ([, chunk]) => chunk.event.type === 'content_block_delta';
  const strip = ([type, chunk]) => [type, { bytes: chunk.bytes }];
  if (answer.failMidway) return [...firstDeltas(chunks, isDelta).map(strip).map(eventFrame), exceptionFrame()];
  return withBadCrc(answer, chunks.map(strip), (_, i) => isDelta(chunks[i]));
}

function anthropicSseFrames(answer, model) {
  const events = anthropicStreamEvents(answer, model, { ping: true });
  const sse = (event) => Buffer.from(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  if (!answer.failMidway) return events.map(sse);
  const error = { type: 'error', error: { type: 'overloaded_error', message: STREAM_FAILURE_MESSAGE } };
  return [...firstDeltas(events, (e) => e.type === 'content_block_delta').map(sse), sse(error)];
}

// ---- EventStream frames -------------------------------------------------------------------------

/** The events up to and including the second delta (`isDelta`: an event type or a predicate). */
function firstDeltas(events, isDelta) {
  const test = typeof isDelta === 'function' ? isDelta : ([type]) => type === isDelta;
  let seen = 0;
  const end = events.findIndex((event, i) => test(event, i) && ++seen === 2);
  return events.slice(0, end + 1);
}

/** Frames for [eventType, body] events; with answer.badCrc the first delta's frame is corrupted. */
function withBadCrc(answer, events, isDelta) {
  const test = typeof isDelta === 'function' ? isDelta : ([type]) => type === isDelta;
  const corrupt = answer.badCrc ? events.findIndex((event, i) => test(event, i)) : -1;
  return events.map((event, i) => (i === corrupt ? corruptPayload(eventFrame(event)) : eventFrame(event)));
}

/** Bedrock pads event payloads with a `p` field of varying length, so sizes do not leak the text. */
function padding(body) {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return alphabet.slice(0, 1 + (JSON.stringify(body).length % alphabet.length));
}

export function eventFrame([eventType, body]) {
  return encodeFrame({
    ':event-type': eventType,
    ':content-type': 'application/json',
    ':message-type': 'event',
  }, { ...body, p: padding(body) });
}

export function exceptionFrame(exceptionType = 'modelStreamErrorException', message = STREAM_FAILURE_MESSAGE) {
  return encodeFrame({
    ':exception-type': exceptionType,
    ':content-type': 'application/json',
    ':message-type': 'exception',
  }, { message });
}

function encodeFrame(headers, payload) {
  const tagged = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, { type: 'string', value }]));
  return Buffer.from(codec.encode({ headers: tagged, body: fromUtf8(JSON.stringify(payload)) }));
}

/** Flips a bit of the payload's last byte, leaving the lengths and prelude CRC intact. */
function corruptPayload(frame) {
  const copy = Buffer.from(frame);
  copy[copy.length - 5] ^= 0x01;
  return copy;
}

// ---- HTTP helpers -------------------------------------------------------------------------------

async function writeFrames(res, frames, contentType, gapMs) {
  res.writeHead(200, { 'content-type': contentType, 'x-amzn-requestid': randomUUID() });
  res.flushHeaders();
  for (const frame of frames) {
    if (res.destroyed) return;
    await new Promise((resolve) => {
      if (!res.write(frame, () => resolve())) res.once('close', resolve);
    });
    await sleep(gapMs);
  }
  res.end();
}

function invocationHeaders() {
  return {
    'x-amzn-bedrock-input-token-count': String(USAGE.inputTokens),
    'x-amzn-bedrock-output-token-count': String(USAGE.outputTokens),
    'x-amzn-bedrock-invocation-latency': String(LATENCY_MS),
  };
}

function sendJson(res, status, value, headers = {}) {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(text);
}

/** An error the way Bedrock sends one: {"message"} with the type in x-amzn-errortype. */
function sendAwsError(res, status, errorType, message) {
  sendJson(res, status, { message }, { 'x-amzn-errortype': errorType });
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function safeDecode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
