// A client of the admin console's JSON API (/api/v1/…), as the browser UI uses it: signed in with
// a password (or by accepting an invitation), keeping the session cookie and sending the session's
// CSRF token on every state-changing request.
//
//   const admin = await signIn(gw.baseURL, 'admin@local', 'password');
//   const { status, body } = await admin.post('/api/v1/admin/api-keys', { name: 'laptop' });
//
// Every method resolves to { status, body (parsed JSON, or the text when it is not JSON), headers,
// json (parsed, or undefined), text } — `json` and `text` as http.mjs request() names them.

import assert from 'node:assert/strict';

import { request } from './http.mjs';

function sessionCookie(headers) {
  const cookies = [headers['set-cookie'] ?? []].flat();
  const found = cookies.map((c) => c.split(';')[0]).find((c) => c.startsWith('sluice_session='));
  return found;
}

function answer(res) {
  return { status: res.status, body: res.json ?? res.body, headers: res.headers, json: res.json, text: res.body };
}

/** A client over an existing session (cookie "sluice_session=…" and its CSRF token). */
export function consoleClient(baseURL, { cookie, csrfToken, session } = {}) {
  const send = async (method, path, body, { csrf = true, headers = {} } = {}) => {
    const outgoing = { ...headers };
    if (cookie) outgoing.cookie = cookie;
    if (csrf && csrfToken && method !== 'GET') outgoing['x-csrf-token'] = csrfToken;
    return answer(await request(baseURL, { method, path, headers: outgoing, body }));
  };
  return {
    baseURL,
    cookie,
    csrfToken,
    session,
    get: (path, options) => send('GET', path, undefined, options),
    post: (path, body, options) => send('POST', path, body ?? {}, options),
    patch: (path, body, options) => send('PATCH', path, body ?? {}, options),
    del: (path, options) => send('DELETE', path, undefined, options),
  };
}

// The client a successful sign-in answer (session body + Set-Cookie) opens.
function clientFrom(baseURL, res, what) {
  assert.equal(res.status, 200, `${what}: ${res.status} ${res.body}`);
  const cookie = sessionCookie(res.headers);
  assert.ok(cookie, `${what}: no session cookie`);
  return consoleClient(baseURL, { cookie, csrfToken: res.json.csrf_token, session: res.json });
}

/** Signs in with email and password; fails the test unless the sign-in succeeds. */
export async function signIn(baseURL, email, password) {
  const res = await request(baseURL, {
    method: 'POST', path: '/api/v1/auth/login/password', body: { email, password },
  });
  return clientFrom(baseURL, res, `sign-in of ${email}`);
}

/** Accepts an invitation by setting a password; resolves to the signed-in client. */
export async function acceptInvitation(baseURL, token, password) {
  const res = await request(baseURL, {
    method: 'POST', path: `/api/v1/auth/invitations/${encodeURIComponent(token)}/password`, body: { password },
  });
  return clientFrom(baseURL, res, 'accepting an invitation');
}

/** A client with no session at all. */
export function anonymous(baseURL) {
  return consoleClient(baseURL);
}
