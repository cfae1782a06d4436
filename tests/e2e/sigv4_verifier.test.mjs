// Specifies the SigV4 verifier the AWS fakes use (fakes/sigv4_verifier.mjs). Needs no gateway: if
// these fail, no signature verdict in aws-auth.test.mjs can be trusted.
//
// Positive cases are requests signed by the AWS SDK's own signer and sent over a real socket, plus
// published AWS test-suite vectors and a signature computed independently with node:crypto (for the
// double-encoded path). Negative cases tamper with one thing each.

import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { describeVerdict, parseAuthorization, sha256Hex, signRequest, verifySigV4 } from './fakes/sigv4_verifier.mjs';

const CREDS = {
  accessKeyId: 'AKIAE2EVERIFIER00001',
  secretAccessKey: 'verifier/secret+key/0123456789abcdefGHIJ',
  region: 'us-east-2',
  service: 'bedrock-mantle',
};
const SESSION = { ...CREDS, accessKeyId: 'ASIAE2EVERIFIER00002', sessionToken: 'IQoJb3JpZ2luX2VjE//session+token=/e2e' };

let server;
let baseURL;
/** Requests the capture server received: { method, path, rawHeaders, body (Buffer) }. */
const received = [];

before(async () => {
  server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method, path: req.url, rawHeaders: [...req.rawHeaders], body: Buffer.concat(chunks) });
      res.end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${server.address().port}`;
});

after(() => new Promise((resolve) => server.close(resolve)));

/** Sends method+rawPath with exactly these headers and body; resolves to what the server received. */
function send({ method = 'POST', rawPath, headers, body = '' }) {
  const before = received.length;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.address().port, method, path: rawPath, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(received[before]));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Signs with the SDK signer and sends it; the server's view of the request comes back. */
async function signedRoundTrip({ method = 'POST', rawPath = '/openai/v1/responses', body = '{"model":"openai.gpt-5.5","input":"hi"}', headers = { 'content-type': 'application/json' }, creds = CREDS, signingDate } = {}) {
  const signedHeaders = await signRequest({ method, url: `${baseURL}${rawPath}`, headers, body }, creds, { signingDate });
  return send({ method, rawPath, headers: signedHeaders, body });
}

describe('accepts correctly signed requests', () => {
  test('accepts a JSON POST signed by the SDK signer with long-term keys', async () => {
    const req = await signedRoundTrip();
    const verdict = await verifySigV4(req, CREDS);
    assert.ok(verdict.ok, describeVerdict(verdict));
    assert.equal(verdict.got, verdict.expected);
    assert.match(verdict.details.canonicalRequest, /^POST\n\/openai\/v1\/responses\n\n/);
    assert.deepEqual(verdict.details.signedHeaders, ['content-type', 'host', 'x-amz-content-sha256', 'x-amz-date']);
  });

  test('accepts session credentials with a signed x-amz-security-token', async () => {
    const req = await signedRoundTrip({ creds: SESSION });
    const verdict = await verifySigV4(req, SESSION);
    assert.ok(verdict.ok, describeVerdict(verdict));
    assert.ok(verdict.details.signedHeaders.includes('x-amz-security-token'));
  });

  test('accepts a path with percent-encoded colons (ARN model ids), double-encoded as non-S3 services do', async () => {
    const rawPath = '/model/arn%3Aaws%3Abedrock%3Aus-east-2%3A123456789012%3Ainference-profile%2Fus.anthropic.claude/converse';
    const req = await signedRoundTrip({ rawPath, creds: { ...CREDS, service: 'bedrock' } });
    const verdict = await verifySigV4(req, { ...CREDS, service: 'bedrock' });
    assert.ok(verdict.ok, describeVerdict(verdict));
    assert.equal(verdict.details.canonicalPath,
      '/model/arn%253Aaws%253Abedrock%253Aus-east-2%253A123456789012%253Ainference-profile%252Fus.anthropic.claude/converse');
  });

  test('agrees with an independent node:crypto SigV4 over a double-encoded path and a sorted query', async () => {
    const rawPath = '/model/arn%3Aaws%3Abedrock%3Aus-east-2%3A1%3Afoundation-model%2Fx/invoke?b=2&a=1%3A';
    const body = '{"x":1}';
    const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    const host = new URL(baseURL).host;
    const bodyHash = sha256Hex(body);
    const canonicalRequest = [
      'POST',
      '/model/arn%253Aaws%253Abedrock%253Aus-east-2%253A1%253Afoundation-model%252Fx/invoke',
      'a=1%3A&b=2',
      `host:${host}`, `x-amz-content-sha256:${bodyHash}`, `x-amz-date:${amzDate}`, '',
      'host;x-amz-content-sha256;x-amz-date',
      bodyHash,
    ].join('\n');
    const scope = `${amzDate.slice(0, 8)}/us-east-2/bedrock/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
    const hmac = (key, data) => createHmac('sha256', key).update(data).digest();
    let key = hmac(`AWS4${CREDS.secretAccessKey}`, amzDate.slice(0, 8));
    for (const part of ['us-east-2', 'bedrock', 'aws4_request']) key = hmac(key, part);
    const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
    const req = await send({
      rawPath,
      body,
      headers: {
        'x-amz-date': amzDate,
        'x-amz-content-sha256': bodyHash,
        authorization: `AWS4-HMAC-SHA256 Credential=${CREDS.accessKeyId}/${scope}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${signature}`,
      },
    });
    const verdict = await verifySigV4(req, { ...CREDS, service: 'bedrock' });
    assert.ok(verdict.ok, describeVerdict(verdict));
    assert.equal(verdict.details.canonicalRequest, canonicalRequest);
  });

  test('accepts the AWS SigV4 test suite vectors get-vanilla and get-vanilla-query-order-key-case', async () => {
    const suite = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', region: 'us-east-1', service: 'service' };
    const options = { now: Date.UTC(2015, 7, 30, 12, 36), requireContentSha256: false };
    const vanilla = await verifySigV4({
      method: 'GET',
      path: '/',
      rawHeaders: ['Host', 'example.amazonaws.com', 'X-Amz-Date', '20150830T123600Z', 'Authorization',
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
      body: Buffer.alloc(0),
    }, suite, options);
    assert.ok(vanilla.ok, describeVerdict(vanilla));
    const queryOrder = await verifySigV4({
      method: 'GET',
      path: '/?Param2=value2&Param1=value1',
      rawHeaders: ['Host', 'example.amazonaws.com', 'X-Amz-Date', '20150830T123600Z', 'Authorization',
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500'],
      body: Buffer.alloc(0),
    }, suite, options);
    assert.ok(queryOrder.ok, describeVerdict(queryOrder));
  });

  test('takes the region from the scope when the expectation leaves it out (STS clients choose their own)', async () => {
    const req = await signedRoundTrip({ creds: { ...CREDS, region: 'eu-west-1', service: 'sts' } });
    const verdict = await verifySigV4(req, { ...CREDS, region: undefined, service: 'sts' });
    assert.ok(verdict.ok, describeVerdict(verdict));
    assert.equal(verdict.details.scopeRegion, 'eu-west-1');
  });
});

describe('rejects tampered or mis-signed requests', () => {
  test('rejects a request whose body changed after signing', async () => {
    const signed = await signRequest({ url: `${baseURL}/openai/v1/responses`, headers: { 'content-type': 'application/json' }, body: '{"input":"a"}' }, CREDS);
    const req = await send({ rawPath: '/openai/v1/responses', headers: signed, body: '{"input":"b"}' });
    const verdict = await verifySigV4(req, CREDS);
    assert.equal(verdict.ok, false);
    assert.match(verdict.reason, /x-amz-content-sha256 .* hashes to/);
  });

  test('rejects a body changed together with its x-amz-content-sha256', async () => {
    const signed = await signRequest({ url: `${baseURL}/openai/v1/responses`, headers: { 'content-type': 'application/json' }, body: '{"input":"a"}' }, CREDS);
    const body = '{"input":"b"}';
    const req = await send({ rawPath: '/openai/v1/responses', headers: { ...signed, 'x-amz-content-sha256': sha256Hex(body) }, body });
    const verdict = await verifySigV4(req, CREDS);
    assert.equal(verdict.ok, false);
    assert.match(verdict.reason, /signature mismatch/);
  });

  test('rejects a signed header whose value changed', async () => {
    const signed = await signRequest({ url: `${baseURL}/openai/v1/responses`, headers: { 'content-type': 'application/json', 'openai-project': 'proj_123' }, body: '{}' }, CREDS);
    const req = await send({ rawPath: '/openai/v1/responses', headers: { ...signed, 'openai-project': 'proj_456' }, body: '{}' });
    const verdict = await verifySigV4(req, CREDS);
    assert.equal(verdict.ok, false);
    assert.match(verdict.reason, /signature mismatch/);
    assert.match(verdict.details.canonicalRequest, /openai-project:proj_456/);
  });

  test('rejects a different path than the one signed', async () => {
    const signed = await signRequest({ url: `${baseURL}/openai/v1/responses`, body: '{}' }, CREDS);
    const req = await send({ rawPath: '/openai/v1/chat/completions', headers: signed, body: '{}' });
    assert.equal((await verifySigV4(req, CREDS)).ok, false);
  });

  test('rejects a signature made with the wrong secret key', async () => {
    const req = await signedRoundTrip({ creds: { ...CREDS, secretAccessKey: 'not-the-secret' } });
    const verdict = await verifySigV4(req, CREDS);
    assert.equal(verdict.ok, false);
    assert.match(verdict.reason, /signature mismatch/);
    assert.notEqual(verdict.expected, verdict.got);
  });

  test('rejects another access key id, region or service in the credential scope', async () => {
    const req = await signedRoundTrip();
    for (const wrong of [{ accessKeyId: 'AKIAOTHER' }, { region: 'us-west-2' }, { service: 'bedrock' }]) {
      const verdict = await verifySigV4(req, { ...CREDS, ...wrong });
      assert.equal(verdict.ok, false, JSON.stringify(wrong));
      assert.match(verdict.reason, /credential scope/);
    }
  });

  test('rejects a missing or wrong x-amz-security-token, and one sent for long-term keys', async () => {
    const withToken = await signedRoundTrip({ creds: SESSION });
    const wrongToken = await verifySigV4(withToken, { ...SESSION, sessionToken: 'another-token' });
    assert.equal(wrongToken.ok, false);
    assert.match(wrongToken.reason, /x-amz-security-token/);
    assert.ok(!JSON.stringify(wrongToken).includes('another-token'), 'the verdict does not echo tokens');
    const noTokenExpected = await verifySigV4(withToken, { ...SESSION, sessionToken: undefined });
    assert.equal(noTokenExpected.ok, false);
    const withoutToken = await signedRoundTrip({ creds: { ...SESSION, sessionToken: undefined } });
    const missing = await verifySigV4(withoutToken, SESSION);
    assert.equal(missing.ok, false);
    assert.match(missing.reason, /x-amz-security-token is missing/);
  });

  test('rejects a bearer token, a missing Authorization and a missing x-amz-date', async () => {
    const bearer = await send({ rawPath: '/openai/v1/responses', headers: { authorization: 'Bearer abc' }, body: '{}' });
    assert.match((await verifySigV4(bearer, CREDS)).reason, /bearer/);
    const none = await send({ rawPath: '/openai/v1/responses', headers: {}, body: '{}' });
    assert.match((await verifySigV4(none, CREDS)).reason, /no Authorization/);
    const signed = await signRequest({ url: `${baseURL}/openai/v1/responses`, body: '{}' }, CREDS);
    delete signed['x-amz-date'];
    const noDate = await send({ rawPath: '/openai/v1/responses', headers: signed, body: '{}' });
    assert.match((await verifySigV4(noDate, CREDS)).reason, /x-amz-date is missing/);
  });

  test('rejects a signature dated far from now', async () => {
    const req = await signedRoundTrip({ signingDate: new Date(Date.now() - 3600_000) });
    const verdict = await verifySigV4(req, CREDS);
    assert.equal(verdict.ok, false);
    assert.match(verdict.reason, /from now/);
  });

  test('parseAuthorization reads the three parts and refuses other schemes', () => {
    const parsed = parseAuthorization('AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-2/bedrock/aws4_request,SignedHeaders=host;x-amz-date,Signature=' + 'a'.repeat(64));
    assert.equal(parsed.accessKeyId, 'AK');
    assert.equal(parsed.service, 'bedrock');
    assert.deepEqual(parsed.signedHeaders, ['host', 'x-amz-date']);
    assert.equal(parseAuthorization('Bearer x'), null);
  });
});
