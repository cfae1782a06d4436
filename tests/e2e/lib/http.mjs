// Small HTTP helpers for the end-to-end tests: one request on a fresh connection, and the shared
// assertions for the gateway's error envelope and request ids.

import assert from 'node:assert/strict';
import http from 'node:http';

/**
 * Sends one request on a fresh connection. `body` may be a string/Buffer or a value to JSON-encode.
 * Resolves to { status, headers (lower-case names), body (text), json (parsed or undefined) }.
 */
export function request(baseURL, { method = 'GET', path = '/', headers = {}, body, timeoutMs = 10_000 } = {}) {
  const url = new URL(path, baseURL);
  let payload;
  const outgoing = { ...headers };
  if (body !== undefined) {
    payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    if (!Object.keys(outgoing).some((h) => h.toLowerCase() === 'content-type')) outgoing['content-type'] = 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: outgoing, agent: false, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, body: text, json });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no response within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** `Authorization: Bearer <key>` plus any extra headers. */
export function bearer(key, extra = {}) {
  return { authorization: `Bearer ${key}`, ...extra };
}

/** A value the gateway must accept as a request id: visible ASCII, 1..128 characters. */
export function isSaneRequestId(value) {
  return typeof value === 'string' && /^[\x21-\x7e]{1,128}$/.test(value);
}

/**
 * Asserts the gateway's error envelope {"error":{"message","type","code","param"}} with the given
 * status and, when given, type and code; also that the response is JSON and carries x-request-id.
 * `res` is from request() or parseRawResponse().
 */
export function assertGatewayError(res, { status, type, code }) {
  const context = `response was ${res.status} ${JSON.stringify(res.headers)} ${res.body}`;
  assert.equal(res.status, status, context);
  assert.match(res.headers['content-type'] ?? '', /^application\/json/, `content-type; ${context}`);
  assert.ok(res.json && typeof res.json === 'object', `body is not JSON; ${context}`);
  assert.deepEqual(Object.keys(res.json), ['error'], `top level of the envelope; ${context}`);
  const error = res.json.error;
  assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'param', 'type'], `envelope fields; ${context}`);
  assert.equal(typeof error.message, 'string', context);
  assert.ok(error.message.length > 0, `empty message; ${context}`);
  assert.equal(typeof error.type, 'string', context);
  assert.ok(error.code === null || typeof error.code === 'string', context);
  assert.ok(error.param === null || typeof error.param === 'string', context);
  if (type !== undefined) assert.equal(error.type, type, context);
  if (code !== undefined) assert.equal(error.code, code, context);
  assert.ok(isSaneRequestId(res.headers['x-request-id']), `x-request-id missing or not sane; ${context}`);
}
