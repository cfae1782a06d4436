// Specifies the fake OpenTelemetry collector itself: what it decodes, what it refuses. Needs no
// gateway: if these fail, the gateway's export tests cannot be trusted.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';

import { startOtelCollector } from './fakes/otel_collector.mjs';

let collector;

before(async () => {
  collector = await startOtelCollector();
});

after(async () => {
  await collector?.close();
});

const RESOURCE = {
  attributes: [
    { key: 'service.name', value: { stringValue: 'sluice' } },
    { key: 'service.version', value: { stringValue: '0.1.0' } },
  ],
};

function span(overrides = {}) {
  return {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    name: 'POST /v1/chat/completions',
    kind: 2,
    startTimeUnixNano: '1700000000123456789',
    endTimeUnixNano: '1700000000987654321',
    attributes: [
      { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } },
      { key: 'gen_ai.usage.input_tokens', value: { intValue: '42' } },
      { key: 'stream', value: { boolValue: false } },
      { key: 'share', value: { doubleValue: 0.5 } },
    ],
    ...overrides,
  };
}

function traces(...spans) {
  return { resourceSpans: [{ resource: RESOURCE, scopeSpans: [{ scope: { name: 'sluice', version: '0.1.0' }, spans }] }] };
}

function metrics(...list) {
  return { resourceMetrics: [{ resource: RESOURCE, scopeMetrics: [{ scope: { name: 'sluice' }, metrics: list }] }] };
}

async function post(path, body, headers = {}) {
  const response = await fetch(`${collector.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function assertRejected(path, body, pattern) {
  const before = path === '/v1/traces' ? collector.traces.length : collector.metrics.length;
  const response = await post(path, body);
  assert.equal(response.status, 400, JSON.stringify(response.body));
  assert.match(response.body.message, pattern);
  assert.equal(path === '/v1/traces' ? collector.traces.length : collector.metrics.length, before);
}

test('a span is decoded and flattened with its resource and scope', async () => {
  const response = await post('/v1/traces', traces(span({ parentSpanId: '0102030405060708' })));
  assert.equal(response.status, 200);
  assert.deepEqual(response.body, {});

  const decoded = await collector.waitForSpan((s) => s.parentSpanId === '0102030405060708', 1000);
  assert.deepEqual(decoded.resource, { 'service.name': 'sluice', 'service.version': '0.1.0' });
  assert.deepEqual(decoded.scope, { name: 'sluice', version: '0.1.0' });
  assert.equal(decoded.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(decoded.kind, 2);
  assert.equal(decoded.startTimeUnixNano, 1700000000123456789n);
  assert.deepEqual(decoded.attributes, { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 42, stream: false, share: 0.5 });
  assert.deepEqual(decoded.status, { code: 0, message: '' });
});

test('an error status and uppercase hex ids are accepted; ids come back lowercase', async () => {
  const response = await post('/v1/traces', traces(span({
    spanId: 'AAAAAAAAAAAAAAAA',
    status: { code: 2, message: 'upstream_timeout' },
  })));
  assert.equal(response.status, 200);
  const decoded = collector.traces.find((s) => s.spanId === 'aaaaaaaaaaaaaaaa');
  assert.deepEqual(decoded.status, { code: 2, message: 'upstream_timeout' });
});

test('gzip-encoded bodies are decoded', async () => {
  const body = gzipSync(JSON.stringify(traces(span({ spanId: 'bbbbbbbbbbbbbbbb' }))));
  const response = await post('/v1/traces', body, { 'content-encoding': 'gzip' });
  assert.equal(response.status, 200);
  assert.ok(collector.traces.some((s) => s.spanId === 'bbbbbbbbbbbbbbbb'));
});

test('malformed span payloads are rejected with 400 and recorded nowhere', async () => {
  await assertRejected('/v1/traces', '{"resourceSpans": [', /not JSON/);
  await assertRejected('/v1/traces', [], /body: must be an object/);
  await assertRejected('/v1/traces', { resourceSpans: {} }, /resourceSpans: must be an array/);
  await assertRejected('/v1/traces', traces(span({ traceId: 'S/kvNXezTaajzpKdDg5HNg==' })), /traceId: must be 32 hex digits/);
  await assertRejected('/v1/traces', traces(span({ traceId: '0'.repeat(32) })), /traceId: must not be all zeros/);
  await assertRejected('/v1/traces', traces(span({ spanId: 'abc' })), /spanId: must be 16 hex digits/);
  await assertRejected('/v1/traces', traces(span({ traceId: undefined, trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' })), /traceId: is required/);
  await assertRejected('/v1/traces', traces(span({ kind: 'SPAN_KIND_SERVER' })), /kind: must be an enum number/);
  await assertRejected('/v1/traces', traces(span({ startTimeUnixNano: 1700000000123456789 })), /startTimeUnixNano: must be a 64-bit integer/);
  await assertRejected('/v1/traces', traces(span({ endTimeUnixNano: '12.5' })), /endTimeUnixNano: must be a decimal integer string/);
  await assertRejected('/v1/traces', traces(span({ attributes: [{ key: 'n', value: { intValue: 42 } }] })), /intValue: must be a 64-bit integer/);
  await assertRejected('/v1/traces', traces(span({ attributes: [{ key: 'x', value: { stringValue: 'a', boolValue: true } }] })), /more than one value field/);
});

test('each metric kind is decoded into data points', async () => {
  const response = await post('/v1/metrics', metrics(
    {
      name: 'sluice_requests_total', description: 'Requests.', unit: '{request}',
      sum: {
        aggregationTemporality: 2, isMonotonic: true,
        dataPoints: [{ attributes: [{ key: 'model', value: { stringValue: 'gpt-4o' } }], startTimeUnixNano: '1', timeUnixNano: '2', asDouble: 17 }],
      },
    },
    { name: 'sluice_inflight_requests', unit: '{request}', gauge: { dataPoints: [{ timeUnixNano: '2', asDouble: 3 }] } },
    {
      name: 'sluice_request_duration_seconds', unit: 's',
      histogram: {
        aggregationTemporality: 2,
        dataPoints: [{ startTimeUnixNano: '1', timeUnixNano: '2', count: '10', sum: 6.75, bucketCounts: ['4', '3', '2', '1'], explicitBounds: [0.1, 0.5, 2.5] }],
      },
    },
  ));
  assert.equal(response.status, 200);

  const counter = await collector.waitForMetric((m) => m.name === 'sluice_requests_total', 1000);
  assert.equal(counter.type, 'sum');
  assert.equal(counter.aggregationTemporality, 2);
  assert.equal(counter.isMonotonic, true);
  assert.equal(counter.value, 17);
  assert.deepEqual(counter.attributes, { model: 'gpt-4o' });
  assert.equal(counter.resource['service.name'], 'sluice');

  const gauge = collector.metrics.find((m) => m.name === 'sluice_inflight_requests');
  assert.equal(gauge.type, 'gauge');
  assert.equal(gauge.value, 3);

  const histogram = collector.metrics.find((m) => m.name === 'sluice_request_duration_seconds');
  assert.equal(histogram.type, 'histogram');
  assert.equal(histogram.count, 10n);
  assert.deepEqual(histogram.bucketCounts, [4n, 3n, 2n, 1n]);
  assert.deepEqual(histogram.explicitBounds, [0.1, 0.5, 2.5]);
});

test('malformed metric payloads are rejected with 400', async () => {
  const histogram = (point) => ({ name: 'h', histogram: { aggregationTemporality: 2, dataPoints: [point] } });
  await assertRejected('/v1/metrics', metrics({ name: 'x' }), /must have exactly one of/);
  await assertRejected('/v1/metrics', metrics({ name: 'x', sum: { aggregationTemporality: 'CUMULATIVE', dataPoints: [] } }), /aggregationTemporality: must be an enum number/);
  await assertRejected('/v1/metrics', metrics(histogram({ count: '3', bucketCounts: [1, 2], explicitBounds: [1] })), /bucketCounts\[0\]: must be a 64-bit integer/);
  await assertRejected('/v1/metrics', metrics(histogram({ count: '3', bucketCounts: ['1', '2'], explicitBounds: [1, 2] })), /needs bounds \+ 1/);
  await assertRejected('/v1/metrics', metrics(histogram({ count: '4', bucketCounts: ['1', '2'], explicitBounds: [1] })), /count is not the sum/);
  await assertRejected('/v1/metrics', metrics({ name: 'g', gauge: { dataPoints: [{ asDouble: 1, asInt: '1' }] } }), /both asDouble and asInt/);
});

test('wrong path, method and content type get the statuses a collector gives', async () => {
  assert.equal((await post('/v1/logs', {})).status, 404);
  assert.equal((await post('/v1/traces', traces(), { 'content-type': 'application/x-protobuf' })).status, 415);
  const get = await fetch(`${collector.url}/v1/traces`);
  assert.equal(get.status, 405);
});

test('failNext answers the next exports with the given status and records nothing for them', async () => {
  collector.failNext(1, 503);
  const before = collector.traces.length;
  assert.equal((await post('/v1/traces', traces(span({ spanId: 'cccccccccccccccc' })))).status, 503);
  assert.equal(collector.traces.length, before);
  assert.equal((await post('/v1/traces', traces(span({ spanId: 'cccccccccccccccc' })))).status, 200);
  assert.equal(collector.traces.length, before + 1);
});

test('plain numbers for 64-bit integers are taken when asked for', async () => {
  const lenient = await startOtelCollector({ acceptInt64Numbers: true });
  try {
    const response = await fetch(`${lenient.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(traces(span({ startTimeUnixNano: 1700000000, endTimeUnixNano: 1700000001 }))),
    });
    assert.equal(response.status, 200);
    assert.equal(lenient.traces[0].startTimeUnixNano, 1700000000n);
  } finally {
    await lenient.close();
  }
});
