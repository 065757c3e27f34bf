// Cold start to the first JWT in workerd: each worker (worker-cold-*.mjs:
// iamjwt, jose, and the platform's WebCrypto alone)
// is bundled by wrangler once; then, in interleaved rounds, a fresh
// workerd is started through miniflare and asked for one JWT. The time is
// from starting it to the JWT; prints the medians as JSON.
// Run with Node 22 or later:  node run-cold-workerd.mjs KEY.json RUNS
import { readFileSync } from 'node:fs';
import { bundle, miniflare } from './workerd.mjs';

const key = readFileSync(process.argv[2], 'utf8');
const runs = Number(process.argv[3]);
const scripts = {};
for (const name of ['iamjwt', 'jose', 'webcrypto']) scripts[name] = bundle(`out-cold-${name}`, { script: `worker-cold-${name}.mjs`, name: `iamjwt-cold-${name}` });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
const times = { iamjwt: [], jose: [], webcrypto: [] };
for (let round = 0; round < runs; round += 1) {
  for (const name of Object.keys(times)) {
    const t = performance.now();
    const mf = miniflare(scripts[name]);
    try {
      const jwt = await (await mf.dispatchFetch('http://localhost/', { method: 'POST', body: key })).text();
      if (jwt.split('.').length !== 3) throw new Error(`${name} answered ${jwt.slice(0, 80)}`);
      times[name].push(performance.now() - t);
    } finally {
      await mf.dispose();
    }
  }
}
process.stdout.write(JSON.stringify({ runs, iamjwt: median(times.iamjwt), jose: median(times.jose), platform: median(times.webcrypto), platformName: 'WebCrypto' }));
