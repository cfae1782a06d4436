// The admin API's key, model and people endpoints (docs/admin-api.md) against the real gateway:
// a key made in the console works on the data plane at once, its grants and revocation take effect
// at once, managed keys reveal a working secret, people see only what their group and ownership
// allow, and what the config file lists stays the file's.
//
// Run: SLUICE_BIN=/path/to/sluice node --test --test-concurrency=1 tests/e2e/admin-api.test.mjs

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { startOpenAIUpstream } from './fakes/openai_upstream.mjs';
import { startGateway } from './lib/gateway.mjs';
import { bearer, request } from './lib/http.mjs';
import { acceptInvitation, anonymous, signIn } from './lib/console.mjs';

const ADMIN_PASSWORD = 'e2e-admin-api-password-7c1f';
const CONFIG_KEY = 'gwk_e2eadminapi1.s3cr3t-admin-api-config-key-58be';
const ENCRYPTION_KEY = randomBytes(32).toString('base64');

let upstream;
before(async () => { upstream = await startOpenAIUpstream(); });
after(async () => { await upstream?.close(); });

// The quickstart's shape (examples/quickstart.yaml) plus a priced model, a managed key and a user
// the file lists.
function configYaml({ usersActions } = {}) {
  return `
auth:
  bootstrap_admin:
    email: admin@local
    password: literal.${ADMIN_PASSWORD}
${usersActions === undefined ? '' : `permissions:
  users:
    actions: ${usersActions}
`}providers:
  - id: demo-upstream
    type: openai_compat
    base_url: ${upstream.url}/v1
    pricing_provider_id: openai
    display:
      label: Local demo upstream
      icon_key: openai
models:
  - id: demo-chat
    description: The local demo upstream
    tags: [demo, local]
    rank: 10
    routes:
      - provider: demo-upstream
        upstream_model: demo-echo-1
  - id: demo
    alias_of: demo-chat
  - id: priced
    routes:
      - provider: demo-upstream
        upstream_model: gpt-4o-mini
      - provider: demo-upstream
        upstream_model: demo-echo-2
        pricing_override:
          input_usd_per_million_tokens: "1.5"
          output_usd_per_million_tokens: "2"
        capabilities: { embeddings: false }
teams:
  - id: demo
    name: Demo team
service_accounts:
  - id: quickstart
    name: Quickstart caller
    team: demo
    budget: { cadence: monthly, amount_usd: "10" }
    keys:
      - id: demo-key
        auto_create: false
        value: literal.${CONFIG_KEY}
      - id: managed
        allowed_models: [demo-chat]
users:
  - name: Listed Lee
    email: lee@example.com
    auth_mode: password
`;
}

const startAdminGateway = (options) => startGateway({
  config: configYaml(options),
  env: { SLUICE_API_KEY_SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY },
});

const listModels = (key) => request(key.baseURL, { path: '/v1/models', headers: bearer(key.secret) });
const modelIds = (res) => res.json.data.map((m) => m.id).sort();

// An admin-made password user who accepts their invitation: their signed-in client.
async function invitedUser(admin, email, password) {
  const created = await admin.post('/api/v1/admin/identity/users', { email, name: email.split('@')[0] });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.user.status, 'invited');
  const { invitation } = created.body;
  assert.equal(invitation.url, `/admin/invite/${invitation.token}`);
  assert.ok(invitation.expires_at > Date.now() + 6 * 24 * 3600 * 1000, 'invitations last 7 days');
  return { client: await acceptInvitation(admin.baseURL, invitation.token, password), user: created.body.user };
}

describe('admin API: keys, models and people', () => {
  let gw;
  let admin;
  let alice;  // a plain user, later an admin of team `batch`
  before(async () => {
    gw = await startAdminGateway();
    admin = await signIn(gw.baseURL, 'admin@local', ADMIN_PASSWORD);
  });
  after(async () => { await gw?.stop(); });

  test('without a session the admin API answers 401 unauthenticated', async () => {
    const res = await anonymous(gw.baseURL).get('/api/v1/admin/api-keys');
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'unauthenticated');
  });

  test('the bootstrap admin signs in as a platform admin', () => {
    assert.equal(admin.session.authenticated, true);
    assert.equal(admin.session.user.email, 'admin@local');
    assert.equal(admin.session.permissions.group, 'platform_admins');
  });

  test('a state-changing request without the CSRF token is refused with 403 csrf_failed', async () => {
    const res = await admin.post('/api/v1/admin/api-keys', { name: 'no-csrf' }, { csrf: false });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'csrf_failed');
  });

  test('a new key works on the data plane at once; grants and revocation take effect at once', async () => {
    const created = await admin.post('/api/v1/admin/api-keys', { name: 'admin laptop' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { key, secret } = created.body;
    assert.match(secret, /^gwk_[A-Za-z0-9]+\.[A-Za-z0-9_-]+$/);
    assert.equal(key.name, 'admin laptop');
    assert.deepEqual(key.owner, { kind: 'user', id: 'admin@local', label: 'Administrator' });
    assert.deepEqual(key.models, []);
    assert.equal(key.managed, false);
    assert.equal(key.source, 'admin');
    assert.equal(key.revoked_at, null);
    const caller = { baseURL: gw.baseURL, secret };

    const all = await listModels(caller);
    assert.equal(all.status, 200, all.body);
    assert.deepEqual(modelIds(all), ['demo', 'demo-chat', 'priced']);

    const list = await admin.get('/api/v1/admin/api-keys');
    assert.equal(list.status, 200);
    const listed = list.body.data.find((k) => k.id === key.id);
    assert.deepEqual(listed, key);
    const text = JSON.stringify(list.body);
    assert.ok(!text.includes(secret.split('.')[1]), 'the list carries the secret');
    assert.ok(!text.includes('secret_hash') && !text.includes('encrypted_secret'));

    const unknownModel = await admin.patch(`/api/v1/admin/api-keys/${key.id}`, { models: ['nope'] });
    assert.equal(unknownModel.status, 400);
    assert.equal(unknownModel.body.error.param, 'models');

    const granted = await admin.patch(`/api/v1/admin/api-keys/${key.id}`, { models: ['priced'], name: 'priced only' });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    assert.deepEqual(granted.body.key.models, ['priced']);
    assert.equal(granted.body.key.name, 'priced only');
    assert.deepEqual(modelIds(await listModels(caller)), ['priced']);

    const revoked = await admin.post(`/api/v1/admin/api-keys/${key.id}/revoke`);
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.key.revoked_at > 0);
    const refused = await listModels(caller);
    assert.equal(refused.status, 401);
    assert.equal(refused.json.error.code, 'api_key_revoked');

    const active = await admin.get('/api/v1/admin/api-keys');
    assert.ok(!active.body.data.some((k) => k.id === key.id), 'revoked keys are listed only on request');
    const withRevoked = await admin.get('/api/v1/admin/api-keys?include_revoked=true');
    assert.ok(withRevoked.body.data.some((k) => k.id === key.id), JSON.stringify(withRevoked));
  });

  test('a managed service-account key reveals a secret that works', async () => {
    const list = await admin.get('/api/v1/admin/api-keys');
    const managed = list.body.data.find((k) => k.owner.id === 'quickstart' && k.managed);
    assert.ok(managed, JSON.stringify(list.body));
    assert.equal(managed.source, 'config');
    assert.deepEqual(managed.models, ['demo-chat']);
    assert.deepEqual(managed.owner, { kind: 'service_account', id: 'quickstart', label: 'Quickstart caller' });

    const revealed = await admin.post(`/api/v1/admin/api-keys/${managed.id}/secret/reveal`);
    assert.equal(revealed.status, 200, JSON.stringify(revealed.body));
    assert.ok(revealed.body.secret.startsWith(`gwk_${managed.public_id}.`));
    const res = await listModels({ baseURL: gw.baseURL, secret: revealed.body.secret });
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(modelIds(res), ['demo-chat']);

    const byValue = list.body.data.find((k) => k.public_id === 'e2eadminapi1');
    const notKept = await admin.post(`/api/v1/admin/api-keys/${byValue.id}/secret/reveal`);
    assert.equal(notKept.status, 409);
    assert.equal(notKept.body.error.code, 'conflict');

    const configKeyEdit = await admin.patch(`/api/v1/admin/api-keys/${byValue.id}`, { name: 'renamed' });
    assert.equal(configKeyEdit.status, 409, 'the file sets a config key\'s name and grants');
  });

  test('a plain user sees only their own keys and may not administer people or reveal', async () => {
    ({ client: alice } = await invitedUser(admin, 'alice@example.com', 'alice-password-1'));
    assert.equal(alice.session.permissions.group, 'users');

    const own = await alice.post('/api/v1/admin/api-keys', { name: 'alice cli', models: ['demo'] });
    assert.equal(own.status, 201, JSON.stringify(own.body));
    assert.equal(own.body.key.owner.id, 'alice@example.com');
    const works = await listModels({ baseURL: gw.baseURL, secret: own.body.secret });
    assert.deepEqual(modelIds(works), ['demo']);

    const list = await alice.get('/api/v1/admin/api-keys?include_revoked=true');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.data.map((k) => k.id), [own.body.key.id]);

    // Someone else's key does not exist, as far as Alice can tell.
    const adminKeys = await admin.get('/api/v1/admin/api-keys');
    const managed = adminKeys.body.data.find((k) => k.managed);
    const foreign = await alice.patch(`/api/v1/admin/api-keys/${managed.id}`, { name: 'mine now' });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.error.code, 'not_found');

    const forAnother = await alice.post('/api/v1/admin/api-keys', { name: 'x', owner: { kind: 'service_account', id: 'quickstart' } });
    assert.equal(forAnother.status, 403);

    const people = await alice.post('/api/v1/admin/identity/users', { email: 'eve@example.com', name: 'Eve' });
    assert.equal(people.status, 403);
    assert.equal(people.body.error.code, 'insufficient_privileges');

    const reveal = await alice.post(`/api/v1/admin/api-keys/${managed.id}/secret/reveal`);
    assert.equal(reveal.status, 403);
    assert.equal(reveal.body.error.code, 'insufficient_privileges');
  });

  test('deactivating a user stops their keys and ends their sessions at once', async () => {
    const { client: bob, user } = await invitedUser(admin, 'bob@example.com', 'bob-password-12');
    const created = await bob.post('/api/v1/admin/api-keys', { name: 'bob cli' });
    assert.equal(created.status, 201);
    const key = { baseURL: gw.baseURL, secret: created.body.secret };
    assert.equal((await listModels(key)).status, 200);

    const self = await admin.post(`/api/v1/admin/identity/users/${admin.session.user.id}/deactivate`);
    assert.equal(self.status, 409, 'an admin cannot lock themselves out');

    const deactivated = await admin.post(`/api/v1/admin/identity/users/${user.id}/deactivate`);
    assert.equal(deactivated.status, 200, JSON.stringify(deactivated.body));
    assert.equal(deactivated.body.user.status, 'deactivated');
    const refused = await listModels(key);
    assert.equal(refused.status, 401);
    assert.equal(refused.json.error.code, 'api_key_owner_disabled');
    const session = await bob.get('/api/v1/auth/session');
    assert.equal(session.body.authenticated, false);
    assert.equal((await bob.get('/api/v1/admin/api-keys')).status, 401);

    const reactivated = await admin.post(`/api/v1/admin/identity/users/${user.id}/reactivate`);
    assert.equal(reactivated.body.user.status, 'active');
    assert.equal((await listModels(key)).status, 200, 'the key comes back with its owner');
  });

  test('the models page shows display label, icon, capabilities and where each price comes from', async () => {
    const res = await admin.get('/api/v1/admin/models');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data.map((m) => m.id), ['demo-chat', 'priced'], 'aliases are listed on their target');
    const [demo, priced] = res.body.data;
    assert.deepEqual(demo.aliases, ['demo']);
    assert.deepEqual(demo.tags, ['demo', 'local']);
    assert.equal(demo.description, 'The local demo upstream');
    const [echo] = demo.routes;
    assert.equal(echo.provider, 'demo-upstream');
    assert.equal(echo.provider_type, 'openai_compat');
    assert.equal(echo.provider_label, 'Local demo upstream');
    assert.equal(echo.provider_icon_key, 'openai');
    assert.equal(echo.upstream_model, 'demo-echo-1');
    assert.equal(echo.api_style, null);
    assert.deepEqual(echo.capabilities, {
      chat_completions: true, responses: true, embeddings: true, stream: true,
      tools: true, vision: true, json_schema: true, developer_role: true,
    });
    assert.deepEqual(echo.pricing, {
      source: 'none', input_per_million: null, output_per_million: null,
      cache_read_per_million: null, cache_write_per_million: null,
    });
    const [catalog, override] = priced.routes;
    assert.equal(catalog.pricing.source, 'catalog');
    assert.equal(catalog.pricing.input_per_million, '0.1500');
    assert.equal(catalog.pricing.output_per_million, '0.6000');
    assert.deepEqual(override.pricing, {
      source: 'override', input_per_million: '1.5000', output_per_million: '2.0000',
      cache_read_per_million: null, cache_write_per_million: null,
    });
    assert.equal(override.capabilities.embeddings, false);
  });

  test('what the config file lists stays the file\'s: 409 conflict', async () => {
    const users = await admin.get('/api/v1/admin/identity/users');
    const lee = users.body.data.find((u) => u.email === 'lee@example.com');
    assert.ok(lee);
    const renamed = await admin.patch(`/api/v1/admin/identity/users/${lee.id}`, { name: 'Lee Renamed' });
    assert.equal(renamed.status, 409);
    assert.equal(renamed.body.error.code, 'conflict');
    const same = await admin.patch(`/api/v1/admin/identity/users/${lee.id}`, { name: 'Listed Lee' });
    assert.equal(same.status, 200, 'a field set to what the file says is no change');
    const team = await admin.patch('/api/v1/admin/identity/teams/demo', { name: 'Renamed' });
    assert.equal(team.status, 409);
    const account = await admin.del('/api/v1/admin/identity/service-accounts/quickstart');
    assert.equal(account.status, 409);
    const joined = await admin.post('/api/v1/admin/identity/teams/demo/members', { user_id: lee.id, role: 'admin' });
    assert.equal(joined.status, 409);

    const invite = await admin.post(`/api/v1/admin/identity/users/${lee.id}/password-invite`);
    assert.equal(invite.status, 200, 'a listed user still gets their invitation from the console');
    assert.ok(invite.body.invitation.token);
  });

  test('teams and service accounts: a disabled account\'s keys stop at once', async () => {
    const team = await admin.post('/api/v1/admin/identity/teams', { id: 'Batch', name: 'Batch jobs' });
    assert.equal(team.status, 201, JSON.stringify(team.body));
    assert.deepEqual(team.body.team, { id: 'batch', name: 'Batch jobs', members: [], service_accounts: [] });
    assert.equal((await admin.post('/api/v1/admin/identity/teams', { id: 'batch', name: 'Again' })).status, 409);

    const account = await admin.post('/api/v1/admin/identity/service-accounts', { id: 'nightly', name: 'Nightly', team_id: 'batch' });
    assert.equal(account.status, 201, JSON.stringify(account.body));
    assert.deepEqual(account.body.service_account, { id: 'nightly', name: 'Nightly', team_id: 'batch', status: 'active', keys: 0 });

    const key = await admin.post('/api/v1/admin/api-keys', { name: 'nightly', owner: { kind: 'service_account', id: 'nightly' } });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    const caller = { baseURL: gw.baseURL, secret: key.body.secret };
    assert.equal((await listModels(caller)).status, 200);

    const users = await admin.get('/api/v1/admin/identity/users');
    const aliceUser = users.body.data.find((u) => u.email === 'alice@example.com');
    const member = await admin.post('/api/v1/admin/identity/teams/batch/members', { user_id: aliceUser.id, role: 'admin' });
    assert.equal(member.status, 200, JSON.stringify(member.body));
    assert.deepEqual(member.body.team.members.map((m) => [m.email, m.role]), [['alice@example.com', 'admin']]);
    assert.deepEqual(member.body.team.service_accounts, ['nightly']);

    // A team admin sees their team's service accounts' keys beside their own, and no others.
    const teamView = await alice.get('/api/v1/admin/api-keys');
    assert.deepEqual(teamView.body.data.map((k) => k.owner.id).sort(), ['alice@example.com', 'nightly']);
    const theirs = await alice.post('/api/v1/admin/api-keys', { name: 'n2', owner: { kind: 'service_account', id: 'nightly' } });
    assert.equal(theirs.status, 201, JSON.stringify(theirs.body));
    const notTheirs = await alice.post('/api/v1/admin/api-keys', { name: 'q', owner: { kind: 'service_account', id: 'quickstart' } });
    assert.equal(notTheirs.status, 403);

    const listed = await admin.get('/api/v1/admin/identity/service-accounts');
    assert.equal(listed.body.data.find((a) => a.id === 'nightly').keys, 2);

    const disabled = await admin.del('/api/v1/admin/identity/service-accounts/nightly');
    assert.equal(disabled.status, 200);
    assert.equal(disabled.body.service_account.status, 'disabled');
    const refused = await listModels(caller);
    assert.equal(refused.status, 401);
    assert.equal(refused.json.error.code, 'api_key_owner_disabled');

    const directory = await admin.get('/api/v1/identity/directory/teams');
    assert.deepEqual(directory.body.data.map((t) => t.id), ['batch', 'demo']);
  });
});

describe('admin API: permissions from the config', () => {
  test('with `permissions.users.actions: []` a plain user may not create keys', async () => {
    const gw = await startAdminGateway({ usersActions: '[]' });
    try {
      const admin = await signIn(gw.baseURL, 'admin@local', ADMIN_PASSWORD);
      const { client: carol } = await invitedUser(admin, 'carol@example.com', 'carol-password-1');
      assert.deepEqual(carol.session.permissions.actions, []);
      const refused = await carol.post('/api/v1/admin/api-keys', { name: 'carol cli' });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, 'insufficient_privileges');
      assert.equal((await carol.get('/api/v1/admin/api-keys')).status, 200, 'the page stays open');
    } finally {
      await gw.stop();
    }
  });
});
