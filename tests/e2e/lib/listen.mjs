// Starting a fake's server on loopback, shared by every fake.

/**
 * Listens on `host`:`port` (0: any free port) and resolves to { port, origin } where origin is
 * `<scheme>://<host>:<port>` with an IPv6 host in brackets.
 */
export async function listen(server, { host, port, scheme = 'http' }) {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { port: actualPort, origin: `${scheme}://${urlHost}:${actualPort}` };
}
