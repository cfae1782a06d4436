// Scripted, misbehaving OpenAI-compatible upstreams for the routing and resilience tests.
//
// fakes/openai_upstream.mjs covers normal answers, error statuses without extra headers, delays and
// mid-stream drops. This fake adds what it cannot do: answers with chosen headers (429 with
// Retry-After), connection resets after the request arrived, and requests that are never answered.
//
//   const fake = await startFaultyUpstream();
//   fake.script([{ status: 429, headers: { 'retry-after': '1' } }, 'ok']);   // one action per request
//   fake.setDefault('reset');                                               // when the script is used up
//   fake.requests: [{ method, path, body, at, action }]; fake.connections; await fake.close()
//
// Actions:
//   'ok'                         a chat.completion (or SSE stream when body.stream) echoing the last user message
//   { status, headers?, body? }  that status, headers and JSON body (default: an OpenAI error body)
//   'reset'                      reads the request, then resets the TCP connection (RST, no response)
//   'hang'                       reads the request, never answers (until the client gives up)
//
// refusingPort() is a port on 127.0.0.1 where nothing listens: connecting to it is refused.

import http from 'node:http';
import net from 'node:net';

import { answerFor, splitIntoDeltas } from './openai_upstream.mjs';

export async function startFaultyUpstream({ host = '127.0.0.1' } = {}) {
  const requests = [];
  const sockets = new Set();
  let queue = [];
  let fallbackAction = 'ok';
  let connections = 0;

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body = rawBody;
      try {
        body = JSON.parse(rawBody);
      } catch { /* keep the text */ }
      const action = queue.length > 0 ? queue.shift() : fallbackAction;
      requests.push({ method: req.method, path: req.url.split('?')[0], body, at: Date.now(), action });
      act(action, req, res, body);
    });
  });
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => { server.off('error', reject); resolve(); });
  });
  const { port } = server.address();
  return {
    url: `http://${host}:${port}`,
    port,
    requests,
    get connections() { return connections; },
    /** Actions for the next requests, in order (replaces any rest of an earlier script). */
    script(actions) { queue = [...actions]; },
    /** The action for requests once the script is used up ('ok' unless set). */
    setDefault(action = 'ok') { fallbackAction = action; },
    reset() { queue = []; fallbackAction = 'ok'; },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function act(action, req, res, body) {
  if (action === 'hang') return; // never answered; the socket closes when the client gives up
  if (action === 'reset') {
    const socket = req.socket;
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
    return;
  }
  if (action === 'ok') return answer(res, body);
  const status = action.status ?? 500;
  const payload = JSON.stringify(action.body ?? {
    error: { message: `faulty fake answered ${status} because it was scripted to`, type: status === 429 ? 'rate_limit_error' : 'server_error', param: null, code: 'fake_status' },
  });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...(action.headers ?? {}) });
  res.end(payload);
}

function answer(res, body) {
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  const lastUser = [...messages].reverse().find((m) => m?.role === 'user');
  const text = answerFor(typeof lastUser?.content === 'string' ? lastUser.content : '');
  const id = `chatcmpl-faulty${Date.now()}`;
  const created = Math.floor(Date.now() / 1000);
  const usage = { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 };
  if (!body?.stream) {
    const payload = JSON.stringify({
      id, object: 'chat.completion', created, model: body?.model ?? 'unknown',
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage,
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    res.end(payload);
    return;
  }
  const chunk = (delta, finish) => ({ id, object: 'chat.completion.chunk', created, model: body.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  const frames = [chunk({ role: 'assistant', content: '' }, null), ...splitIntoDeltas(text).map((p) => chunk({ content: p }, null)), chunk({}, 'stop')];
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.end(`${frames.map((f) => `data: ${JSON.stringify(f)}\n\n`).join('')}data: [DONE]\n\n`);
}

/** A port on 127.0.0.1 that was free a moment ago, so a connection to it is refused. */
export function refusingPort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
