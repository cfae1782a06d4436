// Specifies the e2e harness helpers that do not need the gateway binary.

import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';

import { parseRawResponse, rawRequest, withBind } from './lib/gateway.mjs';

test('withBind adds a server block when the config has none', () => {
  assert.equal(withBind('models: []\n', '127.0.0.1:5'), 'server:\n  bind: "127.0.0.1:5"\nmodels: []\n');
});

test('withBind adds bind to an existing server block with its indentation', () => {
  const config = 'server:\n    max_body_bytes: 1024\nmodels: []\n';
  assert.equal(withBind(config, '127.0.0.1:5'), 'server:\n    bind: "127.0.0.1:5"\n    max_body_bytes: 1024\nmodels: []\n');
});

test('withBind refuses a config that sets server.bind itself', () => {
  assert.throws(() => withBind('server:\n  bind: "0.0.0.0:8080"\n', '127.0.0.1:5'), /must not set server\.bind/);
});

test('withBind ignores a bind key outside the server block', () => {
  const config = 'server:\n  max_body_bytes: 1\nother:\n  bind: x\n';
  assert.equal(withBind(config, '127.0.0.1:5'), 'server:\n  bind: "127.0.0.1:5"\n  max_body_bytes: 1\nother:\n  bind: x\n');
});

test('parseRawResponse decodes status, lower-case headers and a chunked JSON body', () => {
  const res = parseRawResponse('HTTP/1.1 418 I\'m a teapot\r\nX-Request-Id: r1\r\nTransfer-Encoding: chunked\r\n\r\n'
    + '5\r\n{"a":\r\n2\r\n1}\r\n0\r\n\r\n');
  assert.equal(res.status, 418);
  assert.equal(res.headers['x-request-id'], 'r1');
  assert.deepEqual(res.json, { a: 1 });
});

test('rawRequest returns the first complete response without waiting for the connection to close', async () => {
  const server = net.createServer((socket) => {
    socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA'));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const text = await rawRequest(server.address().port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', { timeoutMs: 1000 });
    assert.equal(parseRawResponse(text).body, 'ok');
  } finally {
    server.close();
  }
});
