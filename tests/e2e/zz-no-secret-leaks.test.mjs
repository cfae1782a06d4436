// Runs last in `npm test`: no secret handed to any gateway of the whole suite (caller key secrets,
// upstream tokens, AWS secret keys and session tokens, given in config `literal.` values or in the
// environment) appears anywhere in any gateway's stdout or stderr — access log, diagnostics, errors.
//
// Each test file's process saves its gateways' output and the secrets it handed out into
// SLUICE_E2E_OUTPUT_DIR when it exits (lib/gateway.mjs); this file reads them all.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const dir = process.env.SLUICE_E2E_OUTPUT_DIR;

test('no secret given to a gateway appears in any gateway output of the suite', { skip: !dir && 'run through npm test (SLUICE_E2E_OUTPUT_DIR unset)' }, () => {
  assert.ok(existsSync(dir), `${dir} does not exist: no test file saved its gateway output`);
  const files = readdirSync(dir);
  const logs = files.filter((f) => f.endsWith('.log'));
  const secrets = new Set(files.filter((f) => f.endsWith('.secrets.json'))
    .flatMap((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8'))));
  // The suite's own files: a check that found nothing to look at would prove nothing.
  assert.ok(logs.length >= 5, `only ${logs.length} gateway output files in ${dir}`);
  assert.ok(secrets.size >= 10, `only ${secrets.size} secrets recorded`);
  const leaks = [];
  for (const log of logs) {
    const text = readFileSync(path.join(dir, log), 'utf8');
    for (const secret of secrets) {
      if (text.includes(secret)) leaks.push(`${log}: ${secret.slice(0, 4)}… (${secret.length} chars)`);
    }
  }
  assert.deepEqual(leaks, [], `secrets found in gateway output:\n${leaks.join('\n')}`);
});
