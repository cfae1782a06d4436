// A throwaway PostgreSQL cluster on loopback for end-to-end tests that run against the PostgreSQL
// backend: initdb into a temp dir (trust auth, user `sluice`), pg_ctl start on a free port with
// fsync off, a database created; stop() shuts it down and deletes it. Server binaries come from
// SLUICE_POSTGRES_BIN or the newest /usr/lib/postgresql/<version>/bin (scripts/bootstrap installs
// postgresql-15). initdb refuses to run as root, so as root the cluster runs as the `postgres`
// user (created by the Debian package).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { onFreshPort } from './gateway.mjs';

function serverBin() {
  if (process.env.SLUICE_POSTGRES_BIN) return process.env.SLUICE_POSTGRES_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'pg_ctl'))) : [];
  assert.ok(versions.length > 0, 'PostgreSQL server binaries not found: scripts/bootstrap installs postgresql-15');
  versions.sort((a, b) => Number(b) - Number(a));
  return path.join(root, versions[0], 'bin');
}

function account() {
  if (process.getuid?.() !== 0) return null;
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  assert.equal(id.status, 0, 'running as root needs the postgres user to start a cluster');
  return { name: 'postgres', uid: Number(id.stdout), gid: Number(gid.stdout) };
}

function run(user, command, args) {
  const result = user
    ? spawnSync('runuser', ['-u', user.name, '--', command, ...args], { encoding: 'utf8' })
    : spawnSync(command, args, { encoding: 'utf8' });
  assert.equal(result.status, 0, `${path.basename(command)} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

// pg_ctl start on a free port, retried on a fresh one when the server log says it was taken.
function startServer(user, bin, dir, data) {
  const log = path.join(dir, 'server.log');
  let logBefore = 0;
  return onFreshPort((port) => {
    logBefore = existsSync(log) ? statSync(log).size : 0;
    run(user, path.join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-w', 'start',
      '-o', `-k ${dir} -c listen_addresses=127.0.0.1 -p ${port} -c fsync=off`]);
    return port;
  }, () => existsSync(log) && readFileSync(log).subarray(logBefore).toString().includes('Address already in use'));
}

export async function startPostgres() {
  const bin = serverBin();
  const user = account();
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-e2e-pg-'));
  chmodSync(dir, 0o777);
  if (user) chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  run(user, path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'sluice', '-E', 'UTF8', '--no-sync']);
  const port = await startServer(user, bin, dir, data);
  const psql = (sql, database = 'sluice') => run(null, 'psql',
    ['-h', '127.0.0.1', '-p', String(port), '-U', 'sluice', '-d', database, '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql]);
  return {
    /** A new, empty database: { url, query(sql) -> rows, dump() -> text }. */
    createDatabase(name) {
      psql(`CREATE DATABASE ${name}`, 'postgres');
      return {
        url: `postgres://sluice@127.0.0.1:${port}/${name}`,
        // Rows as objects, through json_agg, so values come back as JSON types.
        query: (sql) => JSON.parse(psql(`SELECT coalesce(json_agg(t), '[]') FROM (${sql}) t`, name).trim()),
        dump: () => run(null, path.join(bin, 'pg_dump'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'sluice', name]),
      };
    },
    stop() {
      spawnSync(user ? 'runuser' : path.join(bin, 'pg_ctl'),
        user ? ['-u', user.name, '--', path.join(bin, 'pg_ctl'), '-D', data, '-m', 'fast', 'stop'] : ['-D', data, '-m', 'fast', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
