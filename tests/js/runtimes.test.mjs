// One suite (tests/runtimes/suite.mjs), every runtime: the packed tarball
// is installed into a scratch app, as a user installs it, and the suite
// runs there in Node 18, 22 and 24, Deno, Bun, workerd (bundled by
// wrangler, run by miniflare), Chromium, Firefox ESR, and a Vite build and
// an esbuild bundle of a small web app in Chromium. Every JWT a runtime
// made is verified here by node:crypto and by jose. A runtime that cannot
// run fails its test; none is skipped.
//
// When every runtime ran and passed, the README's runtime table is written
// from this run (between its `runtimes:` markers): each runtime as it named
// itself, its entry, the engines it had. IAMJWT_RUNTIME=<ids, by commas>
// runs only those runtimes (and leaves the README alone):
//   IAMJWT_RUNTIME=deno,firefox npm run test:runtimes
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    const outcome = await page.evaluate(() => window.iamjwtOutcome);
    // The user agent string names only the major version: the driver knows the rest.
    const full = /[\d.]+$/.exec(await browser.version())?.[0];
    return { ...outcome, platform: full ? outcome.platform.replace(/[\d.]+$/, full) : outcome.platform };
  } finally {
    await page.close();
  }
}

const version = (pkg) => JSON.parse(readFileSync(tool(`${pkg}/package.json`), 'utf8')).version;
const CLI_ENTRY = '`import … from \'iamjwt\'` (`node` condition: js/node.mjs)';
const WEB_ENTRY = 'an import map to `iamjwt/js/browser.mjs` (`browser` condition)';

// entry: how the app imports it (README); tools: what else the run used.
const ALL_RUNTIMES = {
  'Node 18': { id: 'node18', engines: CLI_ENGINES, entry: `${CLI_ENTRY}; \`require\` from Node 20.19`, run: () => cli(tool('node18/bin/node'), ['run-cli.mjs', 'env.json']) },
  'Node 22': { id: 'node22', engines: CLI_ENGINES, entry: `${CLI_ENTRY}, or \`require\``, run: () => cli(tool('node22/bin/node'), ['run-cli.mjs', 'env.json']) },
  'Node 24': { id: 'node24', engines: CLI_ENGINES, entry: `${CLI_ENTRY}, or \`require\``, run: () => cli(tool('node24/bin/node'), ['run-cli.mjs', 'env.json']) },
  Deno: { id: 'deno',
    engines: CLI_ENGINES,
    // WebCrypto first for signJwtAsync: node:crypto would start Deno's Node layer.
    defaultAsync: 'webcrypto',
    entry: '`import … from \'iamjwt\'` from node_modules, or `\'npm:iamjwt\'` (`deno` condition: js/node.mjs)',
    run: () => cli(tool('.bin/deno'), ['run', '--allow-read', '--allow-net', '--allow-env', 'run-cli.mjs', 'env.json']),
  },
  Bun: { id: 'bun', engines: CLI_ENGINES, entry: '`import` or `require` (`bun` condition: js/node.mjs)', run: () => cli(tool('.bin/bun'), ['run-cli.mjs', 'env.json']) },
  'workerd (wrangler, miniflare)': { id: 'workerd',
    engines: WEB_ENGINES,
    entry: '`import … from \'iamjwt\'`; wrangler bundles the .wasm as a module (`workerd` condition: js/workerd.mjs)',
    tools: () => `workerd ${version('workerd')}, wrangler ${version('wrangler')}`,
    run: () => cli(tool('node22/bin/node'), ['run-workerd.mjs', 'env.json'], { env: { ...process.env, IAMJWT_RUNTIMES: TOOLS } }),
  },
  Chromium: { id: 'chromium',
    engines: WEB_ENGINES,
    entry: WEB_ENTRY,
    async run() {
      const browser = await launchChromium();
      try {
        return await inPage(browser, `${server.url}/browser.html`);
      } finally {
        await browser.close();
      }
    },
  },
  'Firefox ESR': { id: 'firefox',
    engines: WEB_ENGINES,
    entry: WEB_ENTRY,
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
  'a Vite build, in Chromium': { id: 'vite',
    engines: WEB_ENGINES,
    entry: 'as is: Vite ships the .wasm it finds through `new URL(…, import.meta.url)`',
    tools: () => `Vite ${version('vite')}`,
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
  'an esbuild bundle, in Chromium': { id: 'esbuild',
    engines: WEB_ENGINES,
    entry: '`import wasmUrl from \'iamjwt/iamjwt_bg.wasm\'` with `--loader:.wasm=file`, then `await init(wasmUrl)`',
    tools: () => `esbuild ${JSON.parse(readFileSync(join(root, 'node_modules/esbuild/package.json'), 'utf8')).version}`,
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

const only = process.env.IAMJWT_RUNTIME?.split(',').map((id) => id.trim().toLowerCase());
const unknown = only?.filter((id) => !Object.values(ALL_RUNTIMES).some((r) => r.id === id)) ?? [];
if (unknown.length) throw new Error(`IAMJWT_RUNTIME: no runtime ${unknown.join(', ')}; the ids are ${Object.values(ALL_RUNTIMES).map((r) => r.id).join(', ')}`);
const RUNTIMES = Object.fromEntries(Object.entries(ALL_RUNTIMES).filter(([, r]) => !only || only.includes(r.id)));
const passed = new Set();

/** The README's runtime table, from this run's outcomes. */
function runtimeTable() {
  const engines = (list, first) => [first, ...list.filter((e) => e !== first)].map((e, i) => (i === 0 ? `**${e}**` : e)).join(', ');
  const rows = Object.entries(ALL_RUNTIMES).map(([name, runtime]) => {
    const o = outcomes[name];
    const ran = [o.platform, runtime.tools?.()].filter(Boolean).join('; ');
    const checks = `${o.results.length} checks, ${o.jwts.length} JWTs`;
    return `| ${name} (\`${runtime.id}\`) | ${ran} | ${runtime.entry} | ${engines(o.engines.sync, o.defaultEngine)} | ${engines(o.engines.async, o.defaultAsyncEngine)} | ${checks} |`;
  });
  return [
    `Made by \`npm run docs:runtimes\` (a full run of the suite, tests/js/runtimes.test.mjs, that passed), ${new Date().toISOString().slice(0, 10)}. "Ran as" is how the runtime named itself; the default engine is in bold. \`IAMJWT_RUNTIME=<id>[,<id>…] npm run test:runtimes\` tests only those.`,
    '',
    '| runtime (id) | ran as | entry | `signJwt` | `signJwtAsync`, token sources | the suite |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** Writes the table between the README's markers; says whether it changed. */
function writeRuntimeTable() {
  const path = join(root, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const start = '<!-- runtimes: made by tests/js/runtimes.test.mjs -->\n';
  const end = '\n<!-- runtimes: end -->';
  const [before, rest] = readme.split(start);
  assert.ok(rest?.includes(end), 'README.md has the runtime table\'s markers');
  const after = rest.slice(rest.indexOf(end));
  const old = rest.slice(0, rest.indexOf(end));
  const table = runtimeTable();
  // The date alone is no change.
  if (old.replace(/\d{4}-\d\d-\d\d/, '') === table.replace(/\d{4}-\d\d-\d\d/, '')) return false;
  writeFileSync(path, `${before}${start}${table}${after}`);
  return true;
}

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
  server = await serveDir(app);
  // The browsers' pages come from the scratch app's server: the one origin the emulator answers with CORS.
  emulator = await startEmulator({ keys: [fixture('key-2048.json')], corsOrigins: [server.url] });
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
  await pool(Object.entries(RUNTIMES).map(([name, runtime]) => async () => {
    const started = Date.now();
    outcomes[name] = await runtime.run().catch((error) => ({ failure: `${error?.message ?? error}${error?.stderr ? `\n${error.stderr}` : ''}`.slice(0, 4000) }));
    outcomes[name].seconds = (Date.now() - started) / 1000;
  }), 3);
});

after(async () => {
  // Only `npm run docs:runtimes` writes the README: tests write no tracked file.
  if (process.env.IAMJWT_WRITE_DOCS === '1') {
    assert.ok(!only && passed.size === Object.keys(ALL_RUNTIMES).length, 'the README\'s table is made only from a full run that passed');
    process.stderr.write(writeRuntimeTable() ? 'runtimes: README.md\'s runtime table is rewritten from this run\n' : 'runtimes: README.md\'s runtime table is current\n');
  }
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
    assert.equal(outcome.defaultAsyncEngine, runtime.defaultAsync ?? runtime.engines.async[0]);
    // Each engine, each size, and the auto choice: verified by two verifiers that share no code with iamjwt.
    assert.equal(outcome.jwts.length, 2 * (runtime.engines.sync.length + runtime.engines.async.length + 1));
    for (const { bits, engine, jwt } of outcome.jwts) {
      assert.ok(nodeCryptoVerifies(jwt, publicKeys[bits]), `${name}, RSA-${bits}, ${engine}: node:crypto`);
      await joseVerifies(jwt, publicKeys[bits], { currentDate: new Date(NOW * 1000) });
    }
    passed.add(name);
  });
}
