// The admin UI in a real browser (Debian's chromium through playwright-core): sign in as the
// bootstrap admin, create a key, call /v1/responses with it through the fake upstream, then find the
// request in the request logs and its cost in usage & costs. A screenshot of every main page, at
// desktop width and at a phone's, is saved under <output>/screenshots/ as a test artifact.
//
// Run: SLUICE_BIN=/path/to/sluice node --test --test-concurrency=1 tests/e2e/admin-ui.test.mjs
// (the UI must be built: `npm run build` in web/, which `make test` does).

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { startOpenAIUpstream } from './fakes/openai_upstream.mjs';
import { DESKTOP, PHONE, launchBrowser, screenshot } from './lib/browser.mjs';
import { REPO_ROOT, sleep, startGateway } from './lib/gateway.mjs';
import { bearer, request } from './lib/http.mjs';

const SEEDED_KEY = 'gwk_e2euiseed1.s3cr3t-admin-ui-seeded-key-7f21';
const UI_BUILT = existsSync(path.join(REPO_ROOT, 'web', 'dist', 'index.html'));

let upstream;
let gw;
let browser;

function configYaml() {
  return `
database:
  path: ${path.join(mkdtempSync(path.join(tmpdir(), 'sluice-e2e-ui-')), 'gateway.db')}
providers:
  - id: compat
    type: openai_compat
    base_url: ${upstream.url}/v1
    pricing_provider_id: openai
    display:
      label: Compat Cloud
      icon_key: openai
models:
  - id: chat
    description: Priced at $100 / $200 per million tokens so a request costs cents
    routes:
      - provider: compat
        upstream_model: gpt-4o-mini
        pricing_override: { input_usd_per_million_tokens: "100", output_usd_per_million_tokens: "200" }
  - id: other
    routes:
      - provider: compat
        upstream_model: gpt-4.1
request_logging:
  payloads:
    redaction_paths: [body.metadata.internal_note]
teams:
  - id: platform
    name: Platform
service_accounts:
  - id: ui-runner
    name: UI runner
    team: platform
    budget: { cadence: monthly, amount_usd: "25" }
    keys:
      - id: seeded
        auto_create: false
        value: literal.${SEEDED_KEY}
users:
  - name: Ana Analyst
    email: ana@example.com
    auth_mode: password
    membership: { team: platform }
`;
}

before(async () => {
  if (!UI_BUILT) return;
  upstream = await startOpenAIUpstream();
  gw = await startGateway({ config: configYaml() });
  browser = await launchBrowser();
});
after(async () => {
  await gw?.stop();
  await upstream?.close();
});

async function signIn(page) {
  await page.goto(`${gw.baseURL}/admin/`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Email').fill('admin@local');
  await page.getByLabel('Password').fill('admin');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'API keys' }).waitFor();
}

async function openPage(page, name) {
  const nav = page.getByRole('navigation', { name: 'Main' });
  const menu = page.getByRole('button', { name: 'Menu' });
  if (await menu.isVisible()) await menu.click();
  await nav.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

describe('admin UI in chromium', { skip: !UI_BUILT && 'web/dist is not built' }, () => {
  test('sign in, create a key, use it, and find the request and its cost', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    await page.goto(`${gw.baseURL}/admin/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByLabel('Email').fill('admin@local');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /incorrect/);
    await screenshot(page, 'sign-in-desktop');

    await page.getByLabel('Password').fill('admin');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();

    // Create a key for the chat model only; the secret is shown once.
    await page.getByRole('button', { name: 'Create API key' }).click();
    await page.getByLabel('Name').fill('browser-made key');
    await page.getByLabel('chat', { exact: true }).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const secretElement = page.getByTestId('new-key-secret');
    await secretElement.waitFor();
    const secret = (await secretElement.innerText()).trim();
    assert.match(secret, /^gwk_[a-z0-9]{12}\.[A-Za-z0-9_-]{43}$/);
    await screenshot(page, 'api-keys-new-secret');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('api-key-row').filter({ hasText: 'browser-made key' }).waitFor();
    assert.ok(!(await page.content()).includes(secret), 'the secret stays visible after Done');
    await screenshot(page, 'api-keys-desktop');

    // The key works at once, for the model it was granted.
    const answer = await request(gw.baseURL, {
      method: 'POST', path: '/v1/responses', headers: bearer(secret),
      body: { model: 'chat', input: 'hello from the browser test', metadata: { internal_note: 'keep-me-out' } },
    });
    assert.equal(answer.status, 200, answer.body);
    const usage = answer.json.usage;
    const expectedCost = (usage.input_tokens * 100 + usage.output_tokens * 200) / 1e6;
    const denied = await request(gw.baseURL, {
      method: 'POST', path: '/v1/responses', headers: bearer(secret), body: { model: 'other', input: 'x' },
    });
    assert.equal(denied.status, 403);

    // Request logs: the call is there (the ledger writes behind the response: poll briefly).
    await openPage(page, 'Request logs');
    const details = page.getByRole('button', { name: `Details for request ${answer.headers['x-request-id']}` });
    for (let attempt = 0; attempt < 20 && (await details.count()) === 0; attempt += 1) {
      await sleep(250);
      await page.getByRole('button', { name: 'Refresh' }).click();
    }
    // The filters narrow the list to this model and status.
    await page.getByLabel('Model').fill('chat');
    await page.getByLabel('Status').fill('2xx');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await details.waitFor();
    await screenshot(page, 'request-logs-desktop');
    await details.click();
    const detail = page.getByTestId('request-log-detail');
    await detail.waitFor();
    // The detail is fetched when the dialog opens: wait for its attempts before reading.
    await page.getByTestId('request-log-attempt').first().waitFor();
    assert.ok((await page.getByTestId('request-log-attempt').count()) >= 1);
    await page.getByTestId('request-payload').waitFor();
    const requestPayload = await page.getByTestId('request-payload').innerText();
    assert.match(requestPayload, /hello from the browser test/);
    assert.doesNotMatch(requestPayload, /keep-me-out/, 'redaction_paths must hide the note');
    await screenshot(page, 'request-log-detail');
    await page.keyboard.press('Escape');

    // Usage & costs: the total is this request's exact cost.
    await openPage(page, 'Usage & costs');
    const total = page.getByTestId('usage-total-cost');
    await total.waitFor();
    const shown = Number((await total.innerText()).replace(/[^0-9.]/g, ''));
    assert.ok(Math.abs(shown - expectedCost) < 0.00005 + expectedCost * 0.01,
      `usage shows ${shown}, the request cost ${expectedCost}`);
    await screenshot(page, 'usage-costs-desktop');

    for (const name of ['Models', 'Users', 'Teams', 'Service accounts', 'Budgets']) {
      await openPage(page, name);
      await page.waitForLoadState('networkidle');
      await screenshot(page, `${name.toLowerCase().replace(/\W+/g, '-')}-desktop`);
    }
    // The models page names the provider by its display label.
    await openPage(page, 'Models');
    await page.getByText('Compat Cloud').first().waitFor();
    await page.context().close();
  });

  test('at a phone\'s width the pages stay usable behind the menu', async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await signIn(page);
    await screenshot(page, 'api-keys-phone');
    for (const name of ['Request logs', 'Usage & costs', 'Models']) {
      await openPage(page, name);
      await page.waitForLoadState('networkidle');
      await screenshot(page, `${name.toLowerCase().replace(/\W+/g, '-')}-phone`);
    }
    // Nothing wider than the screen: the layout reflows instead of scrolling sideways.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
    await page.context().close();
  });
});
