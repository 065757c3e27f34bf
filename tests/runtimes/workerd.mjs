// The Workers runners' two steps: bundle a Worker with wrangler (`deploy
// --dry-run`, offline), as a Workers user bundles one, and run a bundle in
// workerd through miniflare. For run-workerd.mjs, run-bench-workerd.mjs and
// run-cold-workerd.mjs, which run with Node 22 or later (wrangler's and
// miniflare's floor) in the scratch app, with IAMJWT_RUNTIMES naming the
// folder the tools are installed in (tests/runtimes).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const tools = process.env.IAMJWT_RUNTIMES;
const require = createRequire(join(tools, 'package.json'));
const COMPATIBILITY_DATE = '2026-07-30';
const { Miniflare } = await import(require.resolve('miniflare'));

/**
 * Bundles into outdir: the Worker wrangler.toml names, or with `script`,
 * that script as a Worker of that name. Returns the bundle's path.
 */
export function bundle(outdir, { script, name } = {}) {
  const worker = script ? [script, '--name', name, '--compatibility-date', COMPATIBILITY_DATE] : [];
  execFileSync(process.execPath, [join(tools, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', ...worker, '--dry-run', '--outdir', outdir], {
    stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
  });
  return join(process.cwd(), outdir, readdirSync(outdir).find((f) => /\.m?js$/.test(f)));
}

/** A workerd running the bundle, its .wasm imported as a compiled module (as Workers have it); dispose() stops it. */
export function miniflare(scriptPath) {
  return new Miniflare({
    modules: true,
    scriptPath,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: COMPATIBILITY_DATE,
  });
}
