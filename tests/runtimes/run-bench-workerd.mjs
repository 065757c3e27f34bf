// Bundles worker-bench.mjs with wrangler and runs it in workerd through
// miniflare. Each signer's time is (time of a request that signs n times −
// time of one that signs none) / n, medians of rounds across the signers.
// Run with Node 22 or later:  node run-bench-workerd.mjs ENV.json
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const here = process.cwd();
const tools = process.env.IAMJWT_RUNTIMES;
const require = createRequire(join(tools, 'package.json'));
execFileSync(process.execPath, [
  join(tools, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', 'worker-bench.mjs', '--name', 'iamjwt-bench',
  '--compatibility-date', '2026-07-30', '--dry-run', '--outdir', 'out-bench',
], { cwd: here, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' } });
const main = readdirSync(join(here, 'out-bench')).find((f) => /\.m?js$/.test(f));
const { Miniflare } = await import(require.resolve('miniflare'));
const mf = new Miniflare({
  modules: true,
  scriptPath: join(here, 'out-bench', main),
  modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
  compatibilityDate: '2026-07-30',
});
const env = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
const call = async (body) => {
  const t = performance.now();
  const names = await (await mf.dispatchFetch('http://localhost/', { method: 'POST', body: JSON.stringify({ env, ...body }) })).json();
  return { ms: performance.now() - t, names };
};
const rows = [];
try {
  for (const bits of [2048, 4096]) {
    const n = bits === 2048 ? 20 : 10;
    const { names } = await call({ bits, n: 0 });
    const samples = Object.fromEntries(names.map((name) => [name, []]));
    for (let round = 0; round < 7; round += 1) {
      for (const signer of names) {
        const base = (await call({ bits, n: 0 })).ms;
        const many = (await call({ bits, signer, n })).ms;
        if (round > 0) samples[signer].push((many - base) / n);
      }
    }
    for (const signer of names) rows.push({ bits, signer, ms: median(samples[signer]) });
  }
} finally {
  await mf.dispose();
}
process.stdout.write(JSON.stringify({ rows }));
