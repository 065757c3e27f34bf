// Bundles worker-bench.mjs with wrangler and runs it in workerd through
// miniflare. Each signer's time is (time of a request that signs n times −
// time of one that signs none) / n, medians of rounds across the signers.
// Run with Node 22 or later:  node run-bench-workerd.mjs ENV.json
import { readFileSync } from 'node:fs';
import { bundle, miniflare } from './workerd.mjs';

const mf = miniflare(bundle('out-bench', { script: 'worker-bench.mjs', name: 'iamjwt-bench' }));
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
