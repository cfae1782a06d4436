// Harness for running the real `sluice` binary in end-to-end tests.
//
// startGateway({ config, env }) writes the YAML to a temp dir, binds the gateway to a free
// 127.0.0.1 port, starts `sluice serve --config <file>` and resolves once GET /healthz answers 200.
//
// Convention: test configs do NOT set server.bind. The harness adds `bind: "127.0.0.1:PORT"` to the
// `server:` block (or adds a `server:` block) and refuses a config that already sets it.
//
// Every gateway started here is killed in an `after` hook of the test file that imports this module,
// and on process exit, so a failing test never leaves a gateway behind.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SLUICE_BIN = process.env.SLUICE_BIN ?? path.join(REPO_ROOT, 'build', 'sluice');

const running = new Set();
/** Output of every gateway this process started, for suite-wide checks (e.g. no secret ever logged). */
export const allGatewayOutput = [];

/** Every secret a gateway of this process was handed (see secretsGivenTo), for the suite-wide leak check. */
export const givenSecrets = new Set();

after(() => stopAllGateways());
process.on('exit', () => {
  for (const gw of running) gw.process.kill('SIGKILL');
  saveForLeakCheck();
});

/**
 * The secrets a gateway is given, found the way an operator hands them over: `literal.` values in
 * the config (for a gateway API key, its secret part after the '.'), and environment variables
 * whose names say they hold one (…TOKEN, …SECRET…, …PASSWORD, …_KEY; never …_KEY_ID).
 */
export function secretsGivenTo(config, env = {}) {
  const found = [];
  for (const match of config.matchAll(/literal\.([^\s"',}\]]+)/g)) {
    const value = match[1];
    found.push(value.startsWith('gwk_') && value.includes('.') ? value.slice(value.indexOf('.') + 1) : value);
  }
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== 'string' || value.length < 8) continue;
    if (/_ID$/.test(name)) continue;
    if (/TOKEN|SECRET|PASSWORD|_KEY$/.test(name)) found.push(value);
  }
  return found.filter((secret) => secret.length >= 8);
}

// With SLUICE_E2E_OUTPUT_DIR set (npm test sets it), this process's gateway output and the
// secrets it handed out are saved there when it exits; zz-no-secret-leaks.test.mjs, which runs
// last, checks that no secret appears in any output of the whole suite.
function saveForLeakCheck() {
  const dir = process.env.SLUICE_E2E_OUTPUT_DIR;
  if (!dir || allGatewayOutput.length === 0) return;
  mkdirSync(dir, { recursive: true });
  const output = allGatewayOutput.flatMap((o) => [...o.stdoutLines, ...o.stderrLines]).join('\n');
  const name = `${path.basename(process.argv[1] ?? 'e2e')}-${process.pid}`;
  writeFileSync(path.join(dir, `${name}.log`), output);
  writeFileSync(path.join(dir, `${name}.secrets.json`), JSON.stringify([...givenSecrets]));
}

/**
 * Starts the gateway. `env` is merged over process.env (a value of undefined removes a variable).
 * Resolves to { baseURL, port, process, configPath, dir, stdoutLines, stderrLines, exited, kill(signal), stop(signal) }.
 * `exited` resolves to the exit code (or the signal name if killed by a signal).
 */
export async function startGateway({ config, env = {}, readyTimeoutMs = 10_000 } = {}) {
  return onFreshPort((port) => startGatewayOnPort({ config, env, readyTimeoutMs, port }),
    (error) => error.portTaken);
}

async function startGatewayOnPort({ config, env, readyTimeoutMs, port }) {
  for (const secret of secretsGivenTo(config, env)) givenSecrets.add(secret);
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-e2e-'));
  const configPath = path.join(dir, 'sluice.yaml');
  writeFileSync(configPath, withBind(config, `127.0.0.1:${port}`));

  const child = spawn(SLUICE_BIN, ['serve', '--config', configPath], {
    cwd: dir, // the default database path (./gateway.db) lands in the temp dir
    env: mergeEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdoutLines = [];
  const stderrLines = [];
  allGatewayOutput.push({ stdoutLines, stderrLines });
  createInterface({ input: child.stdout }).on('line', (line) => stdoutLines.push(line));
  createInterface({ input: child.stderr }).on('line', (line) => stderrLines.push(line));
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal));
    child.on('error', (err) => resolve(`spawn error: ${err.message}`));
  });

  let stopping = false;
  let ready = false;
  exited.then((code) => {
    // A gateway that dies on its own takes every later test down with it: say so, with its output.
    // (One that never became ready is reported by the error startGateway throws.)
    if (ready && !stopping && running.has(gw)) {
      process.stderr.write(`\n[e2e] gateway on port ${port} exited unexpectedly with ${code}\n${describeOutput(gw)}\n`);
    }
  });
  const gw = {
    baseURL: `http://127.0.0.1:${port}`,
    port,
    process: child,
    configPath,
    dir,
    stdoutLines,
    stderrLines,
    exited,
    /** Sends `signal` without waiting (an expected exit, so it is not reported as a crash). */
    kill(signal = 'SIGTERM') {
      stopping = true;
      return child.kill(signal);
    },
    /** Sends `signal` and resolves to the exit code; SIGKILLs and rejects if it takes longer than timeoutMs. */
    async stop(signal = 'SIGTERM', { timeoutMs = 10_000 } = {}) {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await withTimeout(exited, timeoutMs, () => {
        child.kill('SIGKILL');
        return new Error(`gateway did not exit within ${timeoutMs} ms after ${signal}\n${describeOutput(gw)}`);
      });
      running.delete(gw);
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
  running.add(gw);

  const deadline = Date.now() + readyTimeoutMs;
  let exitedEarly = false;
  exited.then(() => { exitedEarly = true; });
  while (Date.now() < deadline && !exitedEarly) {
    if ((await probeStatus(port, '/healthz')) === 200) {
      ready = true;
      return gw;
    }
    await sleep(50);
  }
  const why = exitedEarly ? `exited with ${await exited}` : `did not answer GET /healthz 200 within ${readyTimeoutMs} ms`;
  stopping = true;
  child.kill('SIGKILL');
  await exited;
  running.delete(gw);
  // Give readline a moment to deliver the last lines before reporting them.
  await sleep(20);
  const error = new Error(`gateway (${SLUICE_BIN}) ${why}\n${describeOutput(gw)}`);
  error.portTaken = [...gw.stderrLines, ...gw.stdoutLines].some(
    (line) => line.includes(`cannot listen on 127.0.0.1:${port}`) && /address already in use/i.test(line));
  throw error;
}

export async function stopAllGateways() {
  await Promise.all([...running].map((gw) => gw.stop('SIGKILL').catch(() => {})));
}

/** Runs `sluice <args...>` to completion (for check-config and other one-shot commands). */
export function runSluice(args, { env = {}, cwd } = {}) {
  const result = spawnSync(SLUICE_BIN, args, { env: mergeEnv(env), cwd, encoding: 'utf8', timeout: 30_000 });
  if (result.error) throw result.error;
  allGatewayOutput.push({ stdoutLines: result.stdout.split('\n'), stderrLines: result.stderr.split('\n') });
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** Writes text to a fresh temp file and returns its path. */
export function writeTempFile(name, text) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-e2e-'));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Adds server.bind to a YAML config that does not set it (see the convention at the top). */
export function withBind(config, bind) {
  const lines = config.split('\n');
  const serverLine = lines.findIndex((l) => /^server:\s*(#.*)?$/.test(l));
  if (/^server:\s*\{/m.test(config)) throw new Error('write `server:` as a block, not a flow map, in e2e configs');
  if (serverLine === -1) return `server:\n  bind: "${bind}"\n${config}`;
  const block = [];
  for (let i = serverLine + 1; i < lines.length && (/^\s/.test(lines[i]) || lines[i].trim() === ''); i++) block.push(lines[i]);
  if (block.some((l) => /^\s+bind\s*:/.test(l))) throw new Error('e2e configs must not set server.bind; the harness chooses the port');
  const indent = block.find((l) => l.trim() !== '' && !l.trim().startsWith('#'))?.match(/^\s+/)[0] ?? '  ';
  lines.splice(serverLine + 1, 0, `${indent}bind: "${bind}"`);
  return lines.join('\n');
}

function describeOutput(gw) {
  return `--- stderr ---\n${gw.stderrLines.join('\n')}\n--- stdout ---\n${gw.stdoutLines.join('\n')}`;
}

function mergeEnv(env) {
  const merged = { ...process.env };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete merged[name];
    else merged[name] = String(value);
  }
  return merged;
}

/**
 * Resolves to `start(port)` on a free port. A port is free when picked but not reserved, so when
 * `start` fails because another process took it before it bound (`portTaken(error)`), it is tried
 * again on a fresh one, up to five times; any other failure is thrown at once.
 */
export async function onFreshPort(start, portTaken) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (attempt === 5 || !portTaken(error)) throw error;
    }
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function probeStatus(port, urlPath) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, timeout: 500, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

function withTimeout(promise, ms, onTimeout) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- raw HTTP over node:net ---------------------------------------------------------------------

/**
 * Sends hand-made bytes and resolves to the raw text of the first complete HTTP response (or of
 * everything received before the server closed the connection). For oversized heads, bad header
 * bytes and the like; use openRawConnection for slow or partial sends.
 */
export async function rawRequest(port, bytes, { timeoutMs = 5000 } = {}) {
  const conn = await openRawConnection(port);
  try {
    conn.write(bytes);
    return await conn.response({ timeoutMs });
  } finally {
    conn.close();
  }
}

/**
 * Opens a TCP connection to 127.0.0.1:port. Returns
 * { socket, write(bytes), response({timeoutMs}) -> raw text, received() -> text so far, closed, close() }.
 * Write errors (the server may close or reset while we still send) are recorded, not thrown.
 */
export function openRawConnection(port, { host = '127.0.0.1' } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const chunks = [];
    const waiters = new Set();
    let ended = false;
    let socketError = null;
    const notify = () => { for (const w of waiters) w(); };
    socket.on('data', (c) => { chunks.push(c); notify(); });
    socket.on('close', () => { ended = true; notify(); });
    socket.on('error', (err) => { socketError = err; });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve({
        socket,
        write(data) {
          if (!socket.destroyed && socket.writable) socket.write(data);
        },
        received: () => Buffer.concat(chunks).toString('latin1'),
        get error() { return socketError; },
        closed: new Promise((r) => socket.once('close', r)),
        response({ timeoutMs = 5000 } = {}) {
          return new Promise((res, rej) => {
            const check = () => {
              const text = Buffer.concat(chunks).toString('latin1');
              const length = completeResponseLength(text);
              if (length !== null || ended) {
                cleanup();
                if (text === '') rej(new Error(`connection closed without a response${socketError ? ` (${socketError.code})` : ''}`));
                else res(length !== null ? text.slice(0, length) : text);
              }
            };
            const timer = setTimeout(() => {
              cleanup();
              rej(new Error(`no complete HTTP response within ${timeoutMs} ms; received: ${JSON.stringify(Buffer.concat(chunks).toString('latin1'))}`));
            }, timeoutMs);
            const cleanup = () => { clearTimeout(timer); waiters.delete(check); };
            waiters.add(check);
            check();
          });
        },
        close() { socket.destroy(); },
      });
    });
    socket.once('error', reject);
  });
}

/** Length of the first complete HTTP/1.1 response in `text`, or null if it is not complete yet. */
function completeResponseLength(text) {
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd === -1) return null;
  const bodyStart = headEnd + 4;
  const { status, headers } = parseHead(text.slice(0, headEnd));
  if ((status >= 100 && status < 200) || status === 204 || status === 304) return bodyStart;
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    let pos = bodyStart;
    for (;;) {
      const lineEnd = text.indexOf('\r\n', pos);
      if (lineEnd === -1) return null;
      const size = parseInt(text.slice(pos, lineEnd), 16);
      if (Number.isNaN(size)) return null;
      if (size === 0) {
        const trailerEnd = text.indexOf('\r\n\r\n', lineEnd);
        return trailerEnd === -1 ? null : trailerEnd + 4;
      }
      pos = lineEnd + 2 + size + 2;
      if (pos > text.length) return null;
    }
  }
  if (headers['content-length'] !== undefined) {
    const end = bodyStart + Number(headers['content-length']);
    return text.length >= end ? end : null;
  }
  return null; // body delimited by connection close
}

function parseHead(head) {
  const [statusLine, ...headerLines] = head.split('\r\n');
  const status = Number(statusLine.split(' ')[1]);
  const headers = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { statusLine, status, headers };
}

/** Parses raw response text into { status, statusLine, headers (lower-case names), body, json }. */
export function parseRawResponse(text) {
  const headEnd = text.indexOf('\r\n\r\n');
  const { statusLine, status, headers } = parseHead(headEnd === -1 ? text : text.slice(0, headEnd));
  let body = headEnd === -1 ? '' : text.slice(headEnd + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    let decoded = '';
    let pos = 0;
    for (;;) {
      const lineEnd = body.indexOf('\r\n', pos);
      if (lineEnd === -1) break;
      const size = parseInt(body.slice(pos, lineEnd), 16);
      if (!size) break;
      decoded += body.slice(lineEnd + 2, lineEnd + 2 + size);
      pos = lineEnd + 2 + size + 2;
    }
    body = decoded;
  }
  body = Buffer.from(body, 'latin1').toString('utf8');
  let json;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status, statusLine, headers, body, json };
}

/** Resolves to the connection error code (e.g. 'ECONNREFUSED'), or null if a connection was accepted. */
export function tryConnect(port, { host = '127.0.0.1', timeoutMs = 2000 } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => { socket.destroy(); resolve('ETIMEDOUT'); }, timeoutMs);
    socket.once('connect', () => { clearTimeout(timer); socket.destroy(); resolve(null); });
    socket.once('error', (err) => { clearTimeout(timer); resolve(err.code ?? err.message); });
  });
}
