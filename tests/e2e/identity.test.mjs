// Identities in the store: seeding from the configuration at start (and by `sluice seed`), caller
// keys looked up from the store (hash only), managed keys minted once and sealed with the key
// encryption key, revocation taking effect when the key directory refreshes.
//
// Run: SLUICE_BIN=/path/to/sluice node --test --test-concurrency=1 tests/e2e/identity.test.mjs

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { startOpenAIUpstream } from './fakes/openai_upstream.mjs';
import { freePort, runSluice, startGateway, writeTempFile } from './lib/gateway.mjs';
import { bearer, request } from './lib/http.mjs';

const CALLER_KEY = 'gwk_e2eident1.s3cr3t-identity-key-a9d4e0';
const CHAT_ONLY_KEY = 'gwk_e2eident2.s3cr3t-identity-chat-only-51ce';
const ENCRYPTION_KEY = randomBytes(32).toString('base64');

let upstream;
before(async () => { upstream = await startOpenAIUpstream(); });
after(async () => { await upstream?.close(); });

function configYaml({ databasePath, adminPort, managed = false }) {
  return `
server:
  admin_bind: "127.0.0.1:${adminPort ?? 0}"
database:
  path: ${databasePath}
providers:
  - id: compat
    type: openai_compat
    base_url: ${upstream.url}/v1
    pricing_provider_id: openai
models:
  - id: chat
    routes:
      - provider: compat
        upstream_model: gpt-4o-mini
  - id: other
    routes:
      - provider: compat
        upstream_model: gpt-4.1
  - id: restricted
    allowlist: { users: [ana@example.com], teams: [platform] }
    routes:
      - provider: compat
        upstream_model: gpt-4.1
teams:
  - id: platform
    name: Platform
service_accounts:
  - id: ident-runner
    name: ident-runner
    team: platform
    budget: { cadence: monthly, amount_usd: "100" }
    keys:
      - id: primary
        auto_create: false
        value: literal.${CALLER_KEY}
      - id: chat-only
        auto_create: false
        value: literal.${CHAT_ONLY_KEY}
        allowed_models: [chat, restricted]${managed ? `
      - id: managed
        allowed_models: [chat]` : ''}
users:
  - name: Ana Analyst
    email: Ana@Example.com
    auth_mode: password
    membership: { team: platform }
`;
}

const freshDatabase = () => path.join(mkdtempSync(path.join(tmpdir(), 'sluice-e2e-ident-')), 'gateway.db');

function query(databasePath, sql) {
  const result = spawnSync('sqlite3', ['-json', databasePath, sql], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim() === '' ? [] : JSON.parse(result.stdout);
}

const chat = (gw, key = CALLER_KEY, model = 'chat') => request(gw.baseURL, {
  method: 'POST', path: '/v1/chat/completions', headers: bearer(key),
  body: { model, messages: [{ role: 'user', content: 'who am I' }] },
});

describe('seeding and store-backed keys', () => {
  test('start-up seeds the store; the key is stored as a hash and authenticates from the store', async () => {
    const databasePath = freshDatabase();
    const gw = await startGateway({ config: configYaml({ databasePath, adminPort: await freePort() }) });
    try {
      assert.equal((await chat(gw)).status, 200);
      const [key] = query(databasePath, "select public_id, secret_hash, owner_kind, owner_id, encrypted_secret from api_keys");
      assert.equal(key.public_id, 'e2eident1');
      assert.equal(key.owner_kind, 'service_account');
      assert.equal(key.owner_id, 'ident-runner');
      assert.match(key.secret_hash, /^[0-9a-f]{64}$/);
      assert.equal(key.encrypted_secret, null);
      const rows = JSON.stringify(query(databasePath, 'select * from api_keys'));
      assert.ok(!rows.includes(CALLER_KEY.split('.')[1]), 'the secret itself reached the database');
      const [user] = query(databasePath, 'select email, status from users where email = \'ana@example.com\'');
      assert.equal(user.status, 'invited');
      assert.equal(query(databasePath, "select * from teams where id = 'platform'").length, 1);
    } finally {
      await gw.stop();
    }
  });

  test('grants and allowlists hold for keys read from the store', async () => {
    const gw = await startGateway({ config: configYaml({ databasePath: freshDatabase(), adminPort: await freePort() }) });
    try {
      assert.equal((await chat(gw, CHAT_ONLY_KEY, 'chat')).status, 200);
      const ungranted = await chat(gw, CHAT_ONLY_KEY, 'other');
      assert.equal(ungranted.status, 403, ungranted.body);
      assert.equal(ungranted.json.error.code, 'model_not_granted');
      // Service-account keys are denied on allowlisted models, even when granted (api.md §4).
      const allowlisted = await chat(gw, CHAT_ONLY_KEY, 'restricted');
      assert.equal(allowlisted.status, 403, allowlisted.body);
      assert.equal(allowlisted.json.error.code, 'model_not_granted');
      // A key with no allowed_models may use every model the principal may see.
      assert.equal((await chat(gw, CALLER_KEY, 'other')).status, 200);
    } finally {
      await gw.stop();
    }
  });

  test('a key revoked in the store is refused with 401 api_key_revoked once the directory refreshes', async () => {
    const databasePath = freshDatabase();
    const adminPort = await freePort();
    const gw = await startGateway({ config: configYaml({ databasePath, adminPort }) });
    try {
      assert.equal((await chat(gw)).status, 200);
      query(databasePath, `update api_keys set revoked_at = ${Date.now()} where public_id = 'e2eident1'`);
      // A reload re-seeds (the key's row keeps its revocation) and refreshes the key directory.
      const reload = await request(`http://127.0.0.1:${adminPort}`, { method: 'POST', path: '/admin/reload' });
      assert.equal(reload.status, 200, reload.body);
      const refused = await chat(gw);
      assert.equal(refused.status, 401, refused.body);
      assert.equal(refused.json.error.code, 'api_key_revoked');
    } finally {
      await gw.stop();
    }
  });

  test('a managed key is minted once, sealed with the encryption key, and kept across restarts', async () => {
    const databasePath = freshDatabase();
    const config = configYaml({ databasePath, adminPort: await freePort(), managed: true });
    const env = { SLUICE_API_KEY_SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY };
    const first = await startGateway({ config, env });
    await first.stop();
    const [minted] = query(databasePath, "select public_id, encrypted_secret from api_keys where config_key_id = 'managed'");
    assert.match(minted.encrypted_secret, /^v1:/);
    const second = await startGateway({ config, env });
    await second.stop();
    const keys = query(databasePath, "select public_id from api_keys where config_key_id = 'managed'");
    assert.deepEqual(keys, [{ public_id: minted.public_id }]);
  });

  test('without the encryption key a config with managed keys is refused at start, naming the variable', async () => {
    const configPath = writeTempFile('sluice.yaml', configYaml({ databasePath: freshDatabase(), managed: true }));
    const seeded = runSluice(['seed', '--config', configPath], {
      env: { SLUICE_API_KEY_SECRET_ENCRYPTION_KEY: undefined, OCEANS_API_KEY_SECRET_ENCRYPTION_KEY: undefined },
    });
    assert.notEqual(seeded.code, 0);
    assert.match(seeded.stderr + seeded.stdout, /API_KEY_SECRET_ENCRYPTION_KEY/);
  });

  test('`sluice migrate` and `sluice seed` prepare a database without serving', async () => {
    const databasePath = freshDatabase();
    const configPath = writeTempFile('sluice.yaml', configYaml({ databasePath }));
    const migrated = runSluice(['migrate', '--config', configPath]);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.ok(query(databasePath, 'select version from schema_migrations').length >= 3);
    const seeded = runSluice(['seed', '--config', configPath]);
    assert.equal(seeded.code, 0, seeded.stderr);
    assert.equal(query(databasePath, "select * from api_keys where public_id = 'e2eident1'").length, 1);
    const again = runSluice(['seed', '--config', configPath]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(query(databasePath, 'select * from api_keys').length, 2);
  });
});
