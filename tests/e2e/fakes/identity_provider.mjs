#!/usr/bin/env node
// A fake identity provider for the single sign-on tests: an OpenID Connect provider and GitHub's
// OAuth app endpoints, on one loopback HTTP server. Only node: builtins.
//
// Instead of a login page, each authorize endpoint immediately 302-redirects back to the
// redirect_uri with a fresh `code` and the request's `state`, signing in as the user the test chose
// with fake.setNextUser({...}). Everything else is checked the way a strict provider would:
//
//   OIDC (issuer <origin>/oidc)
//     GET  /oidc/.well-known/openid-configuration   discovery
//     GET  /oidc/jwks                               the public keys (RSA, RS256, with kid)
//     GET  /oidc/authorize   response_type=code, the configured client_id, redirect_uri, state,
//                            nonce, code_challenge + code_challenge_method=S256 (PKCE required)
//     POST /oidc/token       client_secret_basic only (form-encoded id:secret in HTTP Basic),
//                            grant_type=authorization_code, the code (once: a reused code is
//                            refused), redirect_uri equal to the one /authorize got, code_verifier
//                            whose S256 is the challenge; answers an RS256 id_token carrying the
//                            nonce from /authorize
//   GitHub (githubBaseUrl <origin>/github, githubApiBaseUrl <origin>/github-api)
//     GET  /github/login/oauth/authorize      client_id, redirect_uri, state, scope, PKCE (S256)
//     POST /github/login/oauth/access_token   client_id + client_secret in the form body, code
//                                             (once), redirect_uri, code_verifier; like GitHub it
//                                             answers errors with HTTP 200 {"error": ...}, and
//                                             JSON only when asked with Accept: application/json
//     GET  /github-api/user, /github-api/user/emails   Authorization: Bearer <access token>
//
// Errors are OAuth's: 400 {"error":"invalid_grant"|"invalid_request"|...}, 401 invalid_client.
// Every request is recorded in `requests` (method, path, query, headers, form/JSON body).
//
// As a module:
//   const idp = await startIdentityProvider({ clientId, clientSecret, githubClientId, githubClientSecret });
//   -> { issuer, githubBaseUrl, githubApiBaseUrl, origin, clientId, clientSecret, githubClientId,
//        githubClientSecret, setNextUser(user), setNextIdTokenClaims(claims), rotateSigningKey(),
//        requests, issued: { codes, idTokens, accessTokens }, jwks(), close() }
// As a program:  node identity_provider.mjs [--port N] [--host H]
//   prints {"issuer":..., "githubBaseUrl":..., "githubApiBaseUrl":...} once listening.

import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { realpathSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

import { listen } from '../lib/listen.mjs';

const CODE_TTL_MS = 10 * 60 * 1000;
const ID_TOKEN_TTL_S = 300;

export const DEFAULT_USER = Object.freeze({
  sub: 'fake-user-1',
  email: 'sso.user@example.com',
  email_verified: true,
  name: 'SSO User',
});

const base64url = (bytes) => Buffer.from(bytes).toString('base64url');
const token = (prefix) => `${prefix}${randomBytes(24).toString('base64url')}`;
const s256 = (verifier) => createHash('sha256').update(verifier, 'ascii').digest('base64url');

function newSigningKey() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `fake-${randomBytes(6).toString('hex')}`;
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
  return { kid, jwk, privateKey };
}

function signRs256(key, header, claims) {
  const input = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...header }))}.${base64url(JSON.stringify(claims))}`;
  return `${input}.${base64url(sign('sha256', Buffer.from(input), key.privateKey))}`;
}

// application/x-www-form-urlencoded decoding (`+` is a space), as RFC 6749 §2.3.1 asks of Basic.
const formDecode = (text) => decodeURIComponent(text.replace(/\+/g, ' '));

function basicCredentials(header) {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}

// The GitHub face of a user set with setNextUser().
function githubUser(user) {
  const id = user.id ?? (/^\d+$/.test(String(user.sub)) ? Number(user.sub)
    : Number.parseInt(createHash('sha256').update(String(user.sub)).digest('hex').slice(0, 8), 16));
  const login = user.login ?? String(user.email ?? 'user').split('@')[0];
  const emails = user.emails ?? (user.email ? [{ email: user.email, primary: true, verified: user.email_verified !== false, visibility: 'public' }] : []);
  return { id, login, name: user.name ?? null, emails };
}

/**
 * Starts the fake on `host`:`port` (0: a free port). Client credentials default to fixed test
 * values; pass your own to match a gateway config.
 */
export async function startIdentityProvider({
  host = '127.0.0.1',
  port = 0,
  clientId = 'sluice-oidc-client',
  clientSecret = 'sluice-oidc-secret',
  githubClientId = 'sluice-github-client',
  githubClientSecret = 'sluice-github-secret',
  log,
} = {}) {
  const requests = [];
  const issued = { codes: [], idTokens: [], accessTokens: [] };
  const codes = new Map();         // code -> { kind, clientId, redirectUri, nonce, challenge, method, user, at, used }
  const accessTokens = new Map();  // GitHub access token -> user
  let nextUser = { ...DEFAULT_USER };
  let nextIdTokenClaims = null;
  const signingKeys = [newSigningKey()];
  const currentKey = () => signingKeys[signingKeys.length - 1];

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url, 'http://fake');
      const type = req.headers['content-type'] ?? '';
      let body = rawBody;
      if (type.startsWith('application/x-www-form-urlencoded')) body = Object.fromEntries(new URLSearchParams(rawBody));
      else if (type.startsWith('application/json') && rawBody) {
        try { body = JSON.parse(rawBody); } catch { /* keep the text */ }
      }
      const request = {
        method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), url: req.url,
        headers: { ...req.headers }, body, rawBody, at: Date.now(),
      };
      requests.push(request);
      log?.(`${req.method} ${url.pathname}`);
      try {
        route(request, res);
      } catch (err) {
        sendJson(res, 500, { error: 'server_error', error_description: String(err?.message ?? err) });
      }
    });
  });

  const { origin } = await listen(server, { host, port });
  const issuer = `${origin}/oidc`;
  const githubBaseUrl = `${origin}/github`;
  const githubApiBaseUrl = `${origin}/github-api`;

  function sendJson(res, status, value, headers = {}) {
    const text = JSON.stringify(value);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers });
    res.end(text);
  }

  function sendText(res, status, text) {
    res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  function redirect(res, redirectUri, params) {
    const target = new URL(redirectUri);
    for (const [name, value] of Object.entries(params)) if (value !== undefined) target.searchParams.append(name, value);
    res.writeHead(302, { Location: target.toString(), 'Content-Length': 0 });
    res.end();
  }

  // Both authorize endpoints: check the request, remember it under a fresh code, send the browser back.
  function authorize(request, res, kind) {
    const q = request.query;
    const expectedClient = kind === 'oidc' ? clientId : githubClientId;
    if (q.client_id !== expectedClient) return sendText(res, 400, 'unknown client_id');
    if (!q.redirect_uri) return sendText(res, 400, 'redirect_uri is required');
    try { new URL(q.redirect_uri); } catch { return sendText(res, 400, 'redirect_uri is not a URL'); }
    if (kind === 'oidc' && q.response_type !== 'code') {
      return redirect(res, q.redirect_uri, { error: 'unsupported_response_type', state: q.state });
    }
    if (kind === 'oidc' && !String(q.scope ?? '').split(' ').includes('openid')) {
      return redirect(res, q.redirect_uri, { error: 'invalid_scope', state: q.state });
    }
    if (!q.code_challenge || q.code_challenge_method !== 'S256') {
      return redirect(res, q.redirect_uri, { error: 'invalid_request', error_description: 'PKCE S256 is required', state: q.state });
    }
    const code = token(kind === 'oidc' ? 'oidc-code-' : 'gh-code-');
    codes.set(code, {
      kind, clientId: q.client_id, redirectUri: q.redirect_uri, nonce: q.nonce, scope: q.scope,
      challenge: q.code_challenge, user: { ...nextUser }, at: Date.now(), used: false,
    });
    issued.codes.push(code);
    return redirect(res, q.redirect_uri, { code, state: q.state });
  }

  // The checks both token endpoints make on the code; answers the code's record or an OAuth error code.
  function redeem(kind, fields) {
    const entry = codes.get(fields.code ?? '');
    if (!entry || entry.kind !== kind) return { error: 'invalid_grant', description: 'unknown code' };
    if (entry.used) return { error: 'invalid_grant', description: 'the code was already used' };
    if (Date.now() - entry.at > CODE_TTL_MS) return { error: 'invalid_grant', description: 'the code expired' };
    if (fields.redirect_uri !== entry.redirectUri) return { error: 'invalid_grant', description: 'redirect_uri differs from the one /authorize got' };
    if (!fields.code_verifier || s256(fields.code_verifier) !== entry.challenge) {
      return { error: 'invalid_grant', description: 'code_verifier does not match the code_challenge' };
    }
    entry.used = true;
    return { entry };
  }

  function oidcToken(request, res) {
    if (request.method !== 'POST') return sendJson(res, 405, { error: 'invalid_request' });
    const credentials = basicCredentials(request.headers.authorization);
    if (!credentials || credentials.id !== clientId || credentials.secret !== clientSecret) {
      return sendJson(res, 401, { error: 'invalid_client' }, { 'WWW-Authenticate': 'Basic realm="fake-idp"' });
    }
    const fields = typeof request.body === 'object' ? request.body : {};
    if (fields.client_secret !== undefined) return sendJson(res, 400, { error: 'invalid_request', error_description: 'one client authentication method only' });
    if (fields.client_id !== undefined && fields.client_id !== clientId) return sendJson(res, 401, { error: 'invalid_client' });
    if (fields.grant_type !== 'authorization_code') return sendJson(res, 400, { error: 'unsupported_grant_type' });
    const { entry, error, description } = redeem('oidc', fields);
    if (error) return sendJson(res, 400, { error, error_description: description });
    const now = Math.floor(Date.now() / 1000);
    // GitHub-only fields (id, login, emails) stay out of the id_token.
    const { sub, email, email_verified: emailVerified, name, id: _id, login: _login, emails: _emails, ...extra } = entry.user;
    const claims = { iss: issuer, sub, aud: clientId, exp: now + ID_TOKEN_TTL_S, iat: now, nonce: entry.nonce, email, email_verified: emailVerified, name, ...extra };
    for (const [key, value] of Object.entries(nextIdTokenClaims ?? {})) {
      if (value === undefined) delete claims[key];
      else claims[key] = value;
    }
    nextIdTokenClaims = null;
    for (const key of Object.keys(claims)) if (claims[key] === undefined) delete claims[key];
    const idToken = signRs256(currentKey(), {}, claims);
    const accessToken = token('oidc-at-');
    issued.idTokens.push(idToken);
    issued.accessTokens.push(accessToken);
    return sendJson(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: ID_TOKEN_TTL_S, id_token: idToken, scope: entry.scope });
  }

  function githubAccessToken(request, res) {
    if (request.method !== 'POST') return sendJson(res, 404, { error: 'Not Found' });
    const fields = typeof request.body === 'object' ? request.body : Object.fromEntries(new URLSearchParams(request.url.split('?')[1] ?? ''));
    const wantsJson = String(request.headers.accept ?? '').includes('application/json');
    const answer = (value) => {
      if (wantsJson) return sendJson(res, 200, value);
      const text = new URLSearchParams(value).toString();
      res.writeHead(200, { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
      return res.end(text);
    };
    if (fields.client_id !== githubClientId || fields.client_secret !== githubClientSecret) {
      return answer({ error: 'incorrect_client_credentials', error_description: 'The client_id and/or client_secret passed are incorrect.' });
    }
    const { entry, error, description } = redeem('github', fields);
    if (error) {
      const githubError = description.startsWith('redirect_uri') ? 'redirect_uri_mismatch' : 'bad_verification_code';
      return answer({ error: githubError, error_description: description });
    }
    const accessToken = token('gho_');
    accessTokens.set(accessToken, entry.user);
    issued.accessTokens.push(accessToken);
    return answer({ access_token: accessToken, token_type: 'bearer', scope: String(entry.scope ?? '').split(' ').join(',') });
  }

  function githubApi(request, res, which) {
    const match = /^(?:Bearer|token)\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const user = match && accessTokens.get(match[1]);
    if (!user) return sendJson(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    if (!request.headers['user-agent']) return sendJson(res, 403, { message: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header' });
    const profile = githubUser(user);
    if (which === 'emails') return sendJson(res, 200, profile.emails);
    const publicEmail = profile.emails.find((e) => e.primary && e.visibility === 'public')?.email ?? null;
    return sendJson(res, 200, { login: profile.login, id: profile.id, type: 'User', name: profile.name, email: publicEmail });
  }

  function route(request, res) {
    switch (request.path) {
      case '/oidc/.well-known/openid-configuration':
        return sendJson(res, 200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['client_secret_basic'],
          code_challenge_methods_supported: ['S256'],
          scopes_supported: ['openid', 'email', 'profile'],
          grant_types_supported: ['authorization_code'],
        });
      case '/oidc/jwks':
        return sendJson(res, 200, { keys: signingKeys.map((key) => key.jwk) });
      case '/oidc/authorize':
        return authorize(request, res, 'oidc');
      case '/oidc/token':
        return oidcToken(request, res);
      case '/github/login/oauth/authorize':
        return authorize(request, res, 'github');
      case '/github/login/oauth/access_token':
        return githubAccessToken(request, res);
      case '/github-api/user':
        return githubApi(request, res, 'user');
      case '/github-api/user/emails':
        return githubApi(request, res, 'emails');
      default:
        return sendJson(res, 404, { error: 'not_found', path: request.path });
    }
  }

  return {
    origin,
    issuer,
    githubBaseUrl,
    githubApiBaseUrl,
    clientId,
    clientSecret,
    githubClientId,
    githubClientSecret,
    requests,
    issued,
    /**
     * Who the next logins sign in as (sticky until changed), both faces: OIDC claims { sub, email,
     * email_verified, name, ...any extra claims }; GitHub uses { id (default: sub if numeric, else
     * derived from it), login (default: email's local part), name, emails (default: the email as
     * the primary address, verified unless email_verified === false) }. An `email` of undefined
     * leaves the claim (and GitHub's emails) out.
     */
    setNextUser(user) {
      nextUser = { ...user };
    },
    /** Claims merged into the next id_token only (undefined removes one): forge a bad nonce, aud, exp… */
    setNextIdTokenClaims(claims) {
      nextIdTokenClaims = { ...claims };
    },
    /** A new signing key, published in the JWKS and used from now on; the old ones stay unless keepOld is false. */
    rotateSigningKey({ keepOld = true } = {}) {
      const key = newSigningKey();
      if (!keepOld) signingKeys.length = 0;
      signingKeys.push(key);
      return key.kid;
    },
    jwks: () => ({ keys: signingKeys.map((key) => key.jwk) }),
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function main() {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : fallback;
  };
  const idp = await startIdentityProvider({
    host: option('--host', '127.0.0.1'),
    port: Number(option('--port', '0')),
    log: (line) => process.stderr.write(`fake-idp: ${line}\n`),
  });
  process.stdout.write(`${JSON.stringify({ issuer: idp.issuer, githubBaseUrl: idp.githubBaseUrl, githubApiBaseUrl: idp.githubApiBaseUrl })}\n`);
  const shutdown = () => idp.close().then(() => process.exit(0));
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

if (process.argv[1] && realpathSync(fileURLToPath(import.meta.url)) === realpathSync(process.argv[1])) {
  main().catch((err) => {
    process.stderr.write(`fake-idp: ${err.message}\n`);
    process.exit(2);
  });
}
