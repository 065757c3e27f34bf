// The signing bench, run on every runtime (npm run bench): RSA-2048 and
// RSA-4096 PS256 JWTs through each engine the runtime has, and through
// jose on the same runtime, with the key parsed (imported) once. Samples
// are taken in rounds, one of each signer per round, so that a noisy
// moment hits all alike; the medians are returned, in milliseconds.
//
//   bench(lib, jose, env) → { rows: [{ bits, signer, ms }] }
//
// Where the clock does not move during a request (workerd), the runner
// times `signMany` from outside instead.

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };

/** Every signer there is for one key: the engines, and jose. */
export async function signers(lib, jose, json) {
  const key = lib.parseKey(json);
  const file = JSON.parse(json);
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: file.service_account_id, aud: lib.defaults().audience, iat: now, exp: now + 3600 };
  const joseKey = await jose.importPKCS8(file.private_key.replace(/^PLEASE.*\n/, ''), 'PS256');
  const out = {};
  for (const engine of ['native', 'wasm']) {
    try {
      lib.signJwt(key, { engine });
      out[`iamjwt signJwt, ${engine}`] = () => lib.signJwt(key, { engine });
    } catch { /* not here */ }
  }
  for (const engine of ['native', 'webcrypto', 'wasm']) {
    try {
      await lib.signJwtAsync(key, { engine });
      out[`iamjwt signJwtAsync, ${engine}`] = () => lib.signJwtAsync(key, { engine });
    } catch { /* not here */ }
  }
  out.jose = () => new jose.SignJWT(claims).setProtectedHeader({ typ: 'JWT', alg: 'PS256', kid: file.id }).sign(joseKey);
  return out;
}

export async function bench(lib, jose, env) {
  const rows = [];
  for (const bits of [2048, 4096]) {
    const fns = Object.entries(await signers(lib, jose, env.keys[bits]));
    for (const [, fn] of fns) for (let i = 0; i < 3; i += 1) await fn();
    const samples = fns.map(() => []);
    const start = performance.now();
    const budget = env.budgetMs * fns.length * (bits === 4096 ? 2 : 1);
    while (samples[0].length < 200 && (samples[0].length < 5 || performance.now() - start < budget)) {
      for (const [i, [, fn]] of fns.entries()) {
        const t = performance.now();
        await fn();
        samples[i].push(performance.now() - t);
      }
    }
    for (const [i, [signer]] of fns.entries()) rows.push({ bits, signer, ms: median(samples[i]) });
  }
  return { rows };
}

/** n signatures by one signer (none without one), for a runner that times them from outside; the signers' names. */
export async function signMany(lib, jose, env, bits, signer, n) {
  const all = await signers(lib, jose, env.keys[bits]);
  if (signer) for (let i = 0; i < n; i += 1) await all[signer]();
  return Object.keys(all);
}
