#!/usr/bin/env node
// A small OpenAI-compatible upstream for the end-to-end tests and for `make run` demos.
//
// It answers like the real API (shapes follow the OpenAI OpenAPI spec: chat.completion,
// chat.completion.chunk, response, response.* stream events, embedding lists) but its text is
// deterministic: the answer is "Echo: <last user message>", so a caller can see that their input
// went through the gateway and back. Every request is recorded for the tests to inspect.
//
// The OpenAI endpoints are served under any path prefix: /v1/chat/completions,
// /openai/v1/responses (Bedrock Mantle's shape) and /anything/embeddings all work.
//
// Behaviour control, in-process (the way gateway tests use it, since the gateway drops caller
// headers): fake.setBehavior({ status, errorBody, delayMs, eventGapMs, dropAfterEvents }) applies to
// every following request until the next setBehavior() call; setBehavior() with no argument resets.
//
// Control headers, for direct use (through the gateway they only arrive when set in a provider's
// `default_headers` or a route's `extra_headers`); a header wins over setBehavior:
//   x-fake-delay-ms: N              wait N ms before answering
//   x-fake-status: S                answer status S with an OpenAI error body
//   x-fake-chunk-delay-ms: N        wait N ms between streamed events
//   x-fake-drop-after-events: N     destroy the socket after N streamed events
//
// As a program:  node openai_upstream.mjs --port 0 --host 127.0.0.1 [--tls-cert F --tls-key F]
//   prints {"listening":"http://127.0.0.1:PORT"} on stdout once listening, logs requests on stderr.
// As a module:   const fake = await startOpenAIUpstream({ host, port, tls: { cert, key } });
//   -> { url, port, requests, events, connections, setBehavior(b), waitForEvent(pred, ms), close() }
//
// AWS SigV4 (Bedrock Mantle / Runtime stand-in): startOpenAIUpstream({ verifySigV4: { credentials,
// region, service } }) or fake.setSigV4({...}) checks every request's signature the way AWS would
// (fakes/sigv4_verifier.mjs). `credentials` is one set { accessKeyId, secretAccessKey,
// sessionToken? }, a list of sets that are valid at once, or a function returning either (called per
// request, for credentials that rotate). A request whose signature is missing or wrong is answered
// 403 {"message":"signature mismatch: ..."} like AWS; every verdict is recorded as request.sigv4.

import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { fileURLToPath } from 'node:url';

import { listen } from '../lib/listen.mjs';

export const FAKE_MODELS = ['gpt-4o-mini', 'gpt-4.1', 'text-embedding-3-small'];
export const EMBEDDING_DIMENSIONS = 8;

const ERROR_TYPES = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
};

/**
 * Starts the fake. `tls` is optional: { cert, key } as PEM strings or Buffers.
 * Resolves once listening; `url` has no path (`http://127.0.0.1:PORT`), the API lives under /v1
 * (or any other prefix).
 *
 * The returned object:
 *   requests     every request: { method, path, url, headers, rawHeaders (names and values in wire
 *                order, as node gives them), body (parsed JSON or text), rawBody, bodyBytes
 *                (Buffer), socketId, at, and sigv4 (the verdict) when verifySigV4 is on }
 *   connections  number of connections accepted (TLS: completed handshakes)
 *   events       [{ type, socketId, at, ... }] in order: 'connection', 'socket-close',
 *                'tls-error' (a handshake that failed: { message, code }), 'stream-start',
 *                'stream-end' (all events written), 'stream-dropped' (socket destroyed by
 *                dropAfterEvents), 'stream-aborted' (the client closed while events were still
 *                being sent: { eventsWritten })
 *   setBehavior({ status, errorBody, delayMs, eventGapMs, dropAfterEvents })
 *                status >= 400 answers with `errorBody` (or an OpenAI error body) of that status;
 *                delayMs waits before answering; eventGapMs waits between streamed events;
 *                dropAfterEvents destroys the socket after that many streamed events.
 *                Applies to all following requests; setBehavior() resets to normal answers.
 *   waitForEvent(predicate, timeoutMs)  resolves to the first event (past or future) matching
 */
export async function startOpenAIUpstream({ host = '127.0.0.1', port = 0, tls, log, verifySigV4: sigv4Options } = {}) {
  const requests = [];
  const events = [];
  const rawSockets = new Set();
  const socketIds = new WeakMap();
  const waiters = new Set();
  let behavior = {};
  let sigv4 = sigv4Options ?? null;
  let connections = 0;
  let nextSocketId = 1;

  const record = (event) => {
    events.push({ ...event, at: Date.now() });
    for (const waiter of waiters) waiter();
  };
  const track = (socket) => {
    const socketId = nextSocketId++;
    socketIds.set(socket, socketId);
    connections++;
    record({ type: 'connection', socketId });
    socket.on('close', () => record({ type: 'socket-close', socketId }));
  };
  const context = {
    requests,
    log,
    record,
    behavior: () => behavior,
    sigv4: () => sigv4,
    socketId: (socket) => socketIds.get(socket) ?? null,
  };
  const handler = (req, res) => {
    handleRequest(req, res, context).catch((err) => {
      log?.(`handler failed: ${err.stack ?? err}`);
      if (!res.headersSent) sendError(res, 500, `fake upstream failed: ${err.message}`, 'fake_failure');
      else res.destroy();
    });
  };
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, handler) : http.createServer(handler);
  server.on('connection', (socket) => {
    rawSockets.add(socket);
    socket.on('close', () => rawSockets.delete(socket));
    if (!tls) track(socket);
  });
  if (tls) {
    server.on('secureConnection', (tlsSocket) => track(tlsSocket));
    server.on('tlsClientError', (err) => record({ type: 'tls-error', socketId: null, message: err.message, code: err.code ?? null }));
  }
  server.keepAliveTimeout = 30_000;
  const { port: actualPort, origin } = await listen(server, { host, port, scheme: tls ? 'https' : 'http' });
  return {
    url: origin,
    port: actualPort,
    requests,
    events,
    get connections() {
      return connections;
    },
    get behavior() {
      return behavior;
    },
    setBehavior(next = {}) {
      behavior = { ...next };
    },
    /** Turns SigV4 verification on ({ credentials, region, service }) or off (null). */
    setSigV4(options = null) {
      sigv4 = options;
    },
    get sigv4() {
      return sigv4;
    },
    waitForEvent(predicate, timeoutMs = 2000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(predicate);
          if (found) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`fake upstream: no matching event within ${timeoutMs} ms; events: ${JSON.stringify(events.slice(-20))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      for (const socket of rawSockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Suffixes the fake answers under any prefix, e.g. /v1/responses and /openai/v1/responses. */
const OPERATIONS = [
  ['/chat/completions', chatCompletions],
  ['/responses', responses],
  ['/embeddings', embeddings],
];

async function handleRequest(req, res, context) {
  const socketId = context.socketId(req.socket);
  const bodyBytes = await readBody(req);
  const rawBody = bodyBytes.toString('utf8');
  let body = rawBody;
  let jsonError = null;
  if (rawBody.length > 0) {
    try {
      body = JSON.parse(rawBody);
    } catch (err) {
      jsonError = err;
    }
  }
  const path = req.url.split('?')[0];
  const recorded = {
    method: req.method, path, url: req.url, headers: { ...req.headers }, rawHeaders: [...req.rawHeaders], body, rawBody, bodyBytes, socketId, at: Date.now(),
  };
  context.requests.push(recorded);
  res.on('finish', () => context.log?.(`${req.method} ${req.url} ${describeModel(body)}-> ${res.statusCode}`));

  const sigv4 = context.sigv4();
  if (sigv4) {
    recorded.sigv4 = await checkSigV4(sigv4, { method: req.method, path: req.url, rawHeaders: req.rawHeaders, body: bodyBytes });
    if (!recorded.sigv4.ok) {
      return sendJson(res, 403, { message: `signature mismatch: ${recorded.sigv4.reason}` });
    }
  }

  const behavior = effectiveBehavior(context.behavior(), req.headers);
  if (behavior.delayMs > 0) await sleep(behavior.delayMs);
  if (res.destroyed || req.socket.destroyed) return undefined; // the client gave up while we waited

  if (behavior.status >= 400) {
    if (behavior.errorBody !== undefined) return sendJson(res, behavior.status, behavior.errorBody);
    return sendError(res, behavior.status, `fake upstream answered ${behavior.status} because it was asked to`,
      'fake_status');
  }

  const modelsMatch = path.match(/^(.*)\/models(?:\/(.+))?$/);
  if (modelsMatch) {
    if (req.method !== 'GET') return sendError(res, 405, `method ${req.method} not allowed on ${path}`, 'method_not_allowed');
    return modelsMatch[2] === undefined ? sendJson(res, 200, modelList()) : sendModel(res, decodeURIComponent(modelsMatch[2]));
  }
  const operation = OPERATIONS.find(([suffix]) => path.endsWith(suffix))?.[1];
  if (!operation || req.method !== 'POST') return sendError(res, 404, `unknown path ${req.method} ${path}`, 'unknown_url');
  if (jsonError || typeof body !== 'object' || body === null || Array.isArray(body)) {
    return sendError(res, 400, 'request body must be a JSON object', 'invalid_json');
  }
  if (typeof body.model !== 'string' || body.model === '') {
    return sendError(res, 400, 'you must provide a model parameter', 'missing_model', 'model');
  }
  const stream = (frames) => writeStream(res, frames, { ...behavior, socketId, record: context.record });
  return operation(res, body, { stream });
}

/** setBehavior() values with the x-fake-* request headers laid over them. */
function effectiveBehavior(base, headers) {
  const fromHeader = (name) => (headers[name] === undefined ? undefined : Number(headers[name]));
  const pick = (name, value) => fromHeader(name) ?? value;
  return {
    status: pick('x-fake-status', Number(base.status ?? 0)),
    errorBody: headers['x-fake-status'] === undefined ? base.errorBody : undefined,
    delayMs: pick('x-fake-delay-ms', Number(base.delayMs ?? 0)),
    eventGapMs: pick('x-fake-chunk-delay-ms', Number(base.eventGapMs ?? 0)),
    dropAfterEvents: pick('x-fake-drop-after-events', base.dropAfterEvents === undefined ? undefined : Number(base.dropAfterEvents)),
  };
}

/**
 * Writes SSE frames (complete "...\n\n" strings) with `eventGapMs` between them. With
 * `dropAfterEvents` the socket is destroyed after that many frames, without a terminal frame.
 * Records stream-start / stream-end / stream-dropped / stream-aborted events.
 */
async function writeStream(res, frames, { eventGapMs, dropAfterEvents, socketId, record }) {
  startSse(res);
  record({ type: 'stream-start', socketId });
  let written = 0;
  let finished = false;
  res.on('close', () => {
    if (!finished) record({ type: 'stream-aborted', socketId, eventsWritten: written });
  });
  for (const [index, frame] of frames.entries()) {
    if (dropAfterEvents !== undefined && written >= dropAfterEvents) {
      finished = true;
      record({ type: 'stream-dropped', socketId, eventsWritten: written });
      // The frames written so far have reached the kernel (see writeFrame), so they still arrive;
      // then the connection ends without the terminal event.
      res.socket?.destroy();
      return;
    }
    if (res.destroyed || res.writableEnded) return;
    if (index === frames.length - 1) {
      finished = true;
      res.end(frame);
      record({ type: 'stream-end', socketId, eventsWritten: written + 1 });
      return;
    }
    await writeFrame(res, frame);
    written++;
    if (eventGapMs > 0) await sleep(eventGapMs);
  }
}

/** Writes one frame and resolves once it has been handed to the socket (or the socket failed). */
function writeFrame(res, frame) {
  return new Promise((resolve) => {
    if (!res.write(frame, () => resolve())) res.once('close', resolve);
  });
}

// ---- /v1/models ---------------------------------------------------------------------------------

function modelObject(id) {
  return { id, object: 'model', created: 1700000000, owned_by: 'fake-openai' };
}

function modelList() {
  return { object: 'list', data: FAKE_MODELS.map(modelObject) };
}

function sendModel(res, id) {
  if (!FAKE_MODELS.includes(id)) return sendError(res, 404, `The model '${id}' does not exist`, 'model_not_found', 'model');
  return sendJson(res, 200, modelObject(id));
}

// ---- /v1/chat/completions -----------------------------------------------------------------------

function chatCompletions(res, body, { stream }) {
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return sendError(res, 400, 'messages must be a non-empty array', 'invalid_messages', 'messages');
  }
  const answer = answerFor(lastUserText(body.messages));
  const id = `chatcmpl-fake${randomId()}`;
  const created = nowSeconds();
  const promptTokens = countTokens(JSON.stringify(body.messages));
  const pieces = splitIntoDeltas(answer);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: pieces.length,
    total_tokens: promptTokens + pieces.length,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };

  if (!body.stream) {
    return sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model: body.model,
      choices: [{
        index: 0,
        message: { role: 'assistant', content: answer, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      }],
      usage,
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    });
  }

  const includeUsage = body.stream_options?.include_usage === true;
  const chunk = (delta, finishReason) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: body.model,
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const frames = [chunk({ role: 'assistant', content: '', refusal: null }, null)];
  for (const piece of pieces) frames.push(chunk({ content: piece }, null));
  frames.push(chunk({}, 'stop'));
  if (includeUsage) {
    frames.push({ id, object: 'chat.completion.chunk', created, model: body.model, service_tier: 'default',
      system_fingerprint: 'fp_fake', choices: [], usage });
  }
  return stream([...frames.map((frame) => `data: ${JSON.stringify(frame)}\n\n`), 'data: [DONE]\n\n']);
}

// ---- /v1/responses ------------------------------------------------------------------------------

function responses(res, body, { stream }) {
  const answer = answerFor(lastUserText(responsesInputAsMessages(body.input)));
  const responseId = `resp_fake${randomId()}`;
  const messageId = `msg_fake${randomId()}`;
  const createdAt = nowSeconds();
  const inputTokens = countTokens(JSON.stringify(body.input ?? '') + (body.instructions ?? ''));
  const pieces = splitIntoDeltas(answer);
  const usage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: pieces.length,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + pieces.length,
  };
  const outputText = { type: 'output_text', text: answer, annotations: [], logprobs: [] };
  const message = { id: messageId, type: 'message', status: 'completed', role: 'assistant', content: [outputText] };
  const response = (status, output, responseUsage) => ({
    id: responseId,
    object: 'response',
    created_at: createdAt,
    status,
    completed_at: status === 'completed' ? nowSeconds() : null,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: body.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: responseUsage,
    user: null,
    metadata: body.metadata ?? {},
  });

  if (!body.stream) return sendJson(res, 200, response('completed', [message], usage));

  const part = { item_id: messageId, output_index: 0, content_index: 0 };
  const events = [
    { type: 'response.created', response: response('in_progress', [], null) },
    { type: 'response.in_progress', response: response('in_progress', [], null) },
    { type: 'response.output_item.added', output_index: 0,
      item: { id: messageId, type: 'message', status: 'in_progress', role: 'assistant', content: [] } },
    { type: 'response.content_part.added', ...part, part: { type: 'output_text', text: '', annotations: [] } },
    ...pieces.map((delta) => ({ type: 'response.output_text.delta', ...part, delta, logprobs: [] })),
    { type: 'response.output_text.done', ...part, text: answer, logprobs: [] },
    { type: 'response.content_part.done', ...part, part: { type: 'output_text', text: answer, annotations: [] } },
    { type: 'response.output_item.done', output_index: 0, item: message },
    { type: 'response.completed', response: response('completed', [message], usage) },
  ];
  return stream(events.map((event, sequenceNumber) => `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: sequenceNumber })}\n\n`));
}

function responsesInputAsMessages(input) {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (!Array.isArray(input)) return [];
  return input.filter((item) => item && typeof item === 'object' && (item.type === undefined || item.type === 'message'));
}

// ---- /v1/embeddings -----------------------------------------------------------------------------

function embeddings(res, body) {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  if (body.input === undefined || inputs.length === 0) {
    return sendError(res, 400, 'input must be a string or a non-empty array', 'invalid_input', 'input');
  }
  const base64 = body.encoding_format === 'base64';
  const data = inputs.map((input, index) => {
    const vector = deterministicVector(input);
    return {
      object: 'embedding',
      index,
      embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
    };
  });
  const promptTokens = inputs.reduce((sum, input) => sum + countTokens(JSON.stringify(input)), 0);
  return sendJson(res, 200, {
    object: 'list',
    data,
    model: body.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}

/** Unit-length vector of EMBEDDING_DIMENSIONS floats, a pure function of the input. */
export function deterministicVector(input) {
  const digest = createHash('sha256').update(JSON.stringify(input)).digest();
  const raw = Array.from({ length: EMBEDDING_DIMENSIONS }, (_, i) => digest.readInt16BE(i * 2) / 32768);
  const norm = Math.hypot(...raw) || 1;
  // Rounded through Float32 so the JSON and base64 encodings carry the same numbers.
  return raw.map((x) => Math.fround(x / norm));
}

// ---- text helpers -------------------------------------------------------------------------------

/** The deterministic answer for a user message. */
export function answerFor(userText) {
  return `Echo: ${userText === '' ? '(no user message)' : userText}`;
}

function lastUserText(messages) {
  const lastUser = [...(messages ?? [])].reverse().find((m) => m && m.role === 'user');
  if (!lastUser) return '';
  if (typeof lastUser.content === 'string') return lastUser.content;
  if (!Array.isArray(lastUser.content)) return '';
  return lastUser.content
    .filter((p) => p && typeof p.text === 'string' && ['text', 'input_text'].includes(p.type))
    .map((p) => p.text)
    .join(' ');
}

/** Splits text into word-sized deltas that concatenate back to it: "Echo: hi you" -> ["Echo:", " hi", " you"]. */
export function splitIntoDeltas(text) {
  return text.match(/\s*\S+|\s+$/g) ?? [text];
}

function countTokens(text) {
  return Math.max(1, Math.ceil(text.length / 4));
}

function describeModel(body) {
  return body && typeof body === 'object' && typeof body.model === 'string' ? `model=${body.model} ` : '';
}

// ---- HTTP helpers -------------------------------------------------------------------------------

/**
 * The verdict for one request: ok if it is correctly signed with any of the currently valid
 * credential sets; otherwise the verdict against the first set (or the one whose access key id the
 * request names), so the reason is the most telling one.
 */
async function checkSigV4({ credentials, region, service }, request) {
  // Loaded on first use, so the fake as a program (make run) needs no npm packages.
  const { verifySigV4 } = await import('./sigv4_verifier.mjs');
  const current = typeof credentials === 'function' ? await credentials() : credentials;
  const sets = (Array.isArray(current) ? current : [current]).filter(Boolean);
  if (sets.length === 0) return { ok: false, reason: 'no credentials are valid at the fake right now', expected: null, got: null, details: {} };
  const verdicts = [];
  for (const set of sets) {
    const verdict = await verifySigV4(request, { ...set, region, service });
    if (verdict.ok) return { ...verdict, accessKeyId: set.accessKeyId };
    verdicts.push({ ...verdict, accessKeyId: set.accessKeyId });
  }
  const named = verdicts.find((v) => v.details?.credential?.startsWith(`${v.accessKeyId}/`));
  return named ?? verdicts[0];
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res, status, value) {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-request-id': res.req.headers['x-request-id'] ?? `fake-${randomId()}`,
  });
  res.end(text);
}

function sendError(res, status, message, code, param = null) {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
  sendJson(res, status, { error: { message, type, param, code } });
}

function startSse(res) {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-request-id': res.req.headers['x-request-id'] ?? `fake-${randomId()}`,
  });
  res.flushHeaders();
}

function randomId() {
  return randomBytes(8).toString('hex');
}

function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- command line -------------------------------------------------------------------------------

function parseArgs(argv) {
  const options = { host: '127.0.0.1', port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inlineValue] = argv[i].split(/=(.*)/s, 2);
    const value = () => inlineValue ?? argv[++i];
    switch (flag) {
      case '--host': options.host = value(); break;
      case '--port': options.port = Number(value()); break;
      case '--tls-cert': options.tlsCert = value(); break;
      case '--tls-key': options.tlsKey = value(); break;
      case '--quiet': options.quiet = true; break;
      case '--help':
      case '-h':
        process.stdout.write('usage: openai_upstream.mjs [--host 127.0.0.1] [--port 0] [--tls-cert FILE --tls-key FILE] [--quiet]\n');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${argv[i]} (try --help)`);
    }
  }
  if (Boolean(options.tlsCert) !== Boolean(options.tlsKey)) throw new Error('--tls-cert and --tls-key go together');
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) throw new Error('--port must be 0..65535');
  return options;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const tls = options.tlsCert ? { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) } : undefined;
  const log = options.quiet ? undefined : (line) => process.stderr.write(`fake-openai: ${line}\n`);
  const fake = await startOpenAIUpstream({ host: options.host, port: options.port, tls, log });
  process.stdout.write(`${JSON.stringify({ listening: fake.url })}\n`);
  log?.(`OpenAI-compatible fake listening on ${fake.url}/v1 (models: ${FAKE_MODELS.join(', ')}); answers echo the last user message`);
  const shutdown = () => fake.close().then(() => process.exit(0));
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

if (process.argv[1] && realpathSync(fileURLToPath(import.meta.url)) === realpathSync(process.argv[1])) {
  main().catch((err) => {
    process.stderr.write(`fake-openai: ${err.message}\n`);
    process.exit(2);
  });
}
