// The minting page in Firefox ESR (Debian's firefox-esr, driven by
// puppeteer-core over WebDriver BiDi, from tests/runtimes): the demo end to
// end, as in page.test.mjs (Chromium), with the console kept clean: no
// error or warning, no failed request (a 404, a CSP directive a meta tag
// cannot carry).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startPageServer } from '../../scripts/serve-page.mjs';
import { tool } from '../runtimes/scratch.mjs';
import { fixture, nodeCryptoVerifies } from './helpers.mjs';

const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const DEMO_PUBLIC = JSON.parse(fixture('../../www/demo-key.json')).public_key;

let server;
let browser;
let profile;

before(async () => {
  server = await startPageServer();
  const puppeteer = (await import(tool('puppeteer-core/lib/puppeteer/puppeteer-core.js'))).default;
  profile = mkdtempSync(join(tmpdir(), 'iamjwt-firefox-page-'));
  browser = await puppeteer.launch({
    browser: 'firefox', executablePath: FIREFOX, headless: true, userDataDir: profile,
    extraPrefsFirefox: { 'network.proxy.type': 0, 'app.update.enabled': false, 'browser.shell.checkDefaultBrowser': false },
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('Firefox: the demo, end to end (check, sign by WebCrypto, an IAM token from the emulator); the console stays clean', async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (m) => { if (['error', 'warn', 'warning'].includes(m.type())) problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  try {
    await page.goto(server.pageUrl);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    await page.click('#demo');
    await page.waitForFunction(() => document.getElementById('info-sa')?.textContent === 'ajedemoserviceacc000');
    assert.equal(await page.$eval('#endpoint', (e) => e.value), server.tokenUrl);

    await page.click('#check');
    await page.waitForFunction(() => document.querySelectorAll('#checks li').length === 9);
    assert.equal(await page.$$eval('#checks .pass', (l) => l.length), 9);

    await page.click('#sign');
    await page.waitForFunction(() => !document.getElementById('jwt-out').hidden && document.getElementById('jwt').value.split('.').length === 3);
    const jwt = await page.$eval('#jwt', (e) => e.value);
    assert.ok(nodeCryptoVerifies(jwt, DEMO_PUBLIC), 'node:crypto verifies the JWT Firefox made');
    assert.equal(await page.$eval('#jwt-engine', (e) => e.textContent), 'Signed by WebCrypto (RSA-PSS), in this page.');

    await page.click('#exchange');
    await page.waitForFunction(() => document.getElementById('iam-token')?.value?.startsWith('t1.emulated.'));
    // Let late messages (a favicon's 404) arrive before looking.
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(problems, [], 'no console error or warning, no failed request');
  } finally {
    await page.close();
  }
});
