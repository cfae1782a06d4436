// A signed-in admin console session for end-to-end tests: password sign-in (the bootstrap admin by
// default), then requests that carry the `sluice_session` cookie and, when they change state, the
// session's CSRF token.

import assert from 'node:assert/strict';

import { request } from './http.mjs';

/** The `name=value` of the session cookie a response sets, or undefined. */
export function sessionCookie(res) {
  const cookies = [].concat(res.headers['set-cookie'] ?? []);
  return cookies.map((c) => c.split(';')[0]).find((c) => c.startsWith('sluice_session='));
}

/**
 * Signs in with a password and resolves to { body, get(path), send(method, path, body) }; each
 * answers like http.mjs request(): { status, headers, body, json }.
 */
export async function signIn(baseURL, { email = 'admin@local', password = 'admin' } = {}) {
  const res = await request(baseURL, { method: 'POST', path: '/api/v1/auth/login/password', body: { email, password } });
  assert.equal(res.status, 200, res.body);
  const cookie = sessionCookie(res);
  assert.ok(cookie, `no session cookie in ${JSON.stringify(res.headers)}`);
  const csrfToken = res.json.csrf_token;
  return {
    body: res.json,
    get: (path) => request(baseURL, { path, headers: { cookie } }),
    send: (method, path, body) => request(baseURL, { method, path, body, headers: { cookie, 'x-csrf-token': csrfToken } }),
  };
}
