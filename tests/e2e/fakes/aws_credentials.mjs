// Fakes for the places the AWS default credential chain gets temporary credentials from, all plain
// HTTP on 127.0.0.1 (the chain allows loopback HTTP for each of them):
//
//   startFakeSts({ sourceCredentials, expectedWebIdentityToken, region, ttlMs })
//       STS Query API: POST (form) Action=AssumeRole | AssumeRoleWithWebIdentity, Version=2011-06-15.
//       AssumeRole must be SigV4-signed for service `sts` with `sourceCredentials`; web identity is
//       unsigned and must carry `expectedWebIdentityToken` (when set). Answers the STS XML.
//       Point the gateway at it with AWS_ENDPOINT_URL_STS=<fake.url>.
//   startFakeContainerCredentials({ expectedToken, ttlMs })
//       The ECS / EKS Pod Identity credentials endpoint: GET any path, `Authorization` must be
//       `expectedToken` (401 when missing, 403 when wrong). AWS_CONTAINER_CREDENTIALS_FULL_URI=<fake.url>/creds
//   startFakeImds({ roleName, ttlMs })
//       EC2 instance metadata, IMDSv2 only: PUT /latest/api/token (needs
//       X-aws-ec2-metadata-token-ttl-seconds) -> token; every GET needs X-aws-ec2-metadata-token
//       (401 without). AWS_EC2_METADATA_SERVICE_ENDPOINT=<fake.url>
//
// Each issues fresh credentials on every successful fetch (`issued`, newest last, with the
// Expiration it served), records every request (`requests`) and counts them (`hits`). `ttlMs`
// (default one hour) or `expiresAt: () => Date` decides the Expiration served; both can be changed
// later with fake.setExpiry({ ttlMs } | { expiresAt }). fake.setFailure({ status, code, message })
// answers every following credential fetch with that error until setFailure() resets it.

import { randomBytes } from 'node:crypto';
import http from 'node:http';

import { verifySigV4 } from './sigv4_verifier.mjs';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Fresh temporary credentials: ASIA… key id, secret, session token; names carry `label` for logs. */
export function makeTemporaryCredentials(label, expiration) {
  const bytes = randomBytes(16);
  const keyTail = Array.from(bytes, (b) => ALNUM[b % ALNUM.length]).join('');
  return {
    accessKeyId: `ASIA${keyTail}`,
    secretAccessKey: `${label}-secret-${randomBytes(15).toString('base64url')}`,
    sessionToken: `${label}-token-${randomBytes(30).toString('base64url')}`,
    expiration,
  };
}

/** ISO-8601 without milliseconds, as AWS writes an Expiration: 2026-11-25T14:20:00Z. */
export function awsTimestamp(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A shared base: one HTTP server, request recording, expiry and failure control. */
async function startFake(name, handle, { ttlMs = 3600_000, expiresAt } = {}) {
  const requests = [];
  const issued = [];
  const hits = {};
  const state = { expiry: { ttlMs, expiresAt }, failure: null };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const bodyBytes = Buffer.concat(chunks);
      const recorded = {
        method: req.method, url: req.url, path: req.url.split('?')[0], headers: { ...req.headers },
        rawHeaders: [...req.rawHeaders], bodyBytes, body: bodyBytes.toString('utf8'), at: Date.now(),
      };
      requests.push(recorded);
      try {
        await handle(req, res, recorded, {
          count: (kind) => { hits[kind] = (hits[kind] ?? 0) + 1; recorded.kind = kind; },
          issue: (label) => {
            // Seconds precision, as the services write it; never in the past.
            const e = state.expiry;
            const at = e.expiresAt ? e.expiresAt() : new Date(Date.now() + e.ttlMs);
            const creds = makeTemporaryCredentials(label, new Date(Math.floor(at.getTime() / 1000) * 1000));
            issued.push(creds);
            recorded.issued = creds;
            return creds;
          },
          failure: () => state.failure,
        });
      } catch (err) {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`${name} fake failed: ${err.message}`);
        } else {
          res.destroy();
        }
      }
    });
  });
  const sockets = new Set();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    issued,
    hits,
    /** The newest credentials this fake handed out (or undefined). */
    get latest() {
      return issued[issued.length - 1];
    },
    /** Total successful credential fetches. */
    get fetches() {
      return issued.length;
    },
    setExpiry(expiry) {
      state.expiry = { ttlMs: 3600_000, ...expiry };
    },
    setFailure(failure = null) {
      state.failure = failure;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// ---- STS --------------------------------------------------------------------------------------

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

function xmlEscape(text) {
  return String(text).replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' }[c]));
}

function stsError(res, status, code, message) {
  const text = `<ErrorResponse xmlns="${STS_NS}"><Error><Type>Sender</Type><Code>${xmlEscape(code)}</Code>`
    + `<Message>${xmlEscape(message)}</Message></Error><RequestId>${randomBytes(8).toString('hex')}</RequestId></ErrorResponse>`;
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function stsCredentialsXml(action, creds, roleArn, sessionName, extra = '') {
  const account = /^arn:aws:iam::(\d+):/.exec(roleArn)?.[1] ?? '123456789012';
  const roleName = roleArn.split('/').pop();
  return `<${action}Response xmlns="${STS_NS}">
  <${action}Result>
${extra}    <AssumedRoleUser>
      <AssumedRoleId>AROAFAKE${randomBytes(6).toString('hex').toUpperCase()}:${xmlEscape(sessionName)}</AssumedRoleId>
      <Arn>arn:aws:sts::${account}:assumed-role/${xmlEscape(roleName)}/${xmlEscape(sessionName)}</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${creds.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${xmlEscape(creds.secretAccessKey)}</SecretAccessKey>
      <SessionToken>${xmlEscape(creds.sessionToken)}</SessionToken>
      <Expiration>${awsTimestamp(creds.expiration)}</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </${action}Result>
  <ResponseMetadata>
    <RequestId>${randomBytes(8).toString('hex')}</RequestId>
  </ResponseMetadata>
</${action}Response>
`;
}

/**
 * Fake STS. `sourceCredentials`: the set (or a function returning the set, or a list of sets) an
 * AssumeRole must be signed with. `region`: the signing region to demand; left out, any region in
 * the request's scope is accepted (and recorded as request.sigv4.details.scopeRegion).
 * Every request records { form (the parameters), action, sigv4 (AssumeRole's verdict) }.
 */
export async function startFakeSts({ sourceCredentials, expectedWebIdentityToken, region, ttlMs, expiresAt } = {}) {
  let expectations = { sourceCredentials, expectedWebIdentityToken, region };
  const fake = await startFake('sts', async (req, res, recorded, { count, issue, failure }) => {
    const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
    const form = Object.fromEntries(new URLSearchParams(query));
    Object.assign(form, Object.fromEntries(new URLSearchParams(recorded.body)));
    recorded.form = form;
    recorded.action = form.Action ?? null;
    const known = ['AssumeRole', 'AssumeRoleWithWebIdentity'].includes(form.Action);
    count(known ? form.Action : 'other');
    if (!known) return stsError(res, 400, 'InvalidAction', `unsupported action ${form.Action}`);
    if (req.method !== 'POST' && req.method !== 'GET') return stsError(res, 405, 'InvalidAction', `method ${req.method}`);
    if (form.Version !== '2011-06-15') return stsError(res, 400, 'InvalidParameterValue', `Version must be 2011-06-15, got ${form.Version}`);
    if (!form.RoleArn) return stsError(res, 400, 'MissingParameter', 'RoleArn is required');
    if (!form.RoleSessionName) return stsError(res, 400, 'MissingParameter', 'RoleSessionName is required');

    if (form.Action === 'AssumeRole') {
      const current = typeof expectations.sourceCredentials === 'function' ? await expectations.sourceCredentials() : expectations.sourceCredentials;
      const sets = (Array.isArray(current) ? current : [current]).filter(Boolean);
      let verdict = { ok: false, reason: 'the fake STS has no source credentials to check against', details: {} };
      for (const set of sets) {
        verdict = await verifySigV4({ method: req.method, path: req.url, rawHeaders: req.rawHeaders, body: recorded.bodyBytes },
          { ...set, region: expectations.region, service: 'sts' }, { requireContentSha256: false });
        if (verdict.ok) break;
      }
      recorded.sigv4 = verdict;
      if (!verdict.ok) return stsError(res, 403, 'SignatureDoesNotMatch', `signature mismatch: ${verdict.reason}`);
    } else {
      if (!form.WebIdentityToken) return stsError(res, 400, 'MissingParameter', 'WebIdentityToken is required');
      if (expectations.expectedWebIdentityToken !== undefined && form.WebIdentityToken !== expectations.expectedWebIdentityToken) {
        return stsError(res, 400, 'InvalidIdentityToken', 'the web identity token is not the expected one');
      }
    }
    const f = failure();
    if (f) return stsError(res, f.status ?? 403, f.code ?? 'AccessDenied', f.message ?? 'denied by the fake');
    const creds = issue(form.Action === 'AssumeRole' ? 'sts-assume-role' : 'sts-web-identity');
    const extra = form.Action === 'AssumeRoleWithWebIdentity'
      ? `    <SubjectFromWebIdentityToken>e2e-subject</SubjectFromWebIdentityToken>\n    <Audience>sts.amazonaws.com</Audience>\n    <Provider>e2e.example</Provider>\n`
      : '';
    const text = stsCredentialsXml(form.Action, creds, form.RoleArn, form.RoleSessionName, extra);
    res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }, { ttlMs, expiresAt });
  fake.setExpectations = (next) => { expectations = { ...expectations, ...next }; };
  return fake;
}

// ---- container credentials (ECS / EKS Pod Identity) ---------------------------------------------

function sendJson(res, status, value) {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Fake container credentials endpoint; `expectedToken` is the exact Authorization value demanded. */
export async function startFakeContainerCredentials({ expectedToken, ttlMs, expiresAt } = {}) {
  return startFake('container', async (req, res, recorded, { count, issue, failure }) => {
    if (req.method !== 'GET') {
      count('rejected');
      return sendJson(res, 405, { code: 'MethodNotAllowed', message: `method ${req.method}` });
    }
    const auth = req.headers.authorization;
    if (expectedToken !== undefined && auth === undefined) {
      count('rejected');
      return sendJson(res, 401, { code: 'AccessDenied', message: 'Authorization header is required' });
    }
    if (expectedToken !== undefined && auth !== expectedToken) {
      count('rejected');
      return sendJson(res, 403, { code: 'AccessDenied', message: 'Authorization token is not valid' });
    }
    count('credentials');
    const f = failure();
    if (f) return sendJson(res, f.status ?? 500, { code: f.code ?? 'InternalError', message: f.message ?? 'failed by the fake' });
    const creds = issue('container');
    return sendJson(res, 200, {
      AccessKeyId: creds.accessKeyId,
      SecretAccessKey: creds.secretAccessKey,
      Token: creds.sessionToken,
      Expiration: awsTimestamp(creds.expiration),
      RoleArn: 'arn:aws:iam::123456789012:role/e2e-container-role',
    });
  }, { ttlMs, expiresAt });
}

// ---- EC2 instance metadata (IMDSv2) ------------------------------------------------------------

/** Fake IMDSv2. hits: token (PUT), roleList, credentials, unauthorized (GET without a valid token), notFound. */
export async function startFakeImds({ roleName = 'e2e-instance-role', ttlMs, expiresAt } = {}) {
  const tokens = new Map(); // token -> expiry ms
  const credsPath = '/latest/meta-data/iam/security-credentials/';
  const fake = await startFake('imds', async (req, res, recorded, { count, issue, failure }) => {
    const path = recorded.path;
    const text = (status, body) => {
      res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (req.method === 'PUT' && path === '/latest/api/token') {
      const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21600) {
        count('badTokenRequest');
        return text(400, 'X-aws-ec2-metadata-token-ttl-seconds must be 1..21600');
      }
      count('token');
      const token = `imds-token-${randomBytes(18).toString('base64url')}`;
      tokens.set(token, Date.now() + ttl * 1000);
      recorded.tokenTtl = ttl;
      return text(200, token);
    }
    if (req.method !== 'GET') {
      count('other');
      return text(405, 'method not allowed');
    }
    const token = req.headers['x-aws-ec2-metadata-token'];
    if (token === undefined || !tokens.has(token) || tokens.get(token) < Date.now()) {
      count('unauthorized');
      return text(401, 'Unauthorized');
    }
    if (path === credsPath || path === credsPath.slice(0, -1)) {
      count('roleList');
      return text(200, roleName);
    }
    if (path === `${credsPath}${roleName}` || path === `${credsPath}${roleName}/`) {
      count('credentials');
      const f = failure();
      if (f) return text(f.status ?? 500, f.message ?? 'failed by the fake');
      const creds = issue('imds');
      const body = JSON.stringify({
        Code: 'Success',
        LastUpdated: awsTimestamp(new Date()),
        Type: 'AWS-HMAC',
        AccessKeyId: creds.accessKeyId,
        SecretAccessKey: creds.secretAccessKey,
        Token: creds.sessionToken,
        Expiration: awsTimestamp(creds.expiration),
      }, null, 2);
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
      return res.end(body);
    }
    count('notFound');
    return text(404, 'Not Found');
  }, { ttlMs, expiresAt });
  fake.roleName = roleName;
  return fake;
}
