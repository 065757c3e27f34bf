// The minting page in real Chromium, used as a person would: by the
// accessible names of its controls. JWTs it shows are verified in Node;
// every request it makes is logged and checked. Screenshots of the main
// states go to tests/js/.screenshots/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { startPageServer } from '../../scripts/serve-page.mjs';
import { launch } from './chromium.mjs';
import { fixture, fixtureDir, nodeCryptoVerifies, root, secretRuns } from './helpers.mjs';

const SHOTS = `${root}tests/js/.screenshots`;
mkdirSync(SHOTS, { recursive: true });
const DEMO_PUBLIC = JSON.parse(fixture('../../www/demo-key.json')).public_key;
const KEY_PUBLIC = JSON.parse(fixture('key-2048.json')).public_key;
const SECRET_RUNS = secretRuns(fixture('keys/rsa2048.pem'));

let server;
let browser;
let noCors;
const pageErrors = [];
const requests = [];
/** Every console message of type error or warning, on any page opened (the console must stay clean). */
const consoleProblems = [];

before(async () => {
  server = await startPageServer({ extraKeys: [fixture('key-2048.json')] });
  // An endpoint that answers but sends no CORS headers, as the public IAM does for pages.
  noCors = createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"iamToken":"t1.leak","expiresAt":"2030-01-01T00:00:00Z"}'); });
  await new Promise((r) => noCors.listen(0, '127.0.0.1', r));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await new Promise((r) => { noCors?.closeAllConnections(); noCors?.close(r); });
});

async function openPage({ width = 1100, height = 1400, url = server.pageUrl, offline = false } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  if (offline) await context.setOffline(true);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') consoleProblems.push(`${url}: ${m.text()}`); });
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  return { page, context };
}

const keyBox = (page) => page.getByRole('textbox', { name: 'Authorized key JSON' });
const button = (page, name) => page.getByRole('button', { name, exact: true });

/** Clicks Sign JWT and waits for the signing (async: WebCrypto) to finish; the JWT shown, or ''. */
async function signJwt(page) {
  const count = () => page.evaluate(() => Number(document.getElementById('sign').closest('section').dataset.signed ?? 0));
  const before = await count();
  await button(page, 'Sign JWT').click();
  await page.waitForFunction((n) => Number(document.getElementById('sign').closest('section').dataset.signed ?? 0) > n, before);
  if (await page.locator('#jwt-out').isHidden()) return '';
  return page.getByRole('textbox', { name: 'JWT', exact: true }).inputValue();
}

describe('the minting page', () => {
  test('the demo, end to end: check, sign, get an IAM token from the emulator; the console stays clean', async () => {
    const problems = consoleProblems.length;
    const { page, context } = await openPage();
    await button(page, 'Try the demo key').click();
    await page.getByText('ajedemoserviceacc000').waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Endpoint' }).inputValue(), server.tokenUrl);
    await button(page, 'Check key').click();
    const checks = page.getByRole('list', { name: 'Key checks' }).getByRole('listitem');
    await checks.nth(8).waitFor();
    assert.equal(await checks.count(), 9);
    assert.equal(await page.locator('#checks .pass').count(), 9);
    const jwt = await signJwt(page);
    assert.ok(nodeCryptoVerifies(jwt, DEMO_PUBLIC), 'node:crypto verifies the JWT the page shows');
    assert.equal(await page.locator('#jwt-engine').textContent(), 'Signed by WebCrypto (RSA-PSS), in this page.');
    assert.match(await page.locator('#jwt-header').textContent(), /^\{\n  "typ": "JWT",\n  "alg": "PS256",\n  "kid"/, 'the JWT\'s own order');
    assert.match(await page.locator('#jwt-payload').textContent(), /"aud": "http:\/\/127\.0\.0\.1:\d+\/iam\/v1\/tokens"/);
    await button(page, 'Get IAM token').click();
    const token = page.getByRole('textbox', { name: 'IAM token', exact: true });
    await token.waitFor();
    assert.match(await token.inputValue(), /^t1\.emulated\./);
    await page.getByText(/expires in 1[12]:\d\d:\d\d/).waitFor();
    await page.screenshot({ path: `${SHOTS}/1-demo-token.png`, fullPage: true });
    assert.deepEqual(consoleProblems.slice(problems), [], 'no console error or warning (a 404, a CSP directive a meta tag cannot carry)');
    await context.close();
  });

  test('every key shape pasted signs a JWT that node:crypto verifies', async () => {
    const { page, context } = await openPage();
    for (const [name, text] of fixtureDir('shapes')) {
      await keyBox(page).fill('');
      await page.locator('#key-info').waitFor({ state: 'hidden' });
      await keyBox(page).fill(text);
      await page.locator('#info-sa').getByText('ajetestserviceacc001').waitFor();
      const jwt = await signJwt(page);
      assert.ok(nodeCryptoVerifies(jwt, KEY_PUBLIC), name);
    }
    // A key file kept as base64 of its JSON, as CI secrets often are.
    await keyBox(page).fill('');
    await page.locator('#key-info').waitFor({ state: 'hidden' });
    await keyBox(page).fill(Buffer.from(fixture('key-2048.json')).toString('base64'));
    await page.locator('#info-sa').getByText('ajetestserviceacc001').waitFor();
    assert.ok(nodeCryptoVerifies(await signJwt(page), KEY_PUBLIC), 'base64 of the key file');
    await context.close();
  });

  test('the key can be picked as a file or dropped on the box', async () => {
    const { page, context } = await openPage();
    await page.getByLabel('Choose key file').setInputFiles({ name: 'key.json', mimeType: 'application/json', buffer: Buffer.from(fixture('key-4096.json')) });
    await page.locator('#info-id').getByText('ajetestkey4096000001').waitFor();
    await button(page, 'Clear').click();
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'key.json', { type: 'application/json' }));
      document.getElementById('drop').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, fixture('shapes/api-keys-create.json'));
    await page.locator('#info-id').getByText('ajetestkey2048000001').waitFor();
    assert.ok(nodeCryptoVerifies(await signJwt(page), KEY_PUBLIC));
    // A wrong file (32 MB) is read only one byte past the largest key, and refused.
    await button(page, 'Clear').click();
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(32 * 1024 * 1024).fill(0x41)], 'video.mp4'));
      document.getElementById('drop').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await page.locator('#key-error').getByText(/ERR_INPUT_TOO_LARGE/).waitFor();
    assert.equal((await keyBox(page).inputValue()).length, 64 * 1024 + 1, 'the box holds what was read: one byte past the 64 KB bound');
    await context.close();
  });

  test('a bad key shows the one-line message and no exception', async () => {
    const { page, context } = await openPage();
    const manifest = JSON.parse(fixture('rejects.json'));
    for (const [name, text] of fixtureDir('rejects')) {
      if (!text.trim()) continue; // a blank box is no key yet, not an error
      await keyBox(page).fill(text);
      const alert = page.locator('#key-error');
      await page.waitForFunction((code) => document.getElementById('key-error').textContent.endsWith(`(${code})`), manifest[name], { timeout: 5000 })
        .catch(() => {});
      const message = await alert.textContent();
      assert.ok(message.endsWith(`(${manifest[name]})`), `${name}: ${message}`);
      assert.ok(!message.includes('\n'));
      for (const run of SECRET_RUNS) assert.ok(!message.includes(run), `${name}: the page quotes the key`);
    }
    await keyBox(page).fill(fixture('rejects/ec-key.json'));
    await button(page, 'Check key').click();
    await page.locator('#checks .fail').first().waitFor();
    await page.screenshot({ path: `${SHOTS}/2-bad-key.png`, fullPage: true });
    await keyBox(page).fill(fixture('key-2048.json'));
    await page.getByLabel('Lifetime, seconds (at most 3600)').fill('5000');
    await signJwt(page);
    assert.match(await page.locator('#jwt-error').textContent(), /3600.*ERR_OPTION_INVALID/);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('an endpoint that refuses CORS: the page explains and offers curl and the CLI', async () => {
    const { page, context } = await openPage();
    await keyBox(page).fill(fixture('key-2048.json'));
    const endpoint = `http://127.0.0.1:${noCors.address().port}/iam/v1/tokens`;
    await page.getByRole('textbox', { name: 'Endpoint' }).fill(endpoint);
    await button(page, 'Get IAM token').click();
    const alert = page.locator('#iam-error');
    await alert.getByText('could not reach').waitFor({ timeout: 15_000 });
    const curl = await page.locator('#curl-cmd').textContent();
    assert.ok(curl.startsWith(`curl -sX POST '${endpoint}'`), curl);
    const jwt = /"jwt":"([^"]+)"/.exec(curl)[1];
    assert.ok(nodeCryptoVerifies(jwt, KEY_PUBLIC));
    assert.equal(await page.locator('#cli-cmd').textContent(), `npx iamjwt token --key key.json --endpoint ${endpoint}`);
    assert.ok(await page.getByRole('textbox', { name: 'IAM token', exact: true }).isHidden(), 'the refused answer is not shown');
    await page.screenshot({ path: `${SHOTS}/3-cors-refused.png`, fullPage: true });
    await context.close();
  });

  test('Russian, narrow width, and Clear', async () => {
    const { page, context } = await openPage({ width: 390, height: 900 });
    await button(page, 'Русский').click();
    await button(page, 'Демо-ключ').click();
    await button(page, 'Проверить ключ').click();
    await button(page, 'Подписать JWT').click();
    await page.getByRole('textbox', { name: 'JWT', exact: true }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ru');
    await page.screenshot({ path: `${SHOTS}/4-russian-mobile.png`, fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling at 390 px (${overflow} px too wide)`);
    await page.getByRole('textbox', { name: 'JSON авторизованного ключа' }).fill(fixture('rejects/rsa-1024.json'));
    await page.locator('#key-error').getByText('Ключ RSA короче 2048 бит. (ERR_KEY_TOO_SMALL)').waitFor();
    await button(page, 'Очистить').click();
    assert.equal(await page.getByRole('textbox', { name: 'JSON авторизованного ключа' }).inputValue(), '');
    assert.ok(await page.getByRole('textbox', { name: 'JWT', exact: true }).isHidden());
    await context.close();
  });

  test('buttons pressed while the demo key is still loading act on the demo key', async () => {
    const { page, context } = await openPage();
    // A slow network: the demo key arrives 800 ms after the click.
    await page.route('**/demo-key.json', async (route) => {
      await new Promise((r) => setTimeout(r, 800));
      await route.continue();
    });
    await button(page, 'Try the demo key').click();
    assert.ok(nodeCryptoVerifies(await signJwt(page), DEMO_PUBLIC));
    assert.ok(await page.locator('#jwt-error').isHidden());
    // And a demo key that cannot be fetched says so.
    await page.route('**/demo-key.json', (route) => route.fulfill({ status: 404, body: 'not found' }));
    await button(page, 'Try the demo key').click();
    await page.locator('#key-error').getByText('the demo key could not be loaded (HTTP 404)').waitFor();
    await context.close();
  });

  test('a key pasted while the page loads is parsed when it starts, and Sign acts on whatever the box holds', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 1400 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // A slow load: the .wasm arrives a second late, so the key is in the box before the page's listeners are.
    await page.route('**/*.wasm', async (route) => {
      await new Promise((r) => setTimeout(r, 1000));
      await route.continue();
    });
    await page.goto(server.pageUrl, { waitUntil: 'domcontentloaded' });
    await page.evaluate((text) => { document.getElementById('key').value = text; }, fixture('key-2048.json'));
    assert.notEqual(await page.evaluate(() => document.body.dataset.ready), 'true', 'the key went in before the page was ready');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    await page.getByText('ajetestserviceacc001').waitFor();
    assert.ok(nodeCryptoVerifies(await signJwt(page), KEY_PUBLIC));
    // Text set without an input event (a password manager, a script) is read at the click.
    await page.evaluate((text) => { document.getElementById('key').value = text; }, fixture('../../www/demo-key.json'));
    assert.ok(nodeCryptoVerifies(await signJwt(page), DEMO_PUBLIC));
    await context.close();
  });

  test('the page stores nothing: no cookies, no localStorage, no sessionStorage', async () => {
    const { page, context } = await openPage();
    await button(page, 'Try the demo key').click();
    await signJwt(page);
    const storage = await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie]);
    assert.deepEqual(storage, [0, 0, '']);
    assert.deepEqual(await context.cookies(), []);
    await context.close();
  });

  test('network log: no request left for any origin but the page and the chosen endpoints', () => {
    const allowed = new Set([new URL(server.url).origin, `http://127.0.0.1:${noCors.address().port}`]);
    const origins = new Set(requests.filter((u) => !u.startsWith('data:') && !u.startsWith('file:')).map((u) => new URL(u).origin));
    assert.ok(requests.length > 10);
    for (const origin of origins) assert.ok(allowed.has(origin), `request to ${origin}`);
  });
});

describe('a browser without WebAssembly reference types', () => {
  test('the page says what to update, in English and Russian, and disables its controls', async () => {
    for (const lang of ['en', 'ru']) {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      await context.addInitScript(() => { WebAssembly.validate = () => false; });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${server.pageUrl}?lang=${lang}`);
      await page.waitForSelector('body[data-ready="failed"]', { timeout: 20_000 });
      const alert = page.getByRole('alert').filter({ hasText: 'ERR_UNSUPPORTED_PLATFORM' });
      const text = await alert.textContent();
      assert.match(text, lang === 'ru' ? /WebAssembly reference types.*Safari 15.*\(ERR_UNSUPPORTED_PLATFORM\)$/ : /lacks WebAssembly reference types.*Safari 15.*\(ERR_UNSUPPORTED_PLATFORM\)$/);
      if (lang === 'ru') assert.match(text, /Этот браузер не может запустить iamjwt/);
      assert.ok(await button(page, 'Check key').isDisabled());
      assert.ok(await keyBox(page).isDisabled());
      assert.deepEqual(errors, []);
      await page.screenshot({ path: `${SHOTS}/6-old-engine-${lang}.png` });
      await context.close();
    }
  });
});

describe('the one-file build', () => {
  test('dist/iamjwt.html from file://, offline, signs a verifiable JWT', async () => {
    execFileSync(process.execPath, [`${root}scripts/build-single.mjs`], { stdio: 'ignore' });
    const before = requests.length;
    const { page, context } = await openPage({ url: pathToFileURL(`${root}dist/iamjwt.html`).href, offline: true });
    await button(page, 'Try the demo key').click();
    await button(page, 'Check key').click();
    await page.locator('#checks li').nth(8).waitFor();
    assert.equal(await page.locator('#checks .pass').count(), 9);
    const jwt = await signJwt(page);
    assert.ok(nodeCryptoVerifies(jwt, DEMO_PUBLIC));
    assert.equal(await page.locator('#jwt-engine').textContent(), 'Signed by WebCrypto (RSA-PSS), in this page.', 'WebCrypto from file:// too');
    const fetched = requests.slice(before).filter((u) => !u.startsWith('file:') && !u.startsWith('data:'));
    assert.deepEqual(fetched, [], 'the single file fetches nothing');
    await page.screenshot({ path: `${SHOTS}/5-single-file-offline.png`, fullPage: true });
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});
