// Bundles worker.mjs with wrangler (`deploy --dry-run`, offline) and runs
// the bundle in workerd through miniflare; prints the suite's outcome.
// Run with Node 22 or later (wrangler's and miniflare's floor):
//   node run-workerd.mjs ENV.json
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const here = process.cwd();
const tools = process.env.IAMJWT_RUNTIMES;
const require = createRequire(join(tools, 'package.json'));
execFileSync(process.execPath, [join(tools, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run', '--outdir', 'out'], {
  cwd: here, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
});
const main = readdirSync(join(here, 'out')).find((f) => /\.m?js$/.test(f));
const { Miniflare } = await import(require.resolve('miniflare'));
const mf = new Miniflare({
  modules: true,
  scriptPath: join(here, 'out', main),
  modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
  compatibilityDate: '2026-07-30',
});
try {
  const response = await mf.dispatchFetch('http://localhost/', { method: 'POST', body: readFileSync(process.argv[2], 'utf8') });
  process.stdout.write(await response.text());
} finally {
  await mf.dispose();
}
