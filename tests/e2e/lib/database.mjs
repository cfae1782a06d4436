// A fresh gateway database for one test gateway, on either backend the e2e suites run against.
//
// newGatewayDatabase('sqlite' | 'postgres', { postgres, name }) resolves the `database:` YAML to
// append to a gateway config, the env it needs (the Postgres URL is handed over as an env secret),
// and — for SQLite — query(sql) (rows as objects, through the sqlite3 tool) and dump(). For
// Postgres, the object also carries what postgres.createDatabase() returned (its own query helpers).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function newGatewayDatabase(backend, { postgres, name }) {
  if (backend === 'postgres') {
    const database = postgres.createDatabase(name);
    return { ...database, yaml: '\ndatabase:\n  kind: postgres\n  url: env.SLUICE_E2E_DATABASE_URL\n', env: { SLUICE_E2E_DATABASE_URL: database.url } };
  }
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sluice-e2e-db-')), 'gateway.db');
  const sqlite = (args) => {
    const result = spawnSync('sqlite3', [...args], { encoding: 'utf8' });
    assert.equal(result.error, undefined, 'the sqlite3 command line tool must be installed (scripts/bootstrap)');
    assert.equal(result.status, 0, result.stderr);
    return result.stdout;
  };
  return {
    yaml: `\ndatabase:\n  path: ${file}\n`,
    env: {},
    query: (sql) => { const out = sqlite(['-json', file, sql]); return out.trim() === '' ? [] : JSON.parse(out); },
    dump: () => sqlite([file, '.dump']),
  };
}
