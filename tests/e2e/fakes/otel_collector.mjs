// A fake OpenTelemetry collector: OTLP/HTTP with JSON bodies, for the end-to-end tests of the
// gateway's trace and metrics export.
//
// It takes POST /v1/traces and POST /v1/metrics with `content-type: application/json` (a gzip
// `content-encoding` is undone first), decodes the body strictly by the OTLP JSON mapping and
// answers 200 `{}` — or 400 with a message naming the first fault it found, so a malformed export
// fails loudly in a test instead of vanishing. Other paths are 404, other methods 405, other
// content types 415 (as a real collector's OTLP/HTTP receiver answers).
//
// "Strictly" means: field names are the lowerCamelCase JSON names (a snake_case `trace_id` is an
// unknown field, and unknown fields are ignored as the mapping requires, so the required
// `traceId` is then missing); trace and span ids are hex (OTLP's deviation from protobuf's base64),
// 32 and 16 digits, not all zero; enums (span kind, status code, aggregation temporality) are
// integers; 64-bit integers — timestamps, counts, intValue — are decimal strings. That last point
// is stricter than a real receiver, which also takes plain numbers: strings are the form the
// mapping writes, and a sender that emits numbers loses precision past 2^53. Pass
// `{ acceptInt64Numbers: true }` to take numbers as well.
//
// Decoded data, flattened for easy assertions:
//   traces   one entry per span: { resource: { 'service.name': 'sluice', ... }, scope: { name,
//            version }, traceId, spanId, parentSpanId (or ''), name, kind, startTimeUnixNano,
//            endTimeUnixNano (BigInt), attributes: { key: value }, status: { code, message } }
//   metrics  one entry per data point: { resource, scope, name, description, unit, type ('sum',
//            'gauge' or 'histogram'), aggregationTemporality, isMonotonic, attributes,
//            startTimeUnixNano, timeUnixNano, value (sum / gauge), count, sum, bucketCounts,
//            explicitBounds (histogram) }
//   requests every request: { method, path, headers, status, error, body (parsed JSON or null) }
// Attribute values decode to JS values: strings, numbers (intValue as a Number when it is a safe
// integer, else a BigInt), booleans, arrays and plain objects.
//
//   const collector = await startOtelCollector();
//   ... run the gateway with server.otel_endpoint: collector.url ...
//   const span = await collector.waitForSpan((s) => s.name.startsWith('POST'), 5000);
//   collector.failNext(2, 503);   // the next two exports are answered 503
//   await collector.close();

import http from 'node:http';
import { gunzipSync } from 'node:zlib';

class OtlpDecodeError extends Error {}

function fail(path, message) {
  throw new OtlpDecodeError(`${path}: ${message}`);
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function object(value, path) {
  if (!isObject(value)) fail(path, 'must be an object');
  return value;
}

// A repeated field: absent is the empty list.
function list(value, path) {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(path, 'must be an array');
  return value;
}

function string(value, path, { required = false } = {}) {
  if (value === undefined && !required) return '';
  if (typeof value !== 'string') fail(path, 'must be a string');
  return value;
}

function bool(value, path) {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') fail(path, 'must be a boolean');
  return value;
}

function enumValue(value, path) {
  if (value === undefined) return 0;
  if (!Number.isInteger(value)) fail(path, 'must be an enum number (the JSON mapping writes enums as integers)');
  return value;
}

// double: a number, or one of the strings the protobuf JSON mapping uses for non-finite values.
function double(value, path) {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  fail(path, 'must be a number');
}

function int64(value, path, options, { unsigned = false } = {}) {
  if (value === undefined) return 0n;
  let parsed;
  if (typeof value === 'string') {
    if (!/^-?(0|[1-9][0-9]*)$/.test(value)) fail(path, `must be a decimal integer string, got ${JSON.stringify(value)}`);
    parsed = BigInt(value);
  } else if (typeof value === 'number' && options.acceptInt64Numbers && Number.isInteger(value)) {
    parsed = BigInt(value);
  } else {
    fail(path, 'must be a 64-bit integer written as a decimal string');
  }
  const [low, high] = unsigned ? [0n, 2n ** 64n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
  if (parsed < low || parsed > high) fail(path, 'is out of the 64-bit range');
  return parsed;
}

function smallest(big) {
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

// OTLP/JSON ids are hex (case-insensitive per the OTLP spec); they come back lowercase.
function hexId(value, path, bytes, { required }) {
  if (value === undefined || value === '') {
    if (required) fail(path, 'is required');
    return '';
  }
  if (typeof value !== 'string' || !new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(value)) {
    fail(path, `must be ${bytes * 2} hex digits`);
  }
  if (/^0+$/.test(value)) fail(path, 'must not be all zeros');
  return value.toLowerCase();
}

function anyValue(value, path, options) {
  object(value, path);
  const kinds = ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue']
    .filter((key) => value[key] !== undefined);
  if (kinds.length > 1) fail(path, `has more than one value field (${kinds.join(', ')})`);
  switch (kinds[0]) {
    case 'stringValue': return string(value.stringValue, `${path}.stringValue`);
    case 'boolValue': return bool(value.boolValue, `${path}.boolValue`);
    case 'intValue': return smallest(int64(value.intValue, `${path}.intValue`, options));
    case 'doubleValue': return double(value.doubleValue, `${path}.doubleValue`);
    case 'arrayValue':
      return list(object(value.arrayValue, `${path}.arrayValue`).values, `${path}.arrayValue.values`)
        .map((item, i) => anyValue(item, `${path}.arrayValue.values[${i}]`, options));
    case 'kvlistValue':
      return keyValues(object(value.kvlistValue, `${path}.kvlistValue`).values, `${path}.kvlistValue.values`, options);
    case 'bytesValue': return Buffer.from(string(value.bytesValue, `${path}.bytesValue`), 'base64');
    default: return null;  // an empty AnyValue
  }
}

function keyValues(value, path, options) {
  const out = {};
  list(value, path).forEach((entry, i) => {
    const at = `${path}[${i}]`;
    object(entry, at);
    const key = string(entry.key, `${at}.key`, { required: true });
    if (key === '') fail(`${at}.key`, 'must not be empty');
    out[key] = entry.value === undefined ? null : anyValue(entry.value, `${at}.value`, options);
  });
  return out;
}

function resourceOf(value, path, options) {
  if (value === undefined) return {};
  return keyValues(object(value, path).attributes, `${path}.attributes`, options);
}

function scopeOf(value, path) {
  if (value === undefined) return { name: '', version: '' };
  object(value, path);
  return { name: string(value.name, `${path}.name`), version: string(value.version, `${path}.version`) };
}

function decodeSpan(span, path, options) {
  object(span, path);
  const status = span.status === undefined ? {} : object(span.status, `${path}.status`);
  return {
    traceId: hexId(span.traceId, `${path}.traceId`, 16, { required: true }),
    spanId: hexId(span.spanId, `${path}.spanId`, 8, { required: true }),
    parentSpanId: hexId(span.parentSpanId, `${path}.parentSpanId`, 8, { required: false }),
    name: string(span.name, `${path}.name`),
    kind: enumValue(span.kind, `${path}.kind`),
    startTimeUnixNano: int64(span.startTimeUnixNano, `${path}.startTimeUnixNano`, options, { unsigned: true }),
    endTimeUnixNano: int64(span.endTimeUnixNano, `${path}.endTimeUnixNano`, options, { unsigned: true }),
    attributes: keyValues(span.attributes, `${path}.attributes`, options),
    status: {
      code: enumValue(status.code, `${path}.status.code`),
      message: string(status.message, `${path}.status.message`),
    },
  };
}

export function decodeTraces(body, options = {}) {
  object(body, 'body');
  const spans = [];
  list(body.resourceSpans, 'resourceSpans').forEach((resourceSpans, r) => {
    const at = `resourceSpans[${r}]`;
    object(resourceSpans, at);
    const resource = resourceOf(resourceSpans.resource, `${at}.resource`, options);
    list(resourceSpans.scopeSpans, `${at}.scopeSpans`).forEach((scopeSpans, s) => {
      const scopeAt = `${at}.scopeSpans[${s}]`;
      object(scopeSpans, scopeAt);
      const scope = scopeOf(scopeSpans.scope, `${scopeAt}.scope`);
      list(scopeSpans.spans, `${scopeAt}.spans`).forEach((span, i) => {
        spans.push({ resource, scope, ...decodeSpan(span, `${scopeAt}.spans[${i}]`, options) });
      });
    });
  });
  return spans;
}

function numberPoint(point, path, options) {
  if (point.asDouble !== undefined && point.asInt !== undefined) fail(path, 'has both asDouble and asInt');
  const value = point.asInt !== undefined
    ? smallest(int64(point.asInt, `${path}.asInt`, options))
    : double(point.asDouble, `${path}.asDouble`);
  return { value };
}

function histogramPoint(point, path, options) {
  const bucketCounts = list(point.bucketCounts, `${path}.bucketCounts`)
    .map((count, i) => int64(count, `${path}.bucketCounts[${i}]`, options, { unsigned: true }));
  const explicitBounds = list(point.explicitBounds, `${path}.explicitBounds`)
    .map((bound, i) => double(bound, `${path}.explicitBounds[${i}]`));
  if (bucketCounts.length !== 0 && bucketCounts.length !== explicitBounds.length + 1) {
    fail(path, `has ${bucketCounts.length} bucketCounts for ${explicitBounds.length} explicitBounds (needs bounds + 1)`);
  }
  const count = int64(point.count, `${path}.count`, options, { unsigned: true });
  if (bucketCounts.length && bucketCounts.reduce((a, b) => a + b, 0n) !== count) {
    fail(path, 'count is not the sum of bucketCounts');
  }
  return { count, sum: point.sum === undefined ? undefined : double(point.sum, `${path}.sum`), bucketCounts, explicitBounds };
}

const METRIC_TYPES = ['sum', 'gauge', 'histogram', 'exponentialHistogram', 'summary'];

function decodeMetric(metric, path, options) {
  object(metric, path);
  const types = METRIC_TYPES.filter((key) => metric[key] !== undefined);
  if (types.length !== 1) fail(path, `must have exactly one of ${METRIC_TYPES.join(', ')}`);
  const type = types[0];
  if (!['sum', 'gauge', 'histogram'].includes(type)) fail(`${path}.${type}`, 'is not supported by this fake');
  const data = object(metric[type], `${path}.${type}`);
  const common = {
    name: string(metric.name, `${path}.name`, { required: true }),
    description: string(metric.description, `${path}.description`),
    unit: string(metric.unit, `${path}.unit`),
    type,
    aggregationTemporality: enumValue(data.aggregationTemporality, `${path}.${type}.aggregationTemporality`),
    isMonotonic: bool(data.isMonotonic, `${path}.${type}.isMonotonic`),
  };
  return list(data.dataPoints, `${path}.${type}.dataPoints`).map((point, i) => {
    const at = `${path}.${type}.dataPoints[${i}]`;
    object(point, at);
    return {
      ...common,
      attributes: keyValues(point.attributes, `${at}.attributes`, options),
      startTimeUnixNano: int64(point.startTimeUnixNano, `${at}.startTimeUnixNano`, options, { unsigned: true }),
      timeUnixNano: int64(point.timeUnixNano, `${at}.timeUnixNano`, options, { unsigned: true }),
      ...(type === 'histogram' ? histogramPoint(point, at, options) : numberPoint(point, at, options)),
    };
  });
}

export function decodeMetrics(body, options = {}) {
  object(body, 'body');
  const points = [];
  list(body.resourceMetrics, 'resourceMetrics').forEach((resourceMetrics, r) => {
    const at = `resourceMetrics[${r}]`;
    object(resourceMetrics, at);
    const resource = resourceOf(resourceMetrics.resource, `${at}.resource`, options);
    list(resourceMetrics.scopeMetrics, `${at}.scopeMetrics`).forEach((scopeMetrics, s) => {
      const scopeAt = `${at}.scopeMetrics[${s}]`;
      object(scopeMetrics, scopeAt);
      const scope = scopeOf(scopeMetrics.scope, `${scopeAt}.scope`);
      list(scopeMetrics.metrics, `${scopeAt}.metrics`).forEach((metric, i) => {
        for (const point of decodeMetric(metric, `${scopeAt}.metrics[${i}]`, options)) {
          points.push({ resource, scope, ...point });
        }
      });
    });
  });
  return points;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Starts the fake on `host:port` (port 0: any free one). Resolves once listening.
 * Returns { url, traces, metrics, requests, failNext(count, status), waitForSpan(pred, ms),
 * waitForMetric(pred, ms), close() }. `url` has no path: it is what server.otel_endpoint takes.
 */
export async function startOtelCollector({ host = '127.0.0.1', port = 0, acceptInt64Numbers = false } = {}) {
  const options = { acceptInt64Numbers };
  const traces = [];
  const metrics = [];
  const requests = [];
  const failures = [];  // statuses to answer the next exports with
  const waiters = new Set();

  function notify() {
    for (const waiter of waiters) waiter();
  }

  function answer(res, record, status, body) {
    record.status = status;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url, 'http://collector').pathname;
    const record = { method: req.method, path, headers: req.headers, status: 0, error: null, body: null };
    requests.push(record);
    try {
      const raw = await readBody(req);
      const decoder = { '/v1/traces': decodeTraces, '/v1/metrics': decodeMetrics }[path];
      if (!decoder) return answer(res, record, 404, { code: 5, message: `no OTLP signal at ${path}` });
      if (req.method !== 'POST') return answer(res, record, 405, { code: 12, message: 'OTLP/HTTP takes POST only' });
      const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (mediaType !== 'application/json') {
        return answer(res, record, 415, { code: 3, message: `unsupported content-type ${JSON.stringify(mediaType)}` });
      }
      const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
      if (!['identity', 'gzip'].includes(encoding)) fail('content-encoding', `${encoding} is not supported`);
      const text = (encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      let body;
      try {
        body = JSON.parse(text);
      } catch (error) {
        fail('body', `is not JSON: ${error.message}`);
      }
      record.body = body;
      const decoded = decoder(body, options);
      if (failures.length > 0) {
        const status = failures.shift();
        return answer(res, record, status, { code: 14, message: 'failure requested by the test' });
      }
      (path === '/v1/traces' ? traces : metrics).push(...decoded);
      answer(res, record, 200, {});
      notify();
    } catch (error) {
      record.error = error.message;
      if (error instanceof OtlpDecodeError || error.code === 'Z_DATA_ERROR') {
        answer(res, record, 400, { code: 3, message: error.message });
      } else {
        answer(res, record, 500, { code: 13, message: error.message });
      }
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  function waitFor(items, predicate, timeoutMs) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = items.find(predicate);
        if (found === undefined) return false;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`the fake collector received nothing matching within ${timeoutMs} ms`));
      }, timeoutMs);
      if (!check()) waiters.add(check);
    });
  }

  return {
    url,
    traces,
    metrics,
    requests,
    failNext(count = 1, status = 503) {
      for (let i = 0; i < count; ++i) failures.push(status);
    },
    waitForSpan: (predicate, timeoutMs = 10_000) => waitFor(traces, predicate, timeoutMs),
    waitForMetric: (predicate, timeoutMs = 10_000) => waitFor(metrics, predicate, timeoutMs),
    close() {
      for (const waiter of waiters) waiters.delete(waiter);
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
