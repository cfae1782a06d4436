// AWS SigV4 signing and the AWS default credential chain for `aws_bedrock` providers, specified
// against the real binary with the official openai SDK as the caller
// (../shared/reference/config.md §10.4, api.md §5.4).
//
// The Bedrock origins are HTTPS fakes (fakes/openai_upstream.mjs with verifySigV4) that check every
// request's signature the way AWS does, recomputed with the AWS SDK's own signer
// (fakes/sigv4_verifier.mjs), against the credentials the test expects — so a test passes only if
// the request was signed with the credentials *that* source produced. STS, the container
// credentials endpoint and IMDSv2 are loopback HTTP fakes (fakes/aws_credentials.mjs).
//
// Every gateway runs with a clean environment: no AWS_* variable but the ones the test sets, HOME
// an empty temp dir (no ~/.aws), instance metadata disabled unless the test is about it, and the
// STS and IMDS endpoints pointed at loopback fakes in every test, so no chain ever reaches past
// 127.0.0.1.
//
// Run: SLUICE_BIN=/path/to/sluice node --test --test-concurrency=1 tests/e2e/aws-auth.test.mjs

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import OpenAI from 'openai';

import { awsTimestamp, startFakeContainerCredentials, startFakeImds, startFakeSts } from './fakes/aws_credentials.mjs';
import { answerFor, startOpenAIUpstream } from './fakes/openai_upstream.mjs';
import { describeVerdict, parseAuthorization, sha256Hex, verifySigV4 } from './fakes/sigv4_verifier.mjs';
import { allGatewayOutput, sleep, startGateway } from './lib/gateway.mjs';
import { assertGatewayError, bearer, request } from './lib/http.mjs';
import { createTestPki, HAS_OPENSSL } from './lib/tls.mjs';
import { callerIdentityYaml } from './lib/identity.mjs';
import { providersSection, seedBlock, withEndpointUrl } from './lib/seed.mjs';

const KEY_SECRET = 's3cr3t-aws-auth-key-4d2e91';
const CALLER_KEY = `gwk_e2eaws01.${KEY_SECRET}`;
const REGION = 'us-east-2';
const MANTLE_SERVICE = 'bedrock-mantle';
const RUNTIME_SERVICE = 'bedrock';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/e2e-bedrock-caller';
const ARN_MODEL = 'arn:aws:bedrock:us-east-2:123456789012:inference-profile/us.openai.gpt-5.5';

/** Every secret a gateway in this file was given or could have fetched; none may ever be printed. */
const SECRETS = new Set([KEY_SECRET]);
function secretsOf(creds) {
  if (creds?.secretAccessKey) SECRETS.add(creds.secretAccessKey);
  if (creds?.sessionToken) SECRETS.add(creds.sessionToken);
  return creds;
}

/** Long-term or session keys a test hands to the gateway itself (env, files, config). */
let keyCounter = 0;
function testKeys(label, { session = false } = {}) {
  keyCounter++;
  const n = String(keyCounter).padStart(4, '0');
  return secretsOf({
    accessKeyId: `${session ? 'ASIA' : 'AKIA'}E2E${label.toUpperCase().replace(/[^A-Z]/g, '').slice(0, 9).padEnd(9, 'X')}${n}`,
    secretAccessKey: `${label}-secret-access-key-${n}-Zq9/x+Y`,
    ...(session ? { sessionToken: `${label}-session-token-${n}-FwoGZXIvYXdzEJr//////////=` } : {}),
  });
}

const IDENTITY_YAML = callerIdentityYaml({ key: CALLER_KEY, account: 'e2e-aws' });

// The seed's "AWS SigV4 Provider Chain" block (seed/000_ebc30c1ff68162ea.txt), verbatim plus
// `endpoint_url`, which points the real Mantle origin at the HTTPS fake.
function seedDefaultChainConfig(endpointURL) {
  return withEndpointUrl(seedBlock('bedrock-mantle-default-chain'), endpointURL) + IDENTITY_YAML;
}

/** A provider block; `auth` is the YAML under `auth:` (indented by 6). */
function providerYaml(id, { kind, endpointURL, auth, region = REGION, extra = '' }) {
  return `
  - id: ${id}
    type: aws_bedrock
    region: ${region}
    endpoint_kind: ${kind === 'runtime' ? 'bedrock_runtime' : 'bedrock_mantle'}
    endpoint_url: ${endpointURL}${extra}
    auth:
${auth.trim().split('\n').map((l) => `      ${l.trim()}`).join('\n')}`;
}

function mantleModelYaml(id, provider, upstreamModel = 'openai.gpt-5.5', extra = '') {
  return `
  - id: ${id}
    routes:
      - provider: ${provider}
        upstream_model: ${upstreamModel}${extra}
        capabilities:
          chat_completions: false
          responses: true
          stream: true
          embeddings: false
        compatibility:
          aws_bedrock:
            api_style: mantle_openai_responses
            openai_base_path: /openai/v1`;
}

function runtimeChatModelYaml(id, provider, upstreamModel) {
  return `
  - id: ${id}
    routes:
      - provider: ${provider}
        upstream_model: ${upstreamModel}
        capabilities:
          responses: false
          json_schema: false
          embeddings: false
        compatibility:
          aws_bedrock:
            api_style: runtime_openai_chat
            openai_base_path: /openai/v1`;
}

function configYaml(providers, models) {
  return `
providers:${providers.join('')}

models:${models.join('')}
${IDENTITY_YAML}`;
}

let pki;
/** Loopback stand-ins that every gateway is pointed at, so no chain can leave 127.0.0.1. */
let guardImds;
let guardSts;
const scratchDirs = [];
const fakes = [];

function scratchDir(prefix = 'sluice-e2e-aws-') {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}

before(async () => {
  assert.ok(HAS_OPENSSL, 'the AWS auth tests need the openssl command line tool to make certificates');
  pki = createTestPki();
  guardImds = await startFakeImds({ roleName: 'guard-role-must-not-be-used' });
  guardSts = await startFakeSts({ sourceCredentials: [] });
  fakes.push(guardImds, guardSts);
});

after(async () => {
  await Promise.all(fakes.map((f) => f.close().catch(() => {})));
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
  if (pki) rmSync(pki.dir, { recursive: true, force: true });
});

/**
 * The gateway's environment: every AWS_* of this process removed, HOME an empty temp dir, instance
 * metadata disabled, STS and IMDS at the loopback guards; then `extra` (undefined removes).
 */
function cleanEnv(extra = {}) {
  const env = {};
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('AWS_')) env[name] = undefined;
  }
  return {
    ...env,
    HOME: scratchDir('sluice-e2e-aws-home-'),
    USERPROFILE: undefined,
    SSL_CERT_FILE: pki.caFile,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_EC2_METADATA_SERVICE_ENDPOINT: guardImds.url,
    AWS_ENDPOINT_URL_STS: guardSts.url,
    ...extra,
  };
}

/** An HTTPS Bedrock fake that accepts only signatures made with `credentials` for `service`. */
async function startBedrockFake({ credentials, service = MANTLE_SERVICE, region = REGION }) {
  const fake = await startOpenAIUpstream({ tls: pki.server, verifySigV4: { credentials, region, service } });
  fakes.push(fake);
  return fake;
}

async function track(fakePromise) {
  const fake = await fakePromise;
  fakes.push(fake);
  return fake;
}

const httpsURL = (fake) => `https://localhost:${fake.port}`;

function sdk(gw) {
  return new OpenAI({ baseURL: `${gw.baseURL}/v1`, apiKey: CALLER_KEY, maxRetries: 0, timeout: 30_000 });
}

/** The last `lines` of the gateway's stderr, for failure messages. */
function stderrTail(gw, lines = 25) {
  return gw.stderrLines.slice(-lines).join('\n');
}

/**
 * Runs an SDK call; if it fails, the error says what the Bedrock fake saw (the signature verdict)
 * and what the gateway printed, so a failure explains itself.
 */
async function callThrough(gw, fake, fn) {
  const before = fake.requests.length;
  try {
    return await fn();
  } catch (err) {
    const seen = fake.requests.slice(before);
    const verdicts = seen.map((r) => `${r.method} ${r.url}\n${describeVerdict(r.sigv4)}`).join('\n');
    throw new Error(`the call through the gateway failed: ${err.status ?? ''} ${err.message}\n`
      + `upstream requests seen by the fake: ${seen.length}\n${verdicts}\n--- gateway stderr (tail) ---\n${stderrTail(gw)}`);
  }
}

/** One responses.create through the gateway; resolves to { response, upstream } (the one upstream request). */
async function responsesCall(gw, fake, { model = 'gpt-55-bedrock', input = 'Write a concise migration note.' } = {}) {
  const before = fake.requests.length;
  const response = await callThrough(gw, fake, () => sdk(gw).responses.create({ model, input }));
  const seen = fake.requests.slice(before);
  assert.equal(seen.length, 1, `exactly one upstream request, saw ${seen.length}`);
  assert.equal(response.output_text, answerFor(input));
  return { response, upstream: seen[0] };
}

/**
 * Asserts that `upstream` (a request the Bedrock fake recorded) is SigV4-signed with exactly
 * `creds` for `service` in us-east-2, carries the SigV4 headers, and no bearer token.
 */
async function assertSignedWith(upstream, creds, { service = MANTLE_SERVICE, region = REGION } = {}) {
  assert.ok(upstream.sigv4?.ok, `the Bedrock fake rejected the signature:\n${describeVerdict(upstream.sigv4)}`);
  const verdict = await verifySigV4({ method: upstream.method, path: upstream.url, rawHeaders: upstream.rawHeaders, body: upstream.bodyBytes },
    { ...creds, region, service });
  assert.ok(verdict.ok, `not signed with the expected credentials (${creds.accessKeyId}):\n${describeVerdict(verdict)}`);
  const { headers } = upstream;
  const auth = parseAuthorization(headers.authorization);
  assert.ok(auth, `Authorization is not AWS4-HMAC-SHA256: ${headers.authorization}`);
  assert.equal(auth.accessKeyId, creds.accessKeyId);
  assert.equal(auth.region, region);
  assert.equal(auth.service, service);
  assert.equal(auth.terminator, 'aws4_request');
  assert.doesNotMatch(headers.authorization, /^Bearer/i);
  assert.match(headers['x-amz-date'] ?? '', /^\d{8}T\d{6}Z$/);
  assert.equal(headers['x-amz-content-sha256'], sha256Hex(upstream.bodyBytes), 'x-amz-content-sha256 is the hex SHA-256 of the body');
  if (creds.sessionToken) assert.equal(headers['x-amz-security-token'], creds.sessionToken, 'the session token is sent as x-amz-security-token');
  else assert.equal(headers['x-amz-security-token'], undefined, 'no x-amz-security-token for long-term keys');
  assert.equal(headers['x-api-key'], undefined);
  const rawAuthorizations = upstream.rawHeaders.filter((_, i) => i % 2 === 0 && upstream.rawHeaders[i].toLowerCase() === 'authorization');
  assert.equal(rawAuthorizations.length, 1, 'exactly one Authorization header');
}

/**
 * Asserts that the gateway's stderr says which source the chain settled on: a line about
 * credentials naming the source (`sourcePattern`), and no secret on it.
 */
async function assertSourceLogged(gw, sourcePattern) {
  const deadline = Date.now() + 3000;
  const matches = () => gw.stderrLines.filter((l) => /credential|chain/i.test(l) && sourcePattern.test(l));
  while (matches().length === 0 && Date.now() < deadline) await sleep(25);
  assert.ok(matches().length > 0,
    `no stderr line about AWS credentials names the source ${sourcePattern}; stderr:\n${gw.stderrLines.join('\n')}`);
  for (const line of matches()) {
    for (const secret of SECRETS) assert.ok(!line.includes(secret), `a secret is on the source log line: ${line}`);
  }
}

/** Writes `text` to a new file in a fresh scratch dir (mode 0600); returns its path. */
function scratchFile(name, text, mode = 0o600) {
  const file = path.join(scratchDir(), name);
  writeFileSync(file, text, { mode });
  return file;
}

function profileKeys(creds) {
  return `aws_access_key_id = ${creds.accessKeyId}\naws_secret_access_key = ${creds.secretAccessKey}\n`
    + (creds.sessionToken ? `aws_session_token = ${creds.sessionToken}\n` : '');
}

/** Starts a Bedrock fake accepting `credentials`, and a gateway on the seed default_chain config with `env`. */
async function seedGateway({ credentials, env }) {
  const fake = await startBedrockFake({ credentials });
  const gw = await startGateway({ config: seedDefaultChainConfig(httpsURL(fake)), env: cleanEnv(env) });
  return { fake, gw };
}

// -------------------------------------------------------------------------------------------------

describe('SigV4 signing of Bedrock upstream requests', () => {
  test('the seed default_chain Mantle route signs POST /openai/v1/responses with environment keys for bedrock-mantle in us-east-2, with no bearer token', async () => {
    const keys = testKeys('envseed');
    const { fake, gw } = await seedGateway({
      credentials: keys,
      env: { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey },
    });
    try {
      const { response, upstream } = await responsesCall(gw, fake);
      assert.equal(response.status, 'completed');
      assert.equal(upstream.method, 'POST');
      assert.equal(upstream.path, '/openai/v1/responses');
      assert.equal(upstream.headers.host, `localhost:${fake.port}`);
      assert.equal(upstream.body.model, 'openai.gpt-5.5');
      assert.equal(upstream.body.input, 'Write a concise migration note.');
      await assertSignedWith(upstream, keys);
      const { signedHeaders } = parseAuthorization(upstream.headers.authorization);
      for (const name of ['host', 'x-amz-content-sha256', 'x-amz-date']) assert.ok(signedHeaders.includes(name), `${name} is signed: ${signedHeaders}`);
    } finally {
      await gw.stop();
    }
  });

  test('a streamed Responses call on the seed route is signed the same way', async () => {
    const keys = testKeys('envstream');
    const { fake, gw } = await seedGateway({
      credentials: keys,
      env: { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey },
    });
    try {
      const before = fake.requests.length;
      const final = await callThrough(gw, fake, async () => {
        const stream = sdk(gw).responses.stream({ model: 'gpt-55-bedrock', input: 'stream it' });
        return stream.finalResponse();
      });
      assert.equal(final.status, 'completed');
      const [upstream, ...more] = fake.requests.slice(before);
      assert.equal(more.length, 0);
      assert.equal(upstream.body.stream, true);
      await assertSignedWith(upstream, keys);
    } finally {
      await gw.stop();
    }
  });

  test('session credentials from AWS_SESSION_TOKEN are signed and sent as x-amz-security-token', async () => {
    const keys = testKeys('envsession', { session: true });
    const { fake, gw } = await seedGateway({
      credentials: keys,
      env: { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey, AWS_SESSION_TOKEN: keys.sessionToken },
    });
    try {
      const { upstream } = await responsesCall(gw, fake);
      await assertSignedWith(upstream, keys);
      assert.ok(parseAuthorization(upstream.headers.authorization).signedHeaders.includes('x-amz-security-token'),
        `x-amz-security-token is among the signed headers: ${upstream.headers.authorization}`);
    } finally {
      await gw.stop();
    }
  });

  test('static_credentials (env. and literal. references, with and without session_token) sign with those keys, not the chain\'s', async () => {
    const withToken = testKeys('staticsess', { session: true });
    const plain = testKeys('staticplain');
    const decoy = testKeys('decoyenv');
    const fakeWithToken = await startBedrockFake({ credentials: withToken });
    const fakePlain = await startBedrockFake({ credentials: plain });
    const config = configYaml([
      providerYaml('static-session', { endpointURL: httpsURL(fakeWithToken), auth: `
        mode: static_credentials
        access_key_id: env.E2E_STATIC_AKID
        secret_access_key: env.E2E_STATIC_SECRET
        session_token: env.E2E_STATIC_TOKEN` }),
      providerYaml('static-plain', { endpointURL: httpsURL(fakePlain), auth: `
        mode: static_credentials
        access_key_id: literal.${plain.accessKeyId}
        secret_access_key: literal.${plain.secretAccessKey}` }),
    ], [mantleModelYaml('static-session-model', 'static-session'), mantleModelYaml('static-plain-model', 'static-plain')]);
    const gw = await startGateway({
      config,
      env: cleanEnv({
        E2E_STATIC_AKID: withToken.accessKeyId,
        E2E_STATIC_SECRET: withToken.secretAccessKey,
        E2E_STATIC_TOKEN: withToken.sessionToken,
        // The default chain would find these; static_credentials must not use them.
        AWS_ACCESS_KEY_ID: decoy.accessKeyId,
        AWS_SECRET_ACCESS_KEY: decoy.secretAccessKey,
      }),
    });
    try {
      const { upstream: a } = await responsesCall(gw, fakeWithToken, { model: 'static-session-model' });
      await assertSignedWith(a, withToken);
      const { upstream: b } = await responsesCall(gw, fakePlain, { model: 'static-plain-model' });
      await assertSignedWith(b, plain);
    } finally {
      await gw.stop();
    }
  });

  test('a bedrock_runtime provider with runtime_openai_chat signs POST /openai/v1/chat/completions for service bedrock', async () => {
    const keys = testKeys('runtime');
    const fake = await startBedrockFake({ credentials: keys, service: RUNTIME_SERVICE });
    const config = configYaml(
      [providerYaml('bedrock-runtime', { kind: 'runtime', endpointURL: httpsURL(fake), auth: 'mode: default_chain' })],
      [runtimeChatModelYaml('gpt-oss-runtime', 'bedrock-runtime', 'openai.gpt-oss-120b-1:0')],
    );
    const gw = await startGateway({ config, env: cleanEnv({ AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey }) });
    try {
      const before = fake.requests.length;
      const completion = await callThrough(gw, fake, () => sdk(gw).chat.completions.create({
        model: 'gpt-oss-runtime', messages: [{ role: 'user', content: 'hello runtime' }],
      }));
      assert.equal(completion.choices[0].message.content, answerFor('hello runtime'));
      const [upstream, ...more] = fake.requests.slice(before);
      assert.equal(more.length, 0);
      assert.equal(upstream.method, 'POST');
      assert.equal(upstream.path, '/openai/v1/chat/completions');
      assert.equal(upstream.body.model, 'openai.gpt-oss-120b-1:0');
      await assertSignedWith(upstream, keys, { service: RUNTIME_SERVICE });

      // Streamed too.
      const streamBefore = fake.requests.length;
      const text = await callThrough(gw, fake, async () => {
        const stream = await sdk(gw).chat.completions.create({ model: 'gpt-oss-runtime', messages: [{ role: 'user', content: 'stream runtime' }], stream: true });
        let out = '';
        for await (const chunk of stream) out += chunk.choices[0]?.delta?.content ?? '';
        return out;
      });
      assert.equal(text, answerFor('stream runtime'));
      await assertSignedWith(fake.requests[streamBefore], keys, { service: RUNTIME_SERVICE });
    } finally {
      await gw.stop();
    }
  });

  test('an ARN upstream model id on a Mantle route goes in the JSON body and the request is signed for bedrock-mantle', async () => {
    const keys = testKeys('arnmodel');
    const fake = await startBedrockFake({ credentials: keys });
    const config = configYaml(
      [providerYaml('mantle-arn', { endpointURL: httpsURL(fake), auth: 'mode: default_chain' })],
      [mantleModelYaml('gpt-55-profile', 'mantle-arn', ARN_MODEL)],
    );
    const gw = await startGateway({ config, env: cleanEnv({ AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey }) });
    try {
      const { upstream } = await responsesCall(gw, fake, { model: 'gpt-55-profile' });
      assert.equal(upstream.path, '/openai/v1/responses');
      assert.equal(upstream.body.model, ARN_MODEL);
      await assertSignedWith(upstream, keys);
    } finally {
      await gw.stop();
    }
  });

  test('the provider region is the signing region: a Runtime provider in eu-central-1 signs for eu-central-1', async () => {
    const keys = testKeys('region');
    const fake = await startBedrockFake({ credentials: keys, service: RUNTIME_SERVICE, region: 'eu-central-1' });
    const config = configYaml(
      [providerYaml('runtime-eu', { kind: 'runtime', region: 'eu-central-1', endpointURL: httpsURL(fake), auth: 'mode: default_chain' })],
      [runtimeChatModelYaml('gpt-oss-eu', 'runtime-eu', 'openai.gpt-oss-20b-1:0')],
    );
    const gw = await startGateway({ config, env: cleanEnv({ AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey, AWS_REGION: 'us-west-2' }) });
    try {
      const before = fake.requests.length;
      await callThrough(gw, fake, () => sdk(gw).chat.completions.create({ model: 'gpt-oss-eu', messages: [{ role: 'user', content: 'hi' }] }));
      await assertSignedWith(fake.requests[before], keys, { service: RUNTIME_SERVICE, region: 'eu-central-1' });
    } finally {
      await gw.stop();
    }
  });

  test('a body with non-ASCII text is hashed and signed over its UTF-8 bytes', async () => {
    const keys = testKeys('utf8');
    const { fake, gw } = await seedGateway({ credentials: keys, env: { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey } });
    try {
      const input = 'Grüße aus Köln – 東京 🚀 "quoted" \\ back';
      const { upstream } = await responsesCall(gw, fake, { input });
      assert.equal(upstream.body.input, input);
      assert.ok(upstream.bodyBytes.length > Buffer.byteLength(JSON.stringify(input)), 'the body carries the text');
      await assertSignedWith(upstream, keys);
    } finally {
      await gw.stop();
    }
  });

  test('route extra_headers (OpenAI-Project) and x-request-id arrive with a valid signature; an admin-set Authorization or x-api-key never does', async () => {
    const keys = testKeys('headers');
    const fake = await startBedrockFake({ credentials: keys });
    const config = configYaml(
      [providerYaml('mantle-headers', { endpointURL: httpsURL(fake), auth: 'mode: default_chain', extra: `
    default_headers:
      Authorization: Bearer admin-set-must-be-replaced
      x-api-key: admin-set-api-key
      X-Provider-Default: from-provider` })],
      [mantleModelYaml('gpt-55-project', 'mantle-headers', 'openai.gpt-5.5', `
        extra_headers:
          OpenAI-Project: proj_123`)],
    );
    const gw = await startGateway({ config, env: cleanEnv({ AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey }) });
    try {
      const before = fake.requests.length;
      let requestId;
      await callThrough(gw, fake, async () => {
        const { response } = await sdk(gw).responses.create({ model: 'gpt-55-project', input: 'project call' }).withResponse();
        requestId = response.headers.get('x-request-id');
      });
      const upstream = fake.requests[before];
      assert.equal(upstream.headers['openai-project'], 'proj_123');
      assert.equal(upstream.headers['x-provider-default'], 'from-provider');
      assert.equal(upstream.headers['x-request-id'], requestId);
      assert.equal(upstream.headers['x-api-key'], undefined, 'an admin-set x-api-key is removed before signing');
      assert.ok(!JSON.stringify(upstream.rawHeaders).includes('admin-set'), `no admin-set credential reaches Bedrock: ${JSON.stringify(upstream.rawHeaders)}`);
      await assertSignedWith(upstream, keys);
    } finally {
      await gw.stop();
    }
  });

  test('an endpoint_url with a path prefix and a trailing slash is joined without a double slash and signed as sent', async () => {
    const keys = testKeys('prefix');
    const fake = await startBedrockFake({ credentials: keys });
    const config = configYaml(
      [providerYaml('mantle-prefixed', { endpointURL: `${httpsURL(fake)}/bedrock-proxy/`, auth: 'mode: default_chain' })],
      [mantleModelYaml('gpt-55-prefixed', 'mantle-prefixed')],
    );
    const gw = await startGateway({ config, env: cleanEnv({ AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey }) });
    try {
      const { upstream } = await responsesCall(gw, fake, { model: 'gpt-55-prefixed' });
      assert.equal(upstream.url, '/bedrock-proxy/openai/v1/responses');
      await assertSignedWith(upstream, keys);
    } finally {
      await gw.stop();
    }
  });

  test('an upstream that rejects the signature (403 from Bedrock) is passed to the caller as 403 upstream_error', async () => {
    const keys = testKeys('rejected');
    const other = testKeys('otherkeys');
    const { fake, gw } = await seedGateway({
      credentials: other, // the fake only accepts keys the gateway does not have
      env: { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey },
    });
    try {
      const res = await request(gw.baseURL, { method: 'POST', path: '/v1/responses', headers: bearer(CALLER_KEY), body: { model: 'gpt-55-bedrock', input: 'x' } });
      assertGatewayError(res, { status: 403, type: 'upstream_error' });
      assert.equal(fake.requests.length, 1);
      assert.equal(fake.requests[0].sigv4.ok, false);
      assert.match(fake.requests[0].sigv4.reason, /credential scope/);
    } finally {
      await gw.stop();
    }
  });
});

// -------------------------------------------------------------------------------------------------

describe('default credential chain: each source signs with the credentials it produced', () => {
  test('environment: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, logged as the chosen source', async () => {
    const keys = testKeys('envsource');
    const { fake, gw } = await seedGateway({
      credentials: keys,
      env: { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey },
    });
    try {
      const { upstream } = await responsesCall(gw, fake);
      await assertSignedWith(upstream, keys);
      await assertSourceLogged(gw, /environment/i);
    } finally {
      await gw.stop();
    }
  });

  test('environment variables win over the shared credentials file and the container endpoint', async () => {
    const envKeys = testKeys('envwins');
    const fileKeys = testKeys('filelose');
    const container = await track(startFakeContainerCredentials({ expectedToken: 'container-token-env-wins-7731' }));
    SECRETS.add('container-token-env-wins-7731');
    const credentialsFile = scratchFile('credentials', `[default]\n${profileKeys(fileKeys)}`);
    const { fake, gw } = await seedGateway({
      credentials: envKeys,
      env: {
        AWS_ACCESS_KEY_ID: envKeys.accessKeyId,
        AWS_SECRET_ACCESS_KEY: envKeys.secretAccessKey,
        AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.url}/creds`,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: 'container-token-env-wins-7731',
      },
    });
    try {
      const { upstream } = await responsesCall(gw, fake);
      await assertSignedWith(upstream, envKeys);
      assert.equal(container.requests.length, 0, 'the container endpoint was not asked');
    } finally {
      await gw.stop();
    }
  });

  test('the chain stops at the first source that yields: shared files before web identity, web identity before container, container before instance metadata', async () => {
    const fileKeys = testKeys('precfile');
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcmVjZWRlbmNlIn0.cHJlY2VkZW5jZS13ZWItaWRlbnRpdHk';
    const containerToken = 'container-token-precedence-e2e-6b2c';
    SECRETS.add(jwt).add(containerToken);
    const sts = await track(startFakeSts({ expectedWebIdentityToken: jwt }));
    const container = await track(startFakeContainerCredentials({ expectedToken: containerToken }));
    const imds = await track(startFakeImds());
    const sources = [
      { name: 'shared files', fake: null, env: { AWS_SHARED_CREDENTIALS_FILE: scratchFile('credentials', `[default]\n${profileKeys(fileKeys)}`) }, creds: () => fileKeys },
      { name: 'web identity', fake: sts, env: { AWS_WEB_IDENTITY_TOKEN_FILE: scratchFile('token', jwt), AWS_ROLE_ARN: ROLE_ARN, AWS_ROLE_SESSION_NAME: 'e2e-precedence', AWS_ENDPOINT_URL_STS: sts.url }, creds: () => sts.latest },
      { name: 'container', fake: container, env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.url}/creds`, AWS_CONTAINER_AUTHORIZATION_TOKEN: containerToken }, creds: () => container.latest },
      { name: 'instance metadata', fake: imds, env: { AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url }, creds: () => imds.latest },
    ];
    const everyIssued = () => [fileKeys, ...sts.issued, ...container.issued, ...imds.issued];
    for (let i = 0; i < sources.length - 1; i++) {
      const configured = sources.slice(i);
      const later = configured.slice(1);
      const laterHits = () => later.map((src) => src.fake.requests.length);
      const hitsBefore = laterHits();
      const { fake, gw } = await seedGateway({ credentials: everyIssued, env: Object.assign({}, ...configured.map((src) => src.env)) });
      try {
        const { upstream } = await responsesCall(gw, fake);
        const winner = secretsOf(sources[i].creds());
        assert.ok(winner, `${sources[i].name} produced credentials`);
        assert.equal(parseAuthorization(upstream.headers.authorization)?.accessKeyId, winner.accessKeyId,
          `with ${configured.map((src) => src.name).join(', ')} configured, ${sources[i].name} wins`);
        await assertSignedWith(upstream, winner);
      } finally {
        await gw.stop();
      }
      assert.deepEqual(laterHits(), hitsBefore, `${later.map((src) => src.name).join(', ')} were not asked once ${sources[i].name} had answered`);
    }
    for (const src of sources) if (src.fake) for (const c of src.fake.issued) secretsOf(c);
  });

  test('shared credentials file: static keys of the AWS_PROFILE profile in AWS_SHARED_CREDENTIALS_FILE', async () => {
    const profileCreds = testKeys('fileprofile');
    const defaultCreds = testKeys('filedefault');
    const credentialsFile = scratchFile('credentials', `[default]\n${profileKeys(defaultCreds)}\n[e2e-bedrock]\n${profileKeys(profileCreds)}`);
    const { fake, gw } = await seedGateway({
      credentials: profileCreds,
      env: { AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_PROFILE: 'e2e-bedrock' },
    });
    try {
      const { upstream } = await responsesCall(gw, fake);
      await assertSignedWith(upstream, profileCreds);
      await assertSourceLogged(gw, /shared|credentials.file|profile/i);
    } finally {
      await gw.stop();
    }
  });

  test('shared credentials file: the default profile of ~/.aws/credentials under HOME, with a session token', async () => {
    const keys = testKeys('homefile', { session: true });
    const env = cleanEnv();
    mkdirSync(path.join(env.HOME, '.aws'));
    writeFileSync(path.join(env.HOME, '.aws', 'credentials'), `[default]\n${profileKeys(keys)}`, { mode: 0o600 });
    const fake = await startBedrockFake({ credentials: keys });
    const gw = await startGateway({ config: seedDefaultChainConfig(httpsURL(fake)), env });
    try {
      const { upstream } = await responsesCall(gw, fake);
      await assertSignedWith(upstream, keys);
    } finally {
      await gw.stop();
    }
  });

  test('config file: credential_process of the AWS_PROFILE profile, run for its JSON credentials', async () => {
    const keys = testKeys('process', { session: true });
    const dir = scratchDir();
    const countFile = path.join(dir, 'runs');
    const script = path.join(dir, 'credential-helper.sh');
    const json = JSON.stringify({
      Version: 1,
      AccessKeyId: keys.accessKeyId,
      SecretAccessKey: keys.secretAccessKey,
      SessionToken: keys.sessionToken,
      Expiration: awsTimestamp(new Date(Date.now() + 3600_000)),
    });
    writeFileSync(script, `#!/bin/sh\necho run >> '${countFile}'\ncat <<'EOF'\n${json}\nEOF\n`);
    chmodSync(script, 0o755);
    const configFile = scratchFile('config', `[default]\nregion = ${REGION}\n\n[profile e2e-process]\ncredential_process = ${script}\n`);
    const { fake, gw } = await seedGateway({ credentials: keys, env: { AWS_CONFIG_FILE: configFile, AWS_PROFILE: 'e2e-process' } });
    try {
      const { upstream } = await responsesCall(gw, fake);
      await assertSignedWith(upstream, keys);
      const { upstream: second } = await responsesCall(gw, fake, { input: 'again' });
      await assertSignedWith(second, keys);
      const runs = readFileSync(countFile, 'utf8').trim().split('\n').length;
      assert.equal(runs, 1, 'the process runs once; its credentials are cached until near their Expiration');
      await assertSourceLogged(gw, /process|shared|profile|config/i);
    } finally {
      await gw.stop();
    }
  });

  test('config file: role_arn + source_profile assumes the role through STS AssumeRole, signed for sts with the source profile\'s keys', async () => {
    const sourceKeys = testKeys('sourceprof');
    const sts = await track(startFakeSts({ sourceCredentials: sourceKeys }));
    const configFile = scratchFile('config', [
      '[profile e2e-role]',
      `role_arn = ${ROLE_ARN}`,
      'source_profile = e2e-base',
      'role_session_name = e2e-bedrock-session',
      `region = ${REGION}`,
      '',
      '[profile e2e-base]',
      `region = ${REGION}`,
      '',
    ].join('\n'));
    const credentialsFile = scratchFile('credentials', `[e2e-base]\n${profileKeys(sourceKeys)}`);
    const { fake, gw } = await seedGateway({
      credentials: () => sts.latest,
      env: { AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_PROFILE: 'e2e-role', AWS_ENDPOINT_URL_STS: sts.url },
    });
    try {
      const { upstream } = await responsesCall(gw, fake);
      assert.equal(sts.hits.AssumeRole, 1, `one AssumeRole; STS saw ${JSON.stringify(sts.hits)}`);
      const [call] = sts.requests;
      assert.equal(call.method, 'POST');
      assert.ok(call.sigv4?.ok, `AssumeRole is SigV4-signed for sts with the source keys:\n${describeVerdict(call.sigv4)}`);
      assert.equal(call.sigv4.details.scopeService, 'sts');
      assert.equal(parseAuthorization(call.headers.authorization).accessKeyId, sourceKeys.accessKeyId);
      assert.match(call.headers['content-type'] ?? '', /^application\/x-www-form-urlencoded/);
      assert.equal(call.form.Action, 'AssumeRole');
      assert.equal(call.form.Version, '2011-06-15');
      assert.equal(call.form.RoleArn, ROLE_ARN);
      assert.equal(call.form.RoleSessionName, 'e2e-bedrock-session');
      const issued = secretsOf(sts.latest);
      await assertSignedWith(upstream, issued);
      await assertSourceLogged(gw, /assume|sts|role|shared|profile/i);
    } finally {
      await gw.stop();
    }
  });

  test('config file: role_arn + web_identity_token_file assumes the role through STS AssumeRoleWithWebIdentity', async () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9maWxlLXdlYi1pZGVudGl0eSJ9.c2lnbmF0dXJlLXByb2ZpbGU';
    SECRETS.add(jwt);
    const sts = await track(startFakeSts({ expectedWebIdentityToken: jwt }));
    const tokenFile = scratchFile('token', jwt);
    const configFile = scratchFile('config', `[profile e2e-webid]\nrole_arn = ${ROLE_ARN}\nweb_identity_token_file = ${tokenFile}\nrole_session_name = e2e-profile-webid\n`);
    const { fake, gw } = await seedGateway({
      credentials: () => sts.latest,
      env: { AWS_CONFIG_FILE: configFile, AWS_PROFILE: 'e2e-webid', AWS_ENDPOINT_URL_STS: sts.url },
    });
    try {
      const { upstream } = await responsesCall(gw, fake);
      assert.equal(sts.hits.AssumeRoleWithWebIdentity, 1, JSON.stringify(sts.hits));
      const [call] = sts.requests;
      assert.equal(call.form.RoleArn, ROLE_ARN);
      assert.equal(call.form.RoleSessionName, 'e2e-profile-webid');
      assert.equal(call.form.WebIdentityToken, jwt);
      await assertSignedWith(upstream, secretsOf(sts.latest));
    } finally {
      await gw.stop();
    }
  });

  test('web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN + AWS_ROLE_SESSION_NAME call an unsigned AssumeRoleWithWebIdentity', async () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZTJlIn0.ZW52LXdlYi1pZGVudGl0eQ';
    SECRETS.add(jwt);
    const sts = await track(startFakeSts({ expectedWebIdentityToken: jwt }));
    const tokenFile = scratchFile('token', jwt);
    const { fake, gw } = await seedGateway({
      credentials: () => sts.latest,
      env: {
        AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
        AWS_ROLE_ARN: ROLE_ARN,
        AWS_ROLE_SESSION_NAME: 'e2e-web-identity',
        AWS_ENDPOINT_URL_STS: sts.url,
      },
    });
    try {
      const { upstream } = await responsesCall(gw, fake);
      assert.equal(sts.hits.AssumeRoleWithWebIdentity, 1, JSON.stringify(sts.hits));
      assert.equal(sts.hits.AssumeRole, undefined);
      const [call] = sts.requests;
      assert.equal(call.method, 'POST');
      assert.equal(call.headers.authorization, undefined, 'AssumeRoleWithWebIdentity is not signed');
      assert.match(call.headers['content-type'] ?? '', /^application\/x-www-form-urlencoded/);
      assert.equal(call.form.Action, 'AssumeRoleWithWebIdentity');
      assert.equal(call.form.Version, '2011-06-15');
      assert.equal(call.form.RoleArn, ROLE_ARN);
      assert.equal(call.form.RoleSessionName, 'e2e-web-identity');
      assert.equal(call.form.WebIdentityToken, jwt);
      await assertSignedWith(upstream, secretsOf(sts.latest));
      await assertSourceLogged(gw, /web.?identity/i);
    } finally {
      await gw.stop();
    }
  });

  test('container: AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN', async () => {
    const token = 'container-auth-token-e2e-5a9f';
    SECRETS.add(token);
    const container = await track(startFakeContainerCredentials({ expectedToken: token }));
    const { fake, gw } = await seedGateway({
      credentials: () => container.latest,
      env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.url}/v2/credentials/e2e`, AWS_CONTAINER_AUTHORIZATION_TOKEN: token },
    });
    try {
      const { upstream } = await responsesCall(gw, fake);
      assert.equal(container.hits.credentials, 1, JSON.stringify(container.hits));
      const [call] = container.requests;
      assert.equal(call.method, 'GET');
      assert.equal(call.path, '/v2/credentials/e2e');
      assert.equal(call.headers.authorization, token);
      await assertSignedWith(upstream, secretsOf(container.latest));
      await assertSourceLogged(gw, /container|ecs/i);
    } finally {
      await gw.stop();
    }
  });

  test('container: the Authorization token read from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', async () => {
    const token = 'eks-pod-identity-token-e2e-0c1d';
    SECRETS.add(token);
    const container = await track(startFakeContainerCredentials({ expectedToken: token }));
    const tokenFile = scratchFile('eks-pod-identity-token', token);
    const { fake, gw } = await seedGateway({
      credentials: () => container.latest,
      env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.url}/v1/credentials`, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile },
    });
    try {
      const { upstream } = await responsesCall(gw, fake);
      assert.equal(container.hits.credentials, 1, JSON.stringify(container.hits));
      assert.equal(container.requests[0].headers.authorization, token);
      await assertSignedWith(upstream, secretsOf(container.latest));
    } finally {
      await gw.stop();
    }
  });

  test('container: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE wins over AWS_CONTAINER_AUTHORIZATION_TOKEN, as in the AWS SDKs', async () => {
    const fileToken = 'eks-token-from-file-e2e-77e0';
    const envToken = 'container-token-from-env-e2e-77e1';
    SECRETS.add(fileToken).add(envToken);
    const container = await track(startFakeContainerCredentials({ expectedToken: fileToken }));
    const { fake, gw } = await seedGateway({
      credentials: () => container.latest,
      env: {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.url}/v1/credentials`,
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: scratchFile('token', fileToken),
        AWS_CONTAINER_AUTHORIZATION_TOKEN: envToken,
      },
    });
    try {
      const { upstream } = await responsesCall(gw, fake);
      assert.deepEqual(container.requests.map((r) => r.headers.authorization), [fileToken]);
      await assertSignedWith(upstream, secretsOf(container.latest));
    } finally {
      await gw.stop();
    }
  });

  test('web identity without AWS_ROLE_SESSION_NAME still sends STS a valid generated RoleSessionName', async () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJnZW5lcmF0ZWQifQ.Z2VuZXJhdGVkLXNlc3Npb24tbmFtZQ';
    SECRETS.add(jwt);
    const sts = await track(startFakeSts({ expectedWebIdentityToken: jwt }));
    const { fake, gw } = await seedGateway({
      credentials: () => sts.latest,
      env: { AWS_WEB_IDENTITY_TOKEN_FILE: scratchFile('token', jwt), AWS_ROLE_ARN: ROLE_ARN, AWS_ENDPOINT_URL_STS: sts.url },
    });
    try {
      const { upstream } = await responsesCall(gw, fake);
      const [call] = sts.requests;
      // STS: 2..64 characters of [\w+=,.@-].
      assert.match(call.form.RoleSessionName ?? '', /^[\w+=,.@-]{2,64}$/);
      await assertSignedWith(upstream, secretsOf(sts.latest));
    } finally {
      await gw.stop();
    }
  });

  test('instance metadata: IMDSv2 session token, role name, then the role\'s credentials', async () => {
    const imds = await track(startFakeImds({ roleName: 'e2e-instance-role' }));
    const { fake, gw } = await seedGateway({
      credentials: () => imds.latest,
      env: { AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url },
    });
    try {
      const { upstream } = await responsesCall(gw, fake);
      assert.equal(imds.hits.credentials, 1, JSON.stringify(imds.hits));
      assert.ok(imds.hits.token >= 1, JSON.stringify(imds.hits));
      const put = imds.requests.find((r) => r.method === 'PUT');
      assert.equal(put.path, '/latest/api/token');
      assert.ok(Number(put.headers['x-aws-ec2-metadata-token-ttl-seconds']) > 0);
      for (const get of imds.requests.filter((r) => r.method === 'GET' && r.kind !== 'notFound')) {
        assert.ok(get.headers['x-aws-ec2-metadata-token'], `GET ${get.path} carries the session token`);
      }
      assert.equal(imds.hits.unauthorized, undefined, `no IMDSv1 fallback: ${JSON.stringify(imds.hits)}`);
      for (const r of imds.requests) if (r.issued) secretsOf(r.issued);
      await assertSignedWith(upstream, imds.latest);
      await assertSourceLogged(gw, /imds|instance|metadata|ec2/i);
    } finally {
      await gw.stop();
    }
  });
});

// -------------------------------------------------------------------------------------------------

describe('temporary credentials are cached and refreshed ahead of expiry', () => {
  /** Credentials the fake may accept now: every set issued that has not expired. */
  const unexpired = (source) => () => source.issued.filter((c) => c.expiration.getTime() > Date.now());

  async function concurrentCalls(gw, fake, n, label) {
    const before = fake.requests.length;
    const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => sdk(gw).responses.create({ model: 'gpt-55-bedrock', input: `${label} ${i}` })));
    const failed = results.filter((r) => r.status === 'rejected');
    const seen = fake.requests.slice(before);
    assert.equal(failed.length, 0, `${failed.length} of ${n} calls failed: ${failed[0]?.reason?.message}\n`
      + `${seen.filter((r) => !r.sigv4?.ok).map((r) => describeVerdict(r.sigv4)).slice(0, 2).join('\n')}\n${stderrTail(gw)}`);
    assert.equal(seen.length, n);
    return seen;
  }

  async function refreshScenario({ source, fetchCount, env }) {
    // Credentials that enter the refresh window (5 minutes before Expiration) MARGIN_MS after issue.
    const MARGIN_MS = 4000;
    source.setExpiry({ expiresAt: () => new Date(Date.now() + 5 * 60_000 + MARGIN_MS) });
    const { fake, gw } = await seedGateway({ credentials: unexpired(source), env });
    try {
      const first = await concurrentCalls(gw, fake, 20, 'first wave');
      assert.equal(fetchCount(), 1, `20 concurrent requests with no cached credentials make exactly one fetch (saw ${fetchCount()})`);
      const firstCreds = secretsOf(source.issued[0]);
      for (const r of first) await assertSignedWith(r, firstCreds);

      await sleep(MARGIN_MS + 1500); // now within 5 minutes of the Expiration
      const second = await concurrentCalls(gw, fake, 20, 'second wave');
      assert.equal(fetchCount(), 2, `credentials within 5 minutes of expiry are refreshed by exactly one more fetch (saw ${fetchCount()})`);
      const secondCreds = secretsOf(source.issued[1]);
      const keyIds = second.map((r) => parseAuthorization(r.headers.authorization)?.accessKeyId);
      assert.deepEqual(keyIds, keyIds.map(() => secondCreds.accessKeyId), 'every request of the second wave waited for and used the refreshed credentials');
      for (const r of second) await assertSignedWith(r, secondCreds);
    } finally {
      await gw.stop();
    }
  }

  test('container credentials: 20 concurrent requests make one fetch; near expiry, 20 more make exactly one refresh', async () => {
    const token = 'container-refresh-token-e2e-91aa';
    SECRETS.add(token);
    const container = await track(startFakeContainerCredentials({ expectedToken: token }));
    await refreshScenario({
      source: container,
      fetchCount: () => container.hits.credentials ?? 0,
      env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.url}/creds`, AWS_CONTAINER_AUTHORIZATION_TOKEN: token },
    });
  });

  test('web identity credentials from STS: one AssumeRoleWithWebIdentity per refresh under concurrency', async () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZWZyZXNoIn0.cmVmcmVzaC13ZWItaWRlbnRpdHk';
    SECRETS.add(jwt);
    const sts = await track(startFakeSts({ expectedWebIdentityToken: jwt }));
    await refreshScenario({
      source: sts,
      fetchCount: () => sts.hits.AssumeRoleWithWebIdentity ?? 0,
      env: { AWS_WEB_IDENTITY_TOKEN_FILE: scratchFile('token', jwt), AWS_ROLE_ARN: ROLE_ARN, AWS_ROLE_SESSION_NAME: 'e2e-refresh', AWS_ENDPOINT_URL_STS: sts.url },
    });
  });

  test('assumed-role credentials from STS: one signed AssumeRole per refresh under concurrency', async () => {
    const sourceKeys = testKeys('refreshsrc');
    const sts = await track(startFakeSts({ sourceCredentials: sourceKeys }));
    const configFile = scratchFile('config', `[profile e2e-role]\nrole_arn = ${ROLE_ARN}\nsource_profile = e2e-base\nrole_session_name = e2e-refresh\n`);
    const credentialsFile = scratchFile('credentials', `[e2e-base]\n${profileKeys(sourceKeys)}`);
    await refreshScenario({
      source: sts,
      fetchCount: () => sts.hits.AssumeRole ?? 0,
      env: { AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_PROFILE: 'e2e-role', AWS_ENDPOINT_URL_STS: sts.url },
    });
    assert.ok(sts.requests.every((r) => r.sigv4?.ok), 'every AssumeRole was signed with the source keys');
  });

  test('instance metadata credentials: one credentials GET per refresh under concurrency', async () => {
    const imds = await track(startFakeImds({ roleName: 'e2e-refresh-role' }));
    await refreshScenario({
      source: imds,
      fetchCount: () => imds.hits.credentials ?? 0,
      env: { AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url },
    });
    assert.equal(imds.hits.unauthorized, undefined, JSON.stringify(imds.hits));
  });

  test('credentials far from expiry are reused: five sequential requests, one container fetch', async () => {
    const token = 'container-cache-token-e2e-42bd';
    SECRETS.add(token);
    const container = await track(startFakeContainerCredentials({ expectedToken: token }));
    const { fake, gw } = await seedGateway({
      credentials: () => container.latest,
      env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.url}/creds`, AWS_CONTAINER_AUTHORIZATION_TOKEN: token },
    });
    try {
      for (let i = 0; i < 5; i++) {
        const { upstream } = await responsesCall(gw, fake, { input: `cached ${i}` });
        await assertSignedWith(upstream, secretsOf(container.latest));
      }
      assert.equal(container.hits.credentials, 1);
    } finally {
      await gw.stop();
    }
  });
});

// -------------------------------------------------------------------------------------------------

describe('when no source yields credentials', () => {
  test('a request fails with 502 upstream_error whose message lists every source tried, and no upstream call is made', async () => {
    const imdsHitsBefore = JSON.stringify(guardImds.hits);
    const { fake, gw } = await seedGateway({ credentials: [], env: {} });
    try {
      const res = await request(gw.baseURL, { method: 'POST', path: '/v1/responses', headers: bearer(CALLER_KEY), body: { model: 'gpt-55-bedrock', input: 'x' } });
      assertGatewayError(res, { status: 502, type: 'upstream_error' });
      const { message } = res.json.error;
      for (const [source, pattern] of [
        ['environment', /environment|AWS_ACCESS_KEY_ID/i],
        ['shared config/credentials files', /shared|credentials file|config file|profile/i],
        ['web identity', /web.?identity|AWS_WEB_IDENTITY_TOKEN_FILE/i],
        ['container', /container|AWS_CONTAINER_CREDENTIALS/i],
        ['instance metadata', /imds|instance|metadata|ec2/i],
      ]) {
        assert.match(message, pattern, `the message names the ${source} source and why it gave nothing: ${message}`);
      }
      assert.equal(fake.requests.length, 0, 'no unsigned request reached the upstream');
      assert.equal(JSON.stringify(guardImds.hits), imdsHitsBefore, 'AWS_EC2_METADATA_DISABLED=true keeps the chain away from instance metadata');
    } finally {
      await gw.stop();
    }
  });

  test('sources that are configured but fail give 502 upstream_error without a key, secret or token in the body or the logs', async () => {
    const containerToken = 'container-token-that-must-not-leak-3f7e';
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJsZWFrIn0.bXVzdC1ub3QtbGVhay13ZWItaWRlbnRpdHk';
    const orphanSecret = 'orphan-secret-access-key-must-not-leak-Q2w';
    const sessionOnly = 'env-session-token-without-keys-must-not-leak';
    for (const s of [containerToken, jwt, orphanSecret, sessionOnly]) SECRETS.add(s);
    const container = await track(startFakeContainerCredentials({ expectedToken: 'a-different-token' }));
    const sts = await track(startFakeSts({ expectedWebIdentityToken: jwt }));
    sts.setFailure({ status: 403, code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' });
    const credentialsFile = scratchFile('credentials', `[default]\naws_secret_access_key = ${orphanSecret}\n`);
    const { fake, gw } = await seedGateway({
      credentials: [],
      env: {
        AWS_SESSION_TOKEN: sessionOnly,
        AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
        AWS_WEB_IDENTITY_TOKEN_FILE: scratchFile('token', jwt),
        AWS_ROLE_ARN: ROLE_ARN,
        AWS_ENDPOINT_URL_STS: sts.url,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.url}/creds`,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: containerToken,
      },
    });
    try {
      const res = await request(gw.baseURL, { method: 'POST', path: '/v1/responses', headers: bearer(CALLER_KEY), body: { model: 'gpt-55-bedrock', input: 'x' } });
      assertGatewayError(res, { status: 502, type: 'upstream_error' });
      assert.match(res.json.error.message, /environment|shared|profile|web.?identity|container|imds|metadata/i, res.json.error.message);
      for (const secret of [containerToken, jwt, orphanSecret, sessionOnly]) {
        assert.ok(!res.body.includes(secret), `the error body leaks a secret: ${res.body}`);
      }
      await sleep(100);
      const output = [...gw.stderrLines, ...gw.stdoutLines].join('\n');
      for (const secret of [containerToken, jwt, orphanSecret, sessionOnly]) {
        assert.ok(!output.includes(secret), `the gateway printed a secret (${secret.slice(0, 12)}…)`);
      }
      assert.equal(fake.requests.length, 0);
    } finally {
      await gw.stop();
    }
  });
});

test('no gateway asked instance metadata while AWS_EC2_METADATA_DISABLED=true, nor an STS it was not pointed at', () => {
  assert.deepEqual(guardImds.requests.map((r) => `${r.method} ${r.path}`), []);
  assert.deepEqual(guardSts.requests.map((r) => r.form?.Action), []);
});

test('no gateway in this file ever printed a secret access key, session token, container token or web identity token', () => {
  for (const { stdoutLines, stderrLines } of allGatewayOutput) {
    const text = [...stdoutLines, ...stderrLines].join('\n');
    for (const secret of SECRETS) {
      assert.ok(!text.includes(secret), `a gateway printed a secret (${secret.slice(0, 14)}…)`);
    }
  }
});
