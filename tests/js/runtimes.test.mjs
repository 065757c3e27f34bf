// One suite (tests/runtimes/suite.mjs), every runtime: the packed tarball
// is installed into a scratch app, as a user installs it, and the suite
// runs there in Node 18, 22 and 24, Deno, Bun, workerd (bundled by
// wrangler, run by miniflare), Chromium, Firefox ESR, and a Vite build and
// an esbuild bundle of a small web app in Chromium. Every JWT a runtime
// made is verified here by node:crypto and by jose. A runtime that cannot
// run fails its test; none is skipped.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { startEmulator } from '../../js/emulator.mjs';
import { scratchApp, serveDir, tool, TOOLS } from '../runtimes/scratch.mjs';
import { launch as launchChromium } from './chromium.mjs';
import { fixture, fixtureDir, joseVerifies, nodeCryptoVerifies, root } from './helpers.mjs';

const run = promisify(execFile);
const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const NOW = Math.floor(Date.now() / 1000);
const CLI_ENGINES = { sync: ['native', 'wasm'], async: ['native', 'webcrypto', 'wasm'] };
const WEB_ENGINES = { sync: ['wasm'], async: ['webcrypto', 'wasm'] };

let scratch;
let app;
let emulator;
let server;
const outcomes = {};

/** The suite's outcome, printed as JSON by a command-line runtime. */
async function cli(command, args, options = {}) {
  const { stdout } = await run(command, args, { cwd: app, maxBuffer: 64 * 2 ** 20, timeout: 240_000, ...options });
  return JSON.parse(stdout);
}

/** The suite's outcome in a page (window.iamjwtOutcome), in a browser driven by playwright or puppeteer. */
async function inPage(browser, url) {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.iamjwtOutcome !== undefined, { timeout: 120_000 });
    return await page.evaluate(() => window.iamjwtOutcome);
  } finally {
    await page.close();
  }
}

const RUNTIMES = {
  'Node 18': { engines: CLI_ENGINES, run: () => cli(tool('node18/bin/node'), ['run-cli.mjs', 'env.json']) },
  'Node 22': { engines: CLI_ENGINES, run: () => cli(tool('node22/bin/node'), ['run-cli.mjs', 'env.json']) },
  'Node 24': { engines: CLI_ENGINES, run: () => cli(tool('node24/bin/node'), ['run-cli.mjs', 'env.json']) },
  Deno: { engines: CLI_ENGINES, run: () => cli(tool('.bin/deno'), ['run', '--allow-read', '--allow-net', '--allow-env', 'run-cli.mjs', 'env.json']) },
  Bun: { engines: CLI_ENGINES, run: () => cli(tool('.bin/bun'), ['run-cli.mjs', 'env.json']) },
  'workerd (wrangler, miniflare)': {
    engines: WEB_ENGINES,
    run: () => cli(tool('node22/bin/node'), ['run-workerd.mjs', 'env.json'], { env: { ...process.env, IAMJWT_RUNTIMES: TOOLS } }),
  },
  Chromium: {
    engines: WEB_ENGINES,
    async run() {
      const browser = await launchChromium();
      try {
        return await inPage(browser, `${server.url}/browser.html`);
      } finally {
        await browser.close();
      }
    },
  },
  'Firefox ESR': {
    engines: WEB_ENGINES,
    async run() {
      const puppeteer = (await import(tool('puppeteer-core/lib/puppeteer/puppeteer-core.js'))).default;
      const profile = mkdtempSync(join(tmpdir(), 'iamjwt-firefox-'));
      const browser = await puppeteer.launch({
        browser: 'firefox', executablePath: FIREFOX, headless: true, userDataDir: profile,
        extraPrefsFirefox: { 'network.proxy.type': 0, 'app.update.enabled': false, 'browser.shell.checkDefaultBrowser': false },
      });
      try {
        return await inPage(browser, `${server.url}/browser.html`);
      } finally {
        await browser.close();
        rmSync(profile, { recursive: true, force: true });
      }
    },
  },
  'a Vite build, in Chromium': {
    engines: WEB_ENGINES,
    async run() {
      await run(process.execPath, [tool('vite/bin/vite.js'), 'build', '--base', './', '--outDir', 'dist', '--logLevel', 'error', '--emptyOutDir'], { cwd: join(app, 'vite-app') });
      const browser = await launchChromium();
      try {
        return await inPage(browser, `${server.url}/vite-app/dist/index.html`);
      } finally {
        await browser.close();
      }
    },
  },
  'an esbuild bundle, in Chromium': {
    engines: WEB_ENGINES,
    async run() {
      await run(join(root, 'node_modules/.bin/esbuild'), [
        'esbuild-app/main.mjs', '--bundle', '--format=esm', '--platform=browser', '--loader:.wasm=file', '--outfile=esbuild-app/main.js', '--log-level=error',
      ], { cwd: app });
      const browser = await launchChromium();
      try {
        return await inPage(browser, `${server.url}/esbuild-app/index.html`);
      } finally {
        await browser.close();
      }
    },
  },
};

/** Runs fns at most `width` at a time (two cores). */
async function pool(fns, width) {
  const queue = [...fns];
  await Promise.all(Array.from({ length: width }, async () => {
    while (queue.length) await queue.shift()();
  }));
}

before(async () => {
  scratch = await scratchApp();
  app = scratch.dir;
  emulator = await startEmulator({ keys: [fixture('key-2048.json')] });
  const key = JSON.parse(fixture('key-2048.json'));
  const rejects = JSON.parse(fixture('rejects.json'));
  writeFileSync(join(app, 'env.json'), JSON.stringify({
    shapes: fixtureDir('shapes'),
    rejects: Object.entries(rejects).map(([name, code]) => [name, fixture(`rejects/${name}`), code]),
    keys: { 2048: fixture('key-2048.json'), 4096: fixture('key-4096.json') },
    id: key.id,
    serviceAccountId: key.service_account_id,
    tokenUrl: emulator.tokenUrl,
    now: NOW,
  }));
  server = await serveDir(app);
  await pool(Object.entries(RUNTIMES).map(([name, runtime]) => async () => {
    const started = Date.now();
    outcomes[name] = await runtime.run().catch((error) => ({ failure: `${error?.message ?? error}${error?.stderr ? `\n${error.stderr}` : ''}`.slice(0, 4000) }));
    outcomes[name].seconds = (Date.now() - started) / 1000;
  }), 3);
});

after(async () => {
  await server?.close();
  await emulator?.close();
  scratch?.close();
});

const publicKeys = { 2048: JSON.parse(fixture('key-2048.json')).public_key, 4096: JSON.parse(fixture('key-4096.json')).public_key };

for (const [name, runtime] of Object.entries(RUNTIMES)) {
  test(`${name}: the suite passes, with every engine there is, and node:crypto and jose verify every JWT`, async () => {
    const outcome = outcomes[name];
    assert.ok(!outcome.failure, `${name} did not run: ${outcome.failure}`);
    const failed = outcome.results.filter((r) => !r.ok);
    assert.deepEqual(failed, [], `${name}: ${failed.map((r) => `${r.name}: ${r.error}`).join('; ')}`);
    assert.ok(outcome.results.length >= 10, `${outcome.results.length} checks ran`);
    assert.deepEqual(outcome.engines, runtime.engines, `${name}: the engines there are`);
    assert.equal(outcome.defaultAsyncEngine, runtime.engines.async[0]);
    // Each engine, each size, and the auto choice: verified by two verifiers that share no code with iamjwt.
    assert.equal(outcome.jwts.length, 2 * (runtime.engines.sync.length + runtime.engines.async.length + 1));
    for (const { bits, engine, jwt } of outcome.jwts) {
      assert.ok(nodeCryptoVerifies(jwt, publicKeys[bits]), `${name}, RSA-${bits}, ${engine}: node:crypto`);
      await joseVerifies(jwt, publicKeys[bits], { currentDate: new Date(NOW * 1000) });
    }
  });
}
