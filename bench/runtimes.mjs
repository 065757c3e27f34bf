// The runtime part of `npm run bench`: RSA-2048 and RSA-4096 PS256 signing
// through each engine each runtime has, beside jose and jsrsasign on the
// same runtime, from the packed tarball installed into a scratch app
// (tests/runtimes/bench.mjs does the timing; this runs it everywhere); and
// cold start to the first JWT in Node, Deno, Bun and workerd, beside jose
// and the platform's own (node:crypto; WebCrypto in workerd).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
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

const PROCESSES = 3;
const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((path) => existsSync(path));
/** [command, args] run on the last CPU, through taskset when there is one. */
const pinned = (command, args) => (TASKSET ? [TASKSET, ['-c', String(os.cpus().length - 1), command, ...args]] : [command, args]);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };

/**
 * One runtime at a time (timings): `{ runtimes, cold }`, where runtimes is
 * `{ [runtime]: { rows: [{ bits, signer, ms }] } | { failure } }` and cold
 * is `{ [runtime]: { runs, iamjwt, jose, platform, platformName } | { failure } }`
 * (medians, ms).
 */
export async function runtimeBench({ budgetMs, coldRuns, nodeColdRuns, log }) {
  // jose and jsrsasign as the project has them installed (folders, copied in).
  const app = await scratchApp({ extra: ['--install-links', join(ROOT, 'node_modules/jose'), join(ROOT, 'node_modules/jsrsasign')] });
  const env = {
    keys: { 2048: readFileSync(join(ROOT, 'tests/fixtures/key-2048.json'), 'utf8'), 4096: readFileSync(join(ROOT, 'tests/fixtures/key-4096.json'), 'utf8') },
    budgetMs,
  };
  writeFileSync(join(app.dir, 'env.json'), JSON.stringify(env));
  // A command-line runtime signs in PROCESSES fresh processes, each with a
  // share of the budget, and each signer's figure is the median of theirs:
  // a process can be slow for its whole life (the medians of Deno's
  // node:crypto signing differed by up to 1.8× between five processes).
  // Each process is pinned to one CPU where taskset is there: unpinned, on
  // this 2-core VM, Deno's RSA-2048 default path was 0.64× to 1.6× jose
  // from one process to the next; pinned, 1.01× to 1.07×.
  writeFileSync(join(app.dir, 'env-share.json'), JSON.stringify({ ...env, budgetMs: budgetMs / PROCESSES }));
  const server = await serveDir(app.dir, { isolated: true });
  const cli = async (command, args, options = {}) =>
    JSON.parse((await run(command, args, { cwd: app.dir, maxBuffer: 16 * 2 ** 20, ...options })).stdout);
  const processes = async (command, args) => {
    const runs = [];
    for (let i = 0; i < PROCESSES; i += 1) runs.push((await cli(...pinned(command, [...args, 'run-bench-cli.mjs', 'env-share.json']))).rows);
    return { rows: runs[0].map(({ bits, signer }) => ({ bits, signer, ms: median(runs.map((rows) => rows.find((r) => r.bits === bits && r.signer === signer).ms)) })) };
  };
  const runtimes = {
    'Node 18': () => processes(tool('node18/bin/node'), []),
    'Node 22': () => processes(tool('node22/bin/node'), []),
    'Node 24': () => processes(tool('node24/bin/node'), []),
    Deno: () => processes(tool('.bin/deno'), ['run', '--allow-read', '--allow-env']),
    Bun: () => processes(tool('.bin/bun'), []),
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
  // Cold start: fresh processes (a fresh workerd), interleaved, iamjwt and jose.
  const key = join(ROOT, 'tests/fixtures/key-2048.json');
  // scripts: the three scripts timed, the platform's last.
  const NODE_SCRIPTS = ['cold-iamjwt.mjs', 'cold-jose.mjs', 'cold-node-crypto.mjs'];
  const coldCli = async (command, args, runs = coldRuns, scripts = NODE_SCRIPTS, platformName = 'node:crypto') => {
    const times = scripts.map(() => []);
    for (let round = 0; round < runs; round += 1) {
      for (const [i, script] of scripts.entries()) {
        const t = performance.now();
        const { stdout } = await run(command, [...args, script, key], { cwd: app.dir });
        if (stdout.split('.').length !== 3) throw new Error(`${script} printed no JWT`);
        times[i].push(performance.now() - t);
      }
    }
    const [iamjwt, jose, platform] = times.map(median);
    return { runs, iamjwt, jose, platform, platformName };
  };
  const colds = {
    // The Node that runs the bench; more runs, as Node's own start is most of the time.
    Node: () => coldCli(process.execPath, [], nodeColdRuns),
    Deno: () => coldCli(tool('.bin/deno'), ['run', '--allow-read', '--allow-env']),
    // The same, written as a Deno program (Deno's file API, no node: module),
    // which never starts Deno's Node layer.
    'Deno, its own file API': () => coldCli(tool('.bin/deno'), ['run', '--allow-read'], coldRuns,
      ['cold-deno-iamjwt.mjs', 'cold-deno-jose.mjs', 'cold-deno-webcrypto.mjs'], 'WebCrypto'),
    Bun: () => coldCli(tool('.bin/bun'), []),
    'workerd (miniflare)': () => cli(tool('node22/bin/node'), ['run-cold-workerd.mjs', key, String(coldRuns)], { env: { ...process.env, IAMJWT_RUNTIMES: TOOLS } }),
  };
  const out = {};
  const cold = {};
  const failure = (error) => ({ failure: String(error?.message ?? error).split('\n')[0] });
  try {
    for (const [name, fn] of Object.entries(runtimes)) {
      out[name] = await fn().catch(failure);
      const summary = out[name].rows?.map((r) => `${r.bits} ${r.signer} ${r.ms.toFixed(2)}`).join(', ') ?? out[name].failure;
      log(`  ${name}: ${summary}`);
    }
    for (const [name, fn] of Object.entries(colds)) {
      cold[name] = await fn().catch(failure);
      log(`  cold start, ${name}: ${cold[name].failure ?? `iamjwt ${cold[name].iamjwt.toFixed(0)} ms, jose ${cold[name].jose.toFixed(0)} ms`}`);
    }
  } finally {
    await server.close();
    app.close();
  }
  return { runtimes: out, cold };
}
