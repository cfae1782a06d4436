// Specifies the fake identity provider itself (fakes/identity_provider.mjs), driven the way the
// gateway will drive it: discovery, authorize → 302, code exchange with PKCE, id_token checked
// against the JWKS; and GitHub's OAuth app flow. Needs no gateway: if these fail, the SSO tests
// that use the fake cannot be trusted.

import assert from 'node:assert/strict';
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { after, before, test } from 'node:test';

import { DEFAULT_USER, startIdentityProvider } from './fakes/identity_provider.mjs';

const REDIRECT_URI = 'http://127.0.0.1:9/api/v1/auth/oidc/callback';
const GITHUB_REDIRECT_URI = 'http://127.0.0.1:9/api/v1/auth/oauth/callback/github';

let idp;

before(async () => {
  idp = await startIdentityProvider();
});

after(async () => {
  await idp?.close();
});

const verifierAndChallenge = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

const basic = (id, secret) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** GET /oidc/authorize as a browser would; answers the redirect's query. */
async function authorizeOidc(overrides = {}) {
  const { verifier, challenge } = verifierAndChallenge();
  const params = {
    response_type: 'code', client_id: idp.clientId, redirect_uri: REDIRECT_URI, scope: 'openid email profile',
    state: randomBytes(8).toString('hex'), nonce: randomBytes(8).toString('hex'),
    code_challenge: challenge, code_challenge_method: 'S256', ...overrides,
  };
  for (const key of Object.keys(params)) if (params[key] === undefined) delete params[key];
  const response = await fetch(`${idp.issuer}/authorize?${new URLSearchParams(params)}`, { redirect: 'manual' });
  assert.equal(response.status, 302);
  const location = new URL(response.headers.get('location'));
  return { location, query: Object.fromEntries(location.searchParams), params, verifier };
}

async function redeemOidc(fields, { authorization = basic(idp.clientId, idp.clientSecret) } = {}) {
  const body = new URLSearchParams({ grant_type: 'authorization_code', redirect_uri: REDIRECT_URI, ...fields });
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
  if (authorization) headers.Authorization = authorization;
  const response = await fetch(`${idp.issuer}/token`, { method: 'POST', headers, body });
  return { status: response.status, body: await response.json() };
}

function decodeJwt(jwt) {
  const [header, payload, signature] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url')),
    claims: JSON.parse(Buffer.from(payload, 'base64url')),
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature, 'base64url'),
  };
}

async function verifiesWithJwks(jwt) {
  const { header, signingInput, signature } = decodeJwt(jwt);
  const jwks = await (await fetch(`${idp.issuer}/jwks`)).json();
  const jwk = jwks.keys.find((key) => key.kid === header.kid);
  assert.ok(jwk, `no key ${header.kid} in the JWKS`);
  return verify('sha256', Buffer.from(signingInput), createPublicKey({ key: jwk, format: 'jwk' }), signature);
}

test('discovery names the issuer and its endpoints, and the JWKS holds an RS256 key', async () => {
  const discovery = await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json();
  assert.equal(discovery.issuer, idp.issuer);
  assert.equal(discovery.authorization_endpoint, `${idp.issuer}/authorize`);
  assert.equal(discovery.token_endpoint, `${idp.issuer}/token`);
  assert.equal(discovery.jwks_uri, `${idp.issuer}/jwks`);
  assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);
  const jwks = await (await fetch(discovery.jwks_uri)).json();
  assert.equal(jwks.keys.length, 1);
  assert.equal(jwks.keys[0].kty, 'RSA');
  assert.equal(jwks.keys[0].alg, 'RS256');
  assert.ok(jwks.keys[0].kid);
  assert.equal(jwks.keys[0].d, undefined, 'the private exponent must not be published');
});

test('an OIDC login: authorize redirects back with code and state, the code buys a signed id_token with the nonce', async () => {
  idp.setNextUser({ sub: 'u-1', email: 'Ada@Example.com', email_verified: true, name: 'Ada' });
  const { location, query, params, verifier } = await authorizeOidc();
  assert.equal(`${location.origin}${location.pathname}`, REDIRECT_URI);
  assert.equal(query.state, params.state);
  assert.ok(query.code);

  const { status, body } = await redeemOidc({ code: query.code, code_verifier: verifier, client_id: idp.clientId });
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.token_type, 'Bearer');
  assert.ok(await verifiesWithJwks(body.id_token));
  const { header, claims } = decodeJwt(body.id_token);
  assert.equal(header.alg, 'RS256');
  assert.equal(claims.iss, idp.issuer);
  assert.equal(claims.aud, idp.clientId);
  assert.equal(claims.sub, 'u-1');
  assert.equal(claims.email, 'Ada@Example.com');
  assert.equal(claims.email_verified, true);
  assert.equal(claims.name, 'Ada');
  assert.equal(claims.nonce, params.nonce);
  assert.ok(claims.exp > claims.iat);

  const recorded = idp.requests.filter((r) => r.path === '/oidc/authorize').at(-1);
  assert.equal(recorded.query.code_challenge_method, 'S256');
  assert.ok(idp.issued.idTokens.includes(body.id_token));
  idp.setNextUser(DEFAULT_USER);
});

test('a wrong code_verifier is refused, and the right one still works after', async () => {
  const { query, verifier } = await authorizeOidc();
  const wrong = await redeemOidc({ code: query.code, code_verifier: randomBytes(32).toString('base64url') });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error, 'invalid_grant');
  const missing = await redeemOidc({ code: query.code });
  assert.equal(missing.body.error, 'invalid_grant');
  const right = await redeemOidc({ code: query.code, code_verifier: verifier });
  assert.equal(right.status, 200);
});

test('a code is good for one exchange only', async () => {
  const { query, verifier } = await authorizeOidc();
  assert.equal((await redeemOidc({ code: query.code, code_verifier: verifier })).status, 200);
  const again = await redeemOidc({ code: query.code, code_verifier: verifier });
  assert.equal(again.status, 400);
  assert.equal(again.body.error, 'invalid_grant');
});

test('the token endpoint wants client_secret_basic with the right credentials', async () => {
  const { query, verifier } = await authorizeOidc();
  const wrongSecret = await redeemOidc({ code: query.code, code_verifier: verifier }, { authorization: basic(idp.clientId, 'nope') });
  assert.equal(wrongSecret.status, 401);
  assert.equal(wrongSecret.body.error, 'invalid_client');
  const inBody = await redeemOidc({ code: query.code, code_verifier: verifier, client_id: idp.clientId, client_secret: idp.clientSecret }, { authorization: null });
  assert.equal(inBody.status, 401);
  assert.equal((await redeemOidc({ code: query.code, code_verifier: verifier, grant_type: 'password' })).body.error, 'unsupported_grant_type');
  assert.equal((await redeemOidc({ code: query.code, code_verifier: verifier })).status, 200);
});

test('client credentials with reserved characters are read form-decoded from Basic', async () => {
  const special = await startIdentityProvider({ clientId: 'my client', clientSecret: 'p@ss:w+rd/%' });
  try {
    const { verifier, challenge } = verifierAndChallenge();
    const params = new URLSearchParams({ response_type: 'code', client_id: 'my client', redirect_uri: REDIRECT_URI, scope: 'openid', state: 's', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' });
    const code = new URL((await fetch(`${special.issuer}/authorize?${params}`, { redirect: 'manual' })).headers.get('location')).searchParams.get('code');
    const response = await fetch(`${special.issuer}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basic('my client', 'p@ss:w+rd/%') },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }),
    });
    assert.equal(response.status, 200);
  } finally {
    await special.close();
  }
});

test('the redirect_uri must equal the one /authorize got', async () => {
  const { query, verifier } = await authorizeOidc();
  const other = await redeemOidc({ code: query.code, code_verifier: verifier, redirect_uri: 'http://127.0.0.1:9/elsewhere' });
  assert.equal(other.status, 400);
  assert.equal(other.body.error, 'invalid_grant');
});

test('authorize refuses a login without PKCE S256, and an unknown client', async () => {
  const { query } = await authorizeOidc({ code_challenge: undefined, code_challenge_method: undefined });
  assert.equal(query.error, 'invalid_request');
  assert.equal(query.code, undefined);
  const plain = await authorizeOidc({ code_challenge_method: 'plain' });
  assert.equal(plain.query.error, 'invalid_request');
  const unknown = await fetch(`${idp.issuer}/authorize?client_id=stranger&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`, { redirect: 'manual' });
  assert.equal(unknown.status, 400);
});

test('setNextIdTokenClaims changes the next id_token only; rotateSigningKey signs with a new published kid', async () => {
  idp.setNextIdTokenClaims({ nonce: 'forged', email: undefined });
  const first = await authorizeOidc();
  const forged = decodeJwt((await redeemOidc({ code: first.query.code, code_verifier: first.verifier })).body.id_token);
  assert.equal(forged.claims.nonce, 'forged');
  assert.equal('email' in forged.claims, false);

  const kid = idp.rotateSigningKey();
  const second = await authorizeOidc();
  const idToken = (await redeemOidc({ code: second.query.code, code_verifier: second.verifier })).body.id_token;
  const { header, claims } = decodeJwt(idToken);
  assert.equal(claims.nonce, second.params.nonce);
  assert.equal(header.kid, kid);
  assert.ok(await verifiesWithJwks(idToken));
  assert.equal(idp.jwks().keys.length, 2);
});

// --- GitHub ----------------------------------------------------------------------------------

async function githubLogin({ verifierOverride, accept = 'application/json' } = {}) {
  const { verifier, challenge } = verifierAndChallenge();
  const params = new URLSearchParams({ client_id: idp.githubClientId, redirect_uri: GITHUB_REDIRECT_URI, scope: 'read:user user:email', state: 'st-1', code_challenge: challenge, code_challenge_method: 'S256' });
  const authorize = await fetch(`${idp.githubBaseUrl}/login/oauth/authorize?${params}`, { redirect: 'manual' });
  assert.equal(authorize.status, 302);
  const location = new URL(authorize.headers.get('location'));
  assert.equal(location.searchParams.get('state'), 'st-1');
  const response = await fetch(`${idp.githubBaseUrl}/login/oauth/access_token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: accept },
    body: new URLSearchParams({ client_id: idp.githubClientId, client_secret: idp.githubClientSecret, code: location.searchParams.get('code'), redirect_uri: GITHUB_REDIRECT_URI, code_verifier: verifierOverride ?? verifier }),
  });
  assert.equal(response.status, 200);
  return accept === 'application/json' ? response.json() : Object.fromEntries(new URLSearchParams(await response.text()));
}

const githubApi = (path, accessToken) => fetch(`${idp.githubApiBaseUrl}${path}`, {
  headers: { Authorization: `Bearer ${accessToken}`, 'User-Agent': 'sluice', Accept: 'application/vnd.github+json' },
});

test('a GitHub login: authorize, exchange the code, read /user and /user/emails', async () => {
  idp.setNextUser({ sub: '4242', login: 'octo', email: 'octo@example.com', email_verified: true, name: 'Octo Cat' });
  const answer = await githubLogin();
  assert.ok(answer.access_token.startsWith('gho_'));
  assert.equal(answer.token_type, 'bearer');
  const user = await (await githubApi('/user', answer.access_token)).json();
  assert.deepEqual({ id: user.id, login: user.login, name: user.name }, { id: 4242, login: 'octo', name: 'Octo Cat' });
  const emails = await (await githubApi('/user/emails', answer.access_token)).json();
  assert.deepEqual(emails, [{ email: 'octo@example.com', primary: true, verified: true, visibility: 'public' }]);
  idp.setNextUser(DEFAULT_USER);
});

test('GitHub answers a wrong code_verifier with 200 bad_verification_code, and form-encoded without Accept json', async () => {
  const wrong = await githubLogin({ verifierOverride: randomBytes(32).toString('base64url') });
  assert.equal(wrong.error, 'bad_verification_code');
  assert.equal(wrong.access_token, undefined);
  const form = await githubLogin({ accept: '*/*' });
  assert.ok(form.access_token.startsWith('gho_'));
});

test('the GitHub API wants a valid bearer token', async () => {
  const response = await githubApi('/user', 'gho_not-a-token');
  assert.equal(response.status, 401);
  assert.equal((await response.json()).message, 'Bad credentials');
});

test('an unverified GitHub email shows as unverified', async () => {
  idp.setNextUser({ sub: '7', email: 'new@example.com', email_verified: false });
  const answer = await githubLogin();
  const emails = await (await githubApi('/user/emails', answer.access_token)).json();
  assert.equal(emails[0].verified, false);
  idp.setNextUser(DEFAULT_USER);
});
