// Specifies the AWS fakes themselves (fakes/aws_credentials.mjs and the SigV4 mode of
// fakes/openai_upstream.mjs), with hand-made clients. Needs no gateway: if these fail, the verdicts
// in aws-auth.test.mjs cannot be trusted.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { startFakeContainerCredentials, startFakeImds, startFakeSts } from './fakes/aws_credentials.mjs';
import { startOpenAIUpstream } from './fakes/openai_upstream.mjs';
import { signRequest } from './fakes/sigv4_verifier.mjs';

const SOURCE = { accessKeyId: 'AKIAE2ESOURCE0000001', secretAccessKey: 'source-secret-for-fake-tests' };
const fakes = [];
after(() => Promise.all(fakes.map((f) => f.close())));

async function track(fakePromise) {
  const fake = await fakePromise;
  fakes.push(fake);
  return fake;
}

async function call(url, { method = 'GET', headers = {}, body } = {}) {
  const res = await fetch(url, { method, headers, body });
  return { status: res.status, headers: Object.fromEntries(res.headers), text: await res.text() };
}

const xmlField = (xml, name) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

describe('fake STS', () => {
  const assumeRoleForm = 'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fe2e&RoleSessionName=s1';

  test('answers an AssumeRole signed for sts with the source credentials with fresh credentials in STS XML', async () => {
    const sts = await track(startFakeSts({ sourceCredentials: SOURCE }));
    const headers = await signRequest({ url: `${sts.url}/`, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: assumeRoleForm },
      { ...SOURCE, region: 'us-east-1', service: 'sts' });
    const res = await call(`${sts.url}/`, { method: 'POST', headers, body: assumeRoleForm });
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /^<AssumeRoleResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/">/);
    assert.equal(xmlField(res.text, 'AccessKeyId'), sts.latest.accessKeyId);
    assert.equal(xmlField(res.text, 'SecretAccessKey'), sts.latest.secretAccessKey);
    assert.equal(xmlField(res.text, 'SessionToken'), sts.latest.sessionToken);
    assert.match(xmlField(res.text, 'Expiration'), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(sts.hits.AssumeRole, 1);
    const [recorded] = sts.requests;
    assert.equal(recorded.form.RoleArn, 'arn:aws:iam::123456789012:role/e2e');
    assert.equal(recorded.form.RoleSessionName, 's1');
    assert.ok(recorded.sigv4.ok);
    assert.equal(recorded.sigv4.details.scopeRegion, 'us-east-1');
  });

  test('refuses an unsigned AssumeRole, or one signed for another service or with another secret, with 403 SignatureDoesNotMatch', async () => {
    const sts = await track(startFakeSts({ sourceCredentials: SOURCE }));
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const unsigned = await call(sts.url, { method: 'POST', headers: form, body: assumeRoleForm });
    assert.equal(unsigned.status, 403);
    assert.match(unsigned.text, /<Code>SignatureDoesNotMatch<\/Code>/);
    for (const signing of [{ ...SOURCE, region: 'us-east-1', service: 'iam' }, { ...SOURCE, secretAccessKey: 'nope', region: 'us-east-1', service: 'sts' }]) {
      const headers = await signRequest({ url: `${sts.url}/`, headers: form, body: assumeRoleForm }, signing);
      const res = await call(`${sts.url}/`, { method: 'POST', headers, body: assumeRoleForm });
      assert.equal(res.status, 403, res.text);
    }
    assert.equal(sts.fetches, 0);
    assert.equal(sts.hits.AssumeRole, 3);
  });

  test('answers an unsigned AssumeRoleWithWebIdentity carrying the expected token, and refuses another token', async () => {
    const sts = await track(startFakeSts({ expectedWebIdentityToken: 'jwt-abc' }));
    const body = (token) => `Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fw&RoleSessionName=w1&WebIdentityToken=${token}`;
    const ok = await call(sts.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body('jwt-abc') });
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.text, /<AssumeRoleWithWebIdentityResponse [^>]*>\s*<AssumeRoleWithWebIdentityResult>/);
    assert.equal(xmlField(ok.text, 'SessionToken'), sts.latest.sessionToken);
    const bad = await call(sts.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body('other') });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /InvalidIdentityToken/);
    assert.equal(sts.hits.AssumeRoleWithWebIdentity, 2);
    assert.equal(sts.requests[0].form.WebIdentityToken, 'jwt-abc');
  });

  test('serves the Expiration it is told to, to the second', async () => {
    const at = new Date(Date.now() + 305_000);
    const sts = await track(startFakeSts({ expiresAt: () => at }));
    const body = 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fw&RoleSessionName=w1&WebIdentityToken=t';
    const res = await call(sts.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    assert.equal(xmlField(res.text, 'Expiration'), at.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  });
});

describe('fake container credentials endpoint', () => {
  test('serves JSON credentials for the expected Authorization token, 401 without one and 403 for another', async () => {
    const fake = await track(startFakeContainerCredentials({ expectedToken: 'container-auth-xyz' }));
    assert.equal((await call(`${fake.url}/creds`)).status, 401);
    assert.equal((await call(`${fake.url}/creds`, { headers: { authorization: 'wrong' } })).status, 403);
    const ok = await call(`${fake.url}/creds`, { headers: { authorization: 'container-auth-xyz' } });
    assert.equal(ok.status, 200);
    const json = JSON.parse(ok.text);
    assert.deepEqual(Object.keys(json).sort(), ['AccessKeyId', 'Expiration', 'RoleArn', 'SecretAccessKey', 'Token']);
    assert.equal(json.AccessKeyId, fake.latest.accessKeyId);
    assert.equal(json.Token, fake.latest.sessionToken);
    assert.equal(fake.fetches, 1);
    assert.equal(fake.hits.rejected, 2);
  });
});

describe('fake IMDSv2', () => {
  test('demands a session token: PUT /latest/api/token, then role name and credentials with X-aws-ec2-metadata-token', async () => {
    const imds = await track(startFakeImds({ roleName: 'role-x' }));
    const base = `${imds.url}/latest/meta-data/iam/security-credentials/`;
    assert.equal((await call(base)).status, 401, 'IMDSv1 (no token) is refused');
    assert.equal((await call(`${imds.url}/latest/api/token`, { method: 'PUT' })).status, 400, 'the TTL header is required');
    const token = await call(`${imds.url}/latest/api/token`, { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '21600' } });
    assert.equal(token.status, 200);
    const auth = { 'x-aws-ec2-metadata-token': token.text };
    assert.equal((await call(base, { headers: { 'x-aws-ec2-metadata-token': 'forged' } })).status, 401);
    const role = await call(base, { headers: auth });
    assert.equal(role.text, 'role-x');
    const creds = JSON.parse((await call(`${base}role-x`, { headers: auth })).text);
    assert.equal(creds.Code, 'Success');
    assert.equal(creds.AccessKeyId, imds.latest.accessKeyId);
    assert.equal(creds.Token, imds.latest.sessionToken);
    assert.equal((await call(`${imds.url}/latest/meta-data/iam/security-credentials-extended/`, { headers: auth })).status, 404);
    assert.deepEqual({ ...imds.hits }, { unauthorized: 2, badTokenRequest: 1, token: 1, roleList: 1, credentials: 1, notFound: 1 });
  });
});

describe('fake OpenAI upstream with verifySigV4', () => {
  const creds = { accessKeyId: 'AKIAE2EUPSTREAM00001', secretAccessKey: 'upstream-secret' };
  const body = JSON.stringify({ model: 'openai.gpt-5.5', input: 'hello' });

  test('answers a correctly signed request and records an ok verdict', async () => {
    const fake = await track(startOpenAIUpstream({ verifySigV4: { credentials: creds, region: 'us-east-2', service: 'bedrock-mantle' } }));
    const url = `${fake.url}/openai/v1/responses`;
    const headers = await signRequest({ url, headers: { 'content-type': 'application/json' }, body }, { ...creds, region: 'us-east-2', service: 'bedrock-mantle' });
    const res = await call(url, { method: 'POST', headers, body });
    assert.equal(res.status, 200, res.text);
    assert.equal(JSON.parse(res.text).output[0].content[0].text, 'Echo: hello');
    assert.ok(fake.requests[0].sigv4.ok);
  });

  test('answers 403 {"message":"signature mismatch: ..."} to an unsigned, bearer or wrongly signed request', async () => {
    const fake = await track(startOpenAIUpstream({ verifySigV4: { credentials: () => [creds], region: 'us-east-2', service: 'bedrock-mantle' } }));
    const url = `${fake.url}/openai/v1/responses`;
    const wrongService = await signRequest({ url, body }, { ...creds, region: 'us-east-2', service: 'bedrock' });
    for (const headers of [{}, { authorization: 'Bearer x' }, wrongService]) {
      const res = await call(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      assert.equal(res.status, 403, res.text);
      assert.match(JSON.parse(res.text).message, /^signature mismatch: /);
    }
    assert.deepEqual(fake.requests.map((r) => r.sigv4.ok), [false, false, false]);
    fake.setSigV4(null);
    assert.equal((await call(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status, 200);
  });
});
