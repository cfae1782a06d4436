// Test certificates, made at run time with the `openssl` command line tool.
//
// createTestPki() writes into a fresh temp dir:
//   ca          a CA the gateway trusts (start it with SSL_CERT_FILE=<pki.caFile>)
//   server      a server certificate for `localhost` and IP 127.0.0.1, signed by `ca`
//   unknownCa   a server certificate for `localhost` and 127.0.0.1, signed by a CA nobody trusts
//   wrongHost   a server certificate for `other.test` only, signed by `ca`
// and resolves to { dir, caFile, caPem, server: { cert, key }, unknownCa: {...}, wrongHost: {...} }
// with PEM text, ready for startOpenAIUpstream({ tls }). Nothing is written outside the temp dir.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const HAS_OPENSSL = spawnSync('openssl', ['version']).status === 0;

export function createTestPki() {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-e2e-pki-'));
  const file = (name) => path.join(dir, name);
  const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

  const makeCa = (name, subject) => {
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', subject,
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout', file(`${name}.key`), '-out', file(`${name}.pem`));
  };
  const makeLeaf = (name, ca, subjectAltName) => {
    openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-subj', `/CN=${subjectAltName.split(',')[0].replace(/^\w+:/, '')}`,
      '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`));
    writeFileSync(file(`${name}.ext`), [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${subjectAltName}`,
      '',
    ].join('\n'));
    openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file(`${ca}.pem`), '-CAkey', file(`${ca}.key`),
      '-CAcreateserial', '-days', '2', '-sha256', '-extfile', file(`${name}.ext`), '-out', file(`${name}.pem`));
    return { cert: readFileSync(file(`${name}.pem`), 'utf8'), key: readFileSync(file(`${name}.key`), 'utf8') };
  };

  makeCa('ca', '/CN=Sluice E2E Test CA');
  makeCa('rogue-ca', '/CN=Sluice E2E Untrusted CA');
  return {
    dir,
    caFile: file('ca.pem'),
    caPem: readFileSync(file('ca.pem'), 'utf8'),
    server: makeLeaf('server', 'ca', 'DNS:localhost,IP:127.0.0.1'),
    unknownCa: makeLeaf('unknown-ca-server', 'rogue-ca', 'DNS:localhost,IP:127.0.0.1'),
    wrongHost: makeLeaf('wrong-host', 'ca', 'DNS:other.test'),
  };
}
