// The signing bench, run on every runtime (npm run bench): RSA-2048 and
// RSA-4096 PS256 JWTs through each engine the runtime has, and through
// jose and jsrsasign on the same runtime, with the key parsed (imported)
// once. Samples are taken in rounds, one of each signer per round, so that
// a noisy moment hits all alike, each round in a rotated order; the slow
// signers have rounds of their own. The medians are returned, in
// milliseconds.
//
// The "first JWT: …" signers start from the key text every time (parse or
// import, then sign): what a CLI run, a serverless function or a token
// source's first call pays, beside jose and the platform's own (node:crypto
// where the runner gives it, else WebCrypto) doing the same.
//
//   bench(lib, peers, env) → { rows: [{ bits, signer, ms }] }
//
// peers: { jose, jsrsasign, platform? } (jsrsasign's { KEYUTIL, KJUR };
// platform: { name, jwt(pem, header, claims) → JWT }).
//
// Where the clock does not move during a request (workerd), the runner
// times `signMany` from outside instead.

import { webCryptoJwt } from './first-jwt.mjs';

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };

/** The platform's first JWT where there is no node:crypto: WebCrypto imports the PKCS#8 and signs. */
const webCrypto = { name: 'WebCrypto', jwt: webCryptoJwt };

/** Every signer there is for one key: the engines, the default async path, jose and jsrsasign. */
export async function signers(lib, { jose, jsrsasign, platform = webCrypto }, json) {
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
  await lib.signJwtAsync(key);
  out['iamjwt signJwtAsync, default'] = () => lib.signJwtAsync(key);
  out.jose = () => new jose.SignJWT(claims).setProtectedHeader({ typ: 'JWT', alg: 'PS256', kid: file.id }).sign(joseKey);
  const header = { typ: 'JWT', alg: 'PS256', kid: file.id };
  const rsKey = jsrsasign.KEYUTIL.getKey(file.private_key.replace(/^PLEASE.*\n/, ''));
  out.jsrsasign = () => jsrsasign.KJUR.jws.JWS.sign('PS256', header, claims, rsKey);
  // From the key text, every time.
  const pem = file.private_key.replace(/^PLEASE.*\n/, '');
  out['first JWT: iamjwt signJwtAsync(text)'] = () => lib.signJwtAsync(json);
  out[`first JWT: iamjwt parseKey + signJwt (${lib.defaultEngine()})`] = () => {
    const parsed = lib.parseKey(json);
    try { return lib.signJwt(parsed); } finally { parsed.free(); }
  };
  out['first JWT: jose'] = async () => new jose.SignJWT(claims).setProtectedHeader(header).sign(await jose.importPKCS8(pem, 'PS256'));
  out[`first JWT: ${platform.name}`] = () => platform.jwt(pem, header, claims);
  return out;
}

/** Medians of rounds (one sample of each fn per round, each round in a rotated order) for about budgetMs. */
async function rounds(fns, budgetMs) {
  for (const fn of fns) for (let i = 0; i < 3; i += 1) await fn();
  const samples = fns.map(() => []);
  const start = performance.now();
  while (samples[0].length < 200 && (samples[0].length < 5 || performance.now() - start < budgetMs)) {
    // Each round starts one signer later, so that no signer always runs
    // after the same one (after jsrsasign's garbage, say).
    const first = samples[0].length % fns.length;
    for (let k = 0; k < fns.length; k += 1) {
      const i = (first + k) % fns.length;
      const t = performance.now();
      await fns[i]();
      samples[i].push(performance.now() - t);
    }
  }
  return samples.map(median);
}

// The signers that take tens of milliseconds (the wasm engine, jsrsasign)
// are timed in rounds of their own: in rounds with them, the platform's
// signers and jose (a few ms) got only a few samples each.
const slow = (signer) => /wasm|jsrsasign/.test(signer);

export async function bench(lib, peers, env) {
  const rows = [];
  for (const bits of [2048, 4096]) {
    const all = Object.entries(await signers(lib, peers, env.keys[bits]));
    const ms = {};
    for (const group of [all.filter(([name]) => !slow(name)), all.filter(([name]) => slow(name))]) {
      const medians = await rounds(group.map(([, fn]) => fn), env.budgetMs * group.length * (bits === 4096 ? 2 : 1));
      for (const [i, [signer]] of group.entries()) ms[signer] = medians[i];
    }
    for (const [signer] of all) rows.push({ bits, signer, ms: ms[signer] });
  }
  return { rows };
}

/** n signatures by one signer (none without one), for a runner that times them from outside; the signers' names. */
export async function signMany(lib, peers, env, bits, signer, n) {
  const all = await signers(lib, peers, env.keys[bits]);
  if (signer) for (let i = 0; i < n; i += 1) await all[signer]();
  return Object.keys(all);
}
