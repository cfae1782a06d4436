// A real browser for the admin UI's end-to-end tests: Debian's chromium driven by playwright-core
// (the library only; it downloads no browser of its own).
//
// const { newPage } = await launchBrowser();
// const page = await newPage({ viewport: PHONE });          // a fresh context: its own cookies
// await page.goto(`${gateway.origin}/admin/`);
// await screenshot(page, 'sign-in-phone');                   // PNG under <output>/screenshots/
//
// Every browser launched here is closed in an `after` hook of the test file that imports this
// module, and killed on process exit, so a failing test never leaves a chromium behind.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.SLUICE_CHROMIUM ?? '/usr/bin/chromium';
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT_DIR = process.env.SLUICE_E2E_OUTPUT_DIR ?? path.join(E2E_DIR, '.e2e-output');
export const SCREENSHOT_DIR = path.join(OUTPUT_DIR, 'screenshots');

const running = new Set();

after(() => closeAllBrowsers());
process.on('exit', () => {
  for (const browser of running) browser.process?.()?.kill('SIGKILL');
});

/**
 * Launches headless chromium. Resolves to { browser, newPage }: newPage({ viewport }) opens a page
 * in a new browser context, so each page starts signed out with its own cookie jar.
 */
export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    // Containers and CI users often cannot use chromium's user-namespace sandbox.
    args: ['--no-sandbox'],
    headless: true,
  });
  running.add(browser);
  browser.on('disconnected', () => running.delete(browser));

  async function newPage({ viewport = DESKTOP } = {}) {
    const context = await browser.newContext({ viewport });
    return context.newPage();
  }
  return { browser, newPage };
}

/** Saves a full-page PNG as `<name>.png` under the screenshot directory; resolves to its path. */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export async function closeAllBrowsers() {
  await Promise.all([...running].map((browser) => browser.close().catch(() => {})));
  running.clear();
}
