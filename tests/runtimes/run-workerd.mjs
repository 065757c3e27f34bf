// Bundles worker.mjs with wrangler (`deploy --dry-run`, offline, from
// wrangler.toml) and runs the bundle in workerd through miniflare; prints
// the suite's outcome. Run with Node 22 or later (wrangler's and
// miniflare's floor):
//   node run-workerd.mjs ENV.json
import { readFileSync } from 'node:fs';
import { bundle, miniflare } from './workerd.mjs';

const mf = miniflare(bundle('out'));
try {
  const response = await mf.dispatchFetch('http://localhost/', { method: 'POST', body: readFileSync(process.argv[2], 'utf8') });
  process.stdout.write(await response.text());
} finally {
  await mf.dispose();
}
