// AWS Signature Version 4 verification for the fakes, the way an AWS service front end checks a
// request: recompute the signature with the AWS SDK's own signer (@smithy/signature-v4) from what
// arrived on the wire and compare it with the Authorization header.
//
//   const verdict = await verifySigV4(
//     { method, path /* raw, with query */, rawHeaders /* node's flat list */ or headers, body /* Buffer */ },
//     { accessKeyId, secretAccessKey, sessionToken, region, service });
//   // -> { ok, reason, expected, got, details: { canonicalRequest, stringToSign, signedHeaders, ... } }
//
// What is checked, in order (the first failure is `reason`):
//   - Authorization is `AWS4-HMAC-SHA256 Credential=<akid>/<yyyymmdd>/<region>/<service>/aws4_request,
//     SignedHeaders=<a;b;c>, Signature=<64 hex>` (not a bearer token);
//   - x-amz-date is present (yyyyMMddTHHmmssZ), within `maxSkewMs` of now, and its day is the
//     credential scope's day;
//   - the scope names the expected access key id, region and service (region may be left out of
//     the expectation: then the scope's region is taken, and reported);
//   - x-amz-content-sha256, when present (or required with requireContentSha256), is the hex
//     SHA-256 of the body that arrived;
//   - x-amz-security-token is the expected session token, and is absent for long-term keys;
//   - SignedHeaders contains host and x-amz-date (and x-amz-security-token when one is sent), and
//     every header it lists arrived;
//   - the signature over exactly those headers, the raw path and query and the body is the one the
//     SDK signer computes with the expected secret.
//
// Paths: AWS services other than S3 normalise the path and URI-encode each segment of the path as
// it appears on the wire once more (so `%3A` in the request line becomes `%253A` in the canonical
// request). That is the signer's default (uriEscapePath: true), fed the raw path from the request line.

import { createHash } from 'node:crypto';

import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { getCanonicalHeaders, SignatureV4 } from '@smithy/signature-v4';

const AUTH_RE = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;
const AMZ_DATE_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function sha256Hex(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `20260101T120000Z` -> Date, or null. */
export function parseAmzDate(value) {
  const m = AMZ_DATE_RE.exec(value ?? '');
  if (!m) return null;
  const date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Parses an Authorization header; null if it is not AWS4-HMAC-SHA256. */
export function parseAuthorization(value) {
  const m = AUTH_RE.exec(value ?? '');
  if (!m) return null;
  const [accessKeyId, date, region, service, terminator, ...rest] = m[1].split('/');
  return {
    credential: m[1],
    accessKeyId,
    date,
    region,
    service,
    terminator,
    extraScope: rest,
    signedHeaders: m[2].split(';'),
    signature: m[3],
  };
}

/**
 * Header name (lower case) -> value, from node's rawHeaders (repeated headers joined with ',' as
 * the canonical form wants) or from a plain headers object.
 */
export function headerMap({ rawHeaders, headers }) {
  const map = {};
  if (Array.isArray(rawHeaders)) {
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = rawHeaders[i].toLowerCase();
      const value = String(rawHeaders[i + 1]).trim();
      map[name] = name in map ? `${map[name]},${value}` : value;
    }
    return map;
  }
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    map[name.toLowerCase()] = Array.isArray(value) ? value.map((v) => String(v).trim()).join(',') : String(value).trim();
  }
  return map;
}

/** Raw query string -> { name: value | [values] }, decoded (the signer encodes again). */
export function parseQuery(rawQuery) {
  const query = {};
  if (!rawQuery) return query;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = safeDecode(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? '' : safeDecode(part.slice(eq + 1));
    if (name in query) query[name] = [].concat(query[name], value);
    else query[name] = value;
  }
  return query;
}

function safeDecode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The request as the SDK signer sees it: only the signed headers, the raw path, decoded query. */
function signableRequest({ method, path, headers, body, signedHeaders }) {
  const q = path.indexOf('?');
  const rawPath = q === -1 ? path : path.slice(0, q);
  const rawQuery = q === -1 ? '' : path.slice(q + 1);
  const hostHeader = headers.host ?? '';
  const picked = {};
  for (const name of signedHeaders) {
    if (name in headers) picked[name] = headers[name];
  }
  return new HttpRequest({
    method,
    protocol: 'https:',
    hostname: hostHeader.replace(/:\d+$/, ''),
    path: rawPath,
    query: parseQuery(rawQuery),
    headers: picked,
    body,
  });
}

/**
 * Verifies the SigV4 signature of a received request against the expected credentials, region and
 * service. `request`: { method, path (raw request target, with query), rawHeaders or headers, body
 * (Buffer or string; the bytes that arrived) }. Never throws for a bad request: the verdict says why.
 */
export async function verifySigV4(request, expected, { now = Date.now(), maxSkewMs = 15 * 60_000, requireContentSha256 = true } = {}) {
  const headers = headerMap(request);
  const body = request.body === undefined || request.body === null ? Buffer.alloc(0) : Buffer.from(request.body);
  const bodyHash = sha256Hex(body);
  const got = headers.authorization ?? null;
  const details = {
    method: request.method,
    path: request.path,
    bodySha256: bodyHash,
    contentSha256Header: headers['x-amz-content-sha256'] ?? null,
    amzDate: headers['x-amz-date'] ?? null,
    securityToken: headers['x-amz-security-token'] === undefined ? null : '(present)',
  };
  const fail = (reason, extra = {}) => ({ ok: false, reason, expected: extra.expected ?? null, got, details: { ...details, ...extra.details } });

  if (got === null) return fail('no Authorization header');
  if (/^bearer\s/i.test(got)) return fail('Authorization is a bearer token, not AWS4-HMAC-SHA256');
  const auth = parseAuthorization(got);
  if (!auth) return fail('Authorization is not of the form "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=<64 hex>"');
  Object.assign(details, { credential: auth.credential, signedHeaders: auth.signedHeaders, scopeRegion: auth.region, scopeService: auth.service });

  const region = expected.region ?? auth.region;
  const expectedScope = `${expected.accessKeyId}/${auth.date}/${region}/${expected.service}/aws4_request`;
  if (auth.credential !== expectedScope) {
    return fail(`credential scope is ${auth.credential}, expected ${expectedScope}`, { expected: expectedScope });
  }

  const amzDate = headers['x-amz-date'];
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) return fail(`x-amz-date is ${amzDate === undefined ? 'missing' : JSON.stringify(amzDate)}, expected yyyyMMddTHHmmssZ`);
  if (amzDate.slice(0, 8) !== auth.date) return fail(`x-amz-date ${amzDate} is not on the credential scope's day ${auth.date}`);
  if (Math.abs(signingDate.getTime() - now) > maxSkewMs) return fail(`x-amz-date ${amzDate} is more than ${maxSkewMs} ms from now`);

  const contentSha = headers['x-amz-content-sha256'];
  if (contentSha === undefined && requireContentSha256) return fail('x-amz-content-sha256 is missing', { expected: bodyHash });
  if (contentSha !== undefined && contentSha !== bodyHash) {
    return fail(`x-amz-content-sha256 is ${contentSha}, but the body that arrived hashes to ${bodyHash}`, { expected: bodyHash });
  }

  const token = headers['x-amz-security-token'];
  if (expected.sessionToken) {
    if (token === undefined) return fail('x-amz-security-token is missing, but the credentials have a session token');
    if (token !== expected.sessionToken) return fail('x-amz-security-token is not the session token of the expected credentials');
  } else if (token !== undefined) {
    return fail('x-amz-security-token was sent, but the expected credentials are long-term keys without a session token');
  }

  const signed = auth.signedHeaders;
  const sorted = [...signed].sort();
  if (signed.join(';') !== sorted.join(';') || new Set(signed).size !== signed.length || signed.some((h) => h !== h.toLowerCase())) {
    return fail(`SignedHeaders ${signed.join(';')} is not a sorted list of distinct lower-case names`);
  }
  for (const required of ['host', 'x-amz-date', ...(token !== undefined ? ['x-amz-security-token'] : [])]) {
    if (!signed.includes(required)) return fail(`SignedHeaders ${signed.join(';')} does not include ${required}`);
  }
  const missing = signed.filter((name) => !(name in headers));
  if (missing.length > 0) return fail(`SignedHeaders lists ${missing.join(', ')}, which did not arrive`);

  const toSign = signableRequest({ method: request.method, path: request.path, headers, body, signedHeaders: signed });
  const signer = new SignatureV4({
    credentials: { accessKeyId: expected.accessKeyId, secretAccessKey: expected.secretAccessKey, sessionToken: expected.sessionToken || undefined },
    region,
    service: expected.service,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false, // never add a header the sender did not sign
  });
  const signableHeaders = new Set(signed);
  let signedRequest;
  try {
    signedRequest = await signer.sign(toSign, { signingDate, signableHeaders });
  } catch (err) {
    return fail(`the SDK signer failed: ${err.message}`);
  }
  const expectedAuthorization = signedRequest.headers.authorization;
  const expectedAuth = parseAuthorization(expectedAuthorization);

  // The canonical request and string to sign, for the failure message (what the SDK signed).
  const canonicalHeaders = getCanonicalHeaders(signedRequest, undefined, signableHeaders);
  const payloadHash = contentSha ?? bodyHash;
  const canonicalRequest = signer.createCanonicalRequest(signedRequest, canonicalHeaders, payloadHash);
  const scope = `${auth.date}/${region}/${expected.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  Object.assign(details, { canonicalRequest, stringToSign, canonicalPath: signer.getCanonicalPath(signedRequest) });

  if (expectedAuth.signedHeaders.join(';') !== signed.join(';')) {
    return fail(`the SDK signs headers ${expectedAuth.signedHeaders.join(';')}, the request lists ${signed.join(';')}`,
      { expected: expectedAuthorization });
  }
  if (expectedAuth.signature !== auth.signature) {
    return fail('signature mismatch: the signature is not the one computed from the request with the expected secret key',
      { expected: expectedAuthorization });
  }
  return { ok: true, reason: null, expected: expectedAuthorization, got, details };
}

/** A readable one-paragraph account of a verdict, for assertion messages. */
export function describeVerdict(verdict) {
  if (!verdict) return 'no verdict (the request was not verified)';
  const d = verdict.details ?? {};
  return [
    `ok=${verdict.ok}${verdict.reason ? ` reason: ${verdict.reason}` : ''}`,
    `  got:      ${verdict.got}`,
    `  expected: ${verdict.expected}`,
    `  ${d.method} ${d.path}  x-amz-date=${d.amzDate}  x-amz-content-sha256=${d.contentSha256Header}  body sha256=${d.bodySha256}  x-amz-security-token=${d.securityToken}`,
    d.canonicalRequest ? `  canonical request:\n${indent(d.canonicalRequest)}\n  string to sign:\n${indent(d.stringToSign)}` : '',
  ].filter(Boolean).join('\n');
}

function indent(text) {
  return text.split('\n').map((line) => `    | ${line}`).join('\n');
}

/**
 * Signs a request with the SDK signer, for tests of the verifier and for clients of the fakes.
 * Returns the headers to send (lower-case names): the given ones plus x-amz-date,
 * x-amz-content-sha256, x-amz-security-token (session credentials) and authorization.
 */
export async function signRequest({ method = 'POST', url, headers = {}, body = '' }, { accessKeyId, secretAccessKey, sessionToken, region, service }, { signingDate = new Date() } = {}) {
  const u = new URL(url);
  const bytes = Buffer.from(body);
  const lower = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = String(v);
  lower.host = u.host;
  lower['x-amz-content-sha256'] = sha256Hex(bytes);
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey, sessionToken },
    region,
    service,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
  // The signer wants the path as it will be sent (already percent-encoded) and a decoded query.
  const signed = await signer.sign(new HttpRequest({
    method,
    protocol: u.protocol,
    hostname: u.hostname,
    port: u.port ? Number(u.port) : undefined,
    path: u.pathname,
    query: parseQuery(u.search.slice(1)),
    headers: lower,
    body: bytes,
  }), { signingDate });
  return signed.headers;
}
