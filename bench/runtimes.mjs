// The runtime part of `npm run bench`: RSA-2048 and RSA-4096 PS256 signing
// through each engine each runtime has, beside jose on the same runtime,
// from the packed tarball installed into a scratch app
// (tests/runtimes/bench.mjs does the timing; this runs it everywhere).
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { launch as launchChromium } from '../tests/js/chromium.mjs';
import { ROOT, scratchApp, serveDir, tool, TOOLS } from '../tests/runtimes/scratch.mjs';

const run = promisify(execFile);
const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

async function inPage(browser, url) {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.iamjwtBench !== undefined, { timeout: 600_000, polling: 500 });
    return await page.evaluate(() => window.iamjwtBench);
  } finally {
    await page.close();
  }
}

/** `{ [runtime]: { rows: [{ bits, signer, ms }] } | { failure } }`, one runtime at a time (timings). */
export async function runtimeBench({ budgetMs, log }) {
  // jose as the project has it installed (a folder, copied in).
  const app = await scratchApp({ extra: ['--install-links', join(ROOT, 'node_modules/jose')] });
  const env = {
    keys: { 2048: readFileSync(join(ROOT, 'tests/fixtures/key-2048.json'), 'utf8'), 4096: readFileSync(join(ROOT, 'tests/fixtures/key-4096.json'), 'utf8') },
    budgetMs,
  };
  writeFileSync(join(app.dir, 'env.json'), JSON.stringify(env));
  const server = await serveDir(app.dir);
  const cli = async (command, args, options = {}) =>
    JSON.parse((await run(command, args, { cwd: app.dir, maxBuffer: 16 * 2 ** 20, ...options })).stdout);
  const runtimes = {
    'Node 18': () => cli(tool('node18/bin/node'), ['run-bench-cli.mjs', 'env.json']),
    'Node 22': () => cli(tool('node22/bin/node'), ['run-bench-cli.mjs', 'env.json']),
    'Node 24': () => cli(tool('node24/bin/node'), ['run-bench-cli.mjs', 'env.json']),
    Deno: () => cli(tool('.bin/deno'), ['run', '--allow-read', '--allow-env', 'run-bench-cli.mjs', 'env.json']),
    Bun: () => cli(tool('.bin/bun'), ['run-bench-cli.mjs', 'env.json']),
    'workerd (miniflare)': () => cli(tool('node22/bin/node'), ['run-bench-workerd.mjs', 'env.json'], { env: { ...process.env, IAMJWT_RUNTIMES: TOOLS } }),
    Chromium: async () => {
      const browser = await launchChromium();
      try { return await inPage(browser, `${server.url}/bench.html`); } finally { await browser.close(); }
    },
    'Firefox ESR': async () => {
      const puppeteer = (await import(tool('puppeteer-core/lib/puppeteer/puppeteer-core.js'))).default;
      const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
      try { return await inPage(browser, `${server.url}/bench.html`); } finally { await browser.close(); }
    },
  };
  const out = {};
  try {
    for (const [name, fn] of Object.entries(runtimes)) {
      out[name] = await fn().catch((error) => ({ failure: String(error?.message ?? error).split('\n')[0] }));
      const summary = out[name].rows?.map((r) => `${r.bits} ${r.signer} ${r.ms.toFixed(2)}`).join(', ') ?? out[name].failure;
      log(`  ${name}: ${summary}`);
    }
  } finally {
    await server.close();
    app.close();
  }
  return out;
}
