#!/usr/bin/env node
// `npm run bench`: iamjwt against its peers on the same keys, in one run.
// Prints ratios (medians after warm-up) and writes BENCHMARKS.md. Nothing
// here is asserted: timings belong to this report, never to tests.
import { execFileSync } from 'node:child_process';
import { constants, createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import * as jose from 'jose';
import * as iamjwt from '../js/node.mjs';
import { KeyHandle } from '../pkg/iamjwt.js';
import { runtimeBench } from './runtimes.mjs';
import { exportNames, sizeWithExports } from './wasm-exports.mjs';

const require = createRequire(import.meta.url);
const { KEYUTIL, KJUR } = require('jsrsasign');
const forge = require('node-forge');

const root = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const BUDGET_MS = quick ? 300 : 1500;
const AUD = 'https://iam.api.cloud.yandex.net/iam/v1/tokens';
const b64u = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
const log = (line) => process.stderr.write(`${line}\n`);

function claims(file) {
  const now = Math.floor(Date.now() / 1000);
  return { iss: file.service_account_id, aud: AUD, iat: now, exp: now + 3600 };
}

/** Each peer as { parse(pem, json) → key, sign(key) → jwt }. */
function peers(file) {
  const json = JSON.stringify(file);
  const pem = file.private_key.replace(/^PLEASE.*\n/, '');
  const header = { typ: 'JWT', alg: 'PS256', kid: file.id };
  return {
    'iamjwt (default: native)': { parse: () => iamjwt.parseKey(json), sign: (k) => iamjwt.signJwt(k), done: (k) => k.free() },
    'iamjwt (wasm engine)': { parse: () => iamjwt.parseKey(json), sign: (k) => iamjwt.signJwt(k, { engine: 'wasm' }), done: (k) => k.free() },
    jose: {
      parse: () => jose.importPKCS8(pem, 'PS256'),
      sign: (k) => new jose.SignJWT(claims(file)).setProtectedHeader(header).sign(k),
    },
    'node:crypto': {
      parse: () => createPrivateKey(pem),
      sign: (k) => {
        const input = `${b64u(header)}.${b64u(claims(file))}`;
        const sig = cryptoSign('sha256', Buffer.from(input), { key: k, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
        return `${input}.${sig.toString('base64url')}`;
      },
    },
    jsrsasign: {
      parse: () => KEYUTIL.getKey(pem),
      sign: (k) => KJUR.jws.JWS.sign('PS256', header, claims(file), k),
    },
    'node-forge': {
      parse: () => forge.pki.privateKeyFromPem(pem),
      sign: (k) => {
        const input = `${b64u(header)}.${b64u(claims(file))}`;
        const md = forge.md.sha256.create();
        md.update(input, 'utf8');
        const pss = forge.pss.create({ md: forge.md.sha256.create(), mgf: forge.mgf.mgf1.create(forge.md.sha256.create()), saltLength: 32 });
        return `${input}.${Buffer.from(k.sign(md, pss), 'binary').toString('base64url')}`;
      },
    },
  };
}

function verifies(jwt, publicPem) {
  const [h, p, s] = jwt.split('.');
  return require('node:crypto').verify('sha256', Buffer.from(`${h}.${p}`),
    { key: publicPem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(s, 'base64url'));
}

/**
 * Medians of each function's samples, taken in rounds (one sample of each
 * per round) for about budgetMs, so that a noisy moment on the machine hits
 * every peer alike and the ratios hold.
 */
async function timeRounds(fns, budgetMs) {
  for (const fn of fns) for (let i = 0; i < 3; i += 1) await fn();
  const samples = fns.map(() => []);
  const start = performance.now();
  while (samples[0].length < 300 && (samples[0].length < 5 || performance.now() - start < budgetMs)) {
    for (const [i, fn] of fns.entries()) {
      const t = performance.now();
      await fn();
      samples[i].push(performance.now() - t);
    }
  }
  return samples.map(median);
}

async function signing() {
  const rows = [];
  for (const bits of [2048, 4096]) {
    const file = JSON.parse(readFileSync(join(root, `tests/fixtures/key-${bits}.json`), 'utf8'));
    const all = Object.entries(peers(file));
    const keys = [];
    for (const [name, peer] of all) {
      const key = await peer.parse();
      if (!verifies(await peer.sign(key), file.public_key)) throw new Error(`${name} made a JWT that does not verify`);
      keys.push(key);
    }
    const budget = BUDGET_MS * all.length;
    const parse = await timeRounds(all.map(([, peer]) => async () => { const k = await peer.parse(); peer.done?.(k); }), budget);
    const sign = await timeRounds(all.map(([, peer], i) => () => peer.sign(keys[i])), budget);
    const both = await timeRounds(all.map(([, peer]) => async () => { const k = await peer.parse(); await peer.sign(k); peer.done?.(k); }), budget);
    for (const [i, [name, peer]] of all.entries()) {
      peer.done?.(keys[i]);
      rows.push({ bits, name, parse: parse[i], sign: sign[i], both: both[i] });
      log(`  RSA-${bits} ${name}: parse ${parse[i].toFixed(2)} ms, sign ${sign[i].toFixed(2)} ms, parse+sign ${both[i].toFixed(2)} ms`);
    }
  }
  return rows;
}

const SIGNER = ['keyhandle_fromJson', 'keyhandle_signJwt'];
const CHECKS = [...SIGNER, 'checkKey', 'keyhandle_info', 'decodeJwt', 'keyhandle_verifyJwt', 'verifyJwtWithText', 'verifyPs256', 'errorCodes'];
const PROTOCOL = [...CHECKS, 'tokenflow_new', 'tokenflow_request', 'tokenflow_parseAnswer', 'tokenflow_timeoutMs', 'retryNext', 'checkSourceOptions', 'subjectTokenFromFile', 'refreshAt', 'defaults', 'services', 'keyhandle_finishJwt', 'keyhandle_finishPlatformVerifiedJwt', 'keyhandle_signingInput', 'keyhandle_exportKeyForPlatform', 'keyhandle_explainPlatformFailure', 'keyhandle_publicJwkForPlatform'];
const PARTS = [
  ['parse a key and sign a JWT (`KeyHandle.fromJson`, `signJwt`): the signer alone', SIGNER],
  ['… and the key check, key info, decoding and verification', CHECKS],
  ['… and the token protocol (requests, answers, retries, refresh), the key export for platform signers', PROTOCOL],
  ['everything: every export (the emulator has a .wasm of its own)', null],
];

/** Bytes as KB of 1000, one decimal. */
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;

/**
 * What checking a platform signature costs before it becomes a JWT: the
 * platform's public operation (node:crypto's verify, as the native engine
 * does it) against the core's check in wasm (`finishJwt`, which verifies
 * then finishes, less `finishPlatformVerifiedJwt`, which only finishes).
 */
async function signatureChecks() {
  const out = [];
  for (const bits of [2048, 4096]) {
    const json = readFileSync(join(root, `tests/fixtures/key-${bits}.json`), 'utf8');
    const handle = KeyHandle.fromJson(json);
    const privateKey = createPrivateKey(JSON.parse(json).private_key.replace(/^PLEASE.*\n/, ''));
    const publicKey = createPublicKey(privateKey);
    const input = handle.signingInput({ now: Date.now() / 1000 });
    const data = Buffer.from(input);
    const pss = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    const signature = cryptoSign('sha256', data, { key: privateKey, ...pss });
    const [platform, checked, unchecked] = await timeRounds([
      () => cryptoVerify('sha256', data, { key: publicKey, ...pss }, signature),
      () => handle.finishJwt(input, signature),
      () => handle.finishPlatformVerifiedJwt(input, signature),
    ], BUDGET_MS);
    handle.free();
    out.push({ bits, platform, core: checked - unchecked });
    log(`  RSA-${bits}: node:crypto verify ${platform.toFixed(3)} ms, the core's check ${(checked - unchecked).toFixed(3)} ms`);
  }
  return out;
}

function sizes() {
  const wasm = readFileSync(join(root, 'pkg/iamjwt_bg.wasm'));
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], { cwd: root, encoding: 'utf8' }));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return {
    wasm: wasm.length,
    wasmGzip: gzipSync(wasm, { level: 9 }).length,
    // What a web server with brotli at its highest level would send.
    wasmBrotli: brotliCompressSync(wasm, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length,
    tarball: packed.size,
    unpacked: packed.unpackedSize,
    files: packed.entryCount,
    runtimeDeps: Object.keys(pkg.dependencies ?? {}).length,
    // What each part of the API costs: the .wasm with only some exports,
    // growing feature by feature; the first is the signer alone.
    parts: PARTS.map(([what, names]) => ({ what, ...sizeWithExports(wasm, names ?? exportNames(wasm), join(root, 'node_modules/.bin/wasm-opt')) })),
  };
}

/** node-forge bundled for the browser (its package ships no browser build). */
function forgeForBrowser() {
  return execFileSync(join(root, 'node_modules/.bin/esbuild'), [
    require.resolve('node-forge'), '--bundle', '--format=iife', '--global-name=forge', '--platform=browser', '--minify', '--log-level=error',
  ], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
}

/**
 * Headless Chromium: the wasm engine (the browser entry), jsrsasign,
 * node-forge and WebCrypto on the same keys, in rounds as in Node. The page
 * is a plain document of the page server's origin (no CSP), so the peers'
 * scripts can be added to it.
 */
async function browser() {
  let launch;
  try {
    ({ launch } = await import('../tests/js/chromium.mjs'));
  } catch {
    return null;
  }
  const { startPageServer } = await import('../scripts/serve-page.mjs');
  const server = await startPageServer();
  const b = await launch();
  try {
    const page = await b.newPage();
    await page.goto(`${server.url}/js/errors.js`);
    await page.addScriptTag({ content: readFileSync(require.resolve('jsrsasign/lib/jsrsasign-all-min.js'), 'utf8') });
    await page.addScriptTag({ content: forgeForBrowser() });
    const out = {};
    for (const bits of [2048, 4096]) {
      const json = readFileSync(join(root, `tests/fixtures/key-${bits}.json`), 'utf8');
      out[bits] = await page.evaluate(async ([text, budget]) => {
        const m = await import('/js/browser.mjs');
        const file = JSON.parse(text);
        const pem = file.private_key.replace(/^PLEASE.*\n/, '');
        const med = (xs) => { const s = [...xs].sort((a, c) => a - c); return s[s.length >> 1]; };
        const now = Math.floor(Date.now() / 1000);
        const header = { typ: 'JWT', alg: 'PS256', kid: file.id };
        const payload = { iss: file.service_account_id, aud: 'https://iam.api.cloud.yandex.net/iam/v1/tokens', iat: now, exp: now + 3600 };
        const key = m.parseKey(text);
        const rsasign = KEYUTIL.getKey(pem);
        const forgeKey = forge.pki.privateKeyFromPem(pem);
        const der = Uint8Array.from(atob(pem.replace(/-----[^-]+-----|\s/g, '')), (c) => c.charCodeAt(0));
        const ck = await crypto.subtle.importKey('pkcs8', der, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']);
        const input = new TextEncoder().encode('x'.repeat(300));
        const fns = {
          wasm: () => m.signJwt(key),
          jsrsasign: () => KJUR.jws.JWS.sign('PS256', header, payload, rsasign),
          'node-forge': () => {
            const md = forge.md.sha256.create();
            md.update('x'.repeat(300), 'utf8');
            const pss = forge.pss.create({ md: forge.md.sha256.create(), mgf: forge.mgf.mgf1.create(forge.md.sha256.create()), saltLength: 32 });
            return forgeKey.sign(md, pss);
          },
          webcrypto: () => crypto.subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, ck, input),
        };
        const names = Object.keys(fns);
        for (const name of names) for (let i = 0; i < 3; i += 1) await fns[name]();
        const xs = Object.fromEntries(names.map((n) => [n, []]));
        const start = performance.now();
        while (xs.wasm.length < 200 && (xs.wasm.length < 5 || performance.now() - start < budget * names.length)) {
          for (const name of names) { const t = performance.now(); await fns[name](); xs[name].push(performance.now() - t); }
        }
        key.free();
        return Object.fromEntries(names.map((n) => [n, med(xs[n])]));
      }, [json, BUDGET_MS]);
      log(`  Chromium RSA-${bits}: ${Object.entries(out[bits]).map(([n, ms]) => `${n} ${ms.toFixed(2)} ms`).join(', ')}`);
    }
    out.version = b.version();
    return out;
  } finally {
    await b.close();
    await server.close();
  }
}

const fmt = (ms) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
/** The runtime bench's signers that start from the key text (tests/runtimes/bench.mjs). */
const FIRST = /^first JWT: /;
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;

log('signing (Node)…');
const rows = await signing();
log('signature checks (Node)…');
const checks = await signatureChecks();
log('sizes…');
const size = sizes();
log('browser…');
const web = await browser();
log('every runtime (the packed tarball in a scratch app)…');
const { runtimes: everywhere, cold: coldEverywhere } = await runtimeBench({ budgetMs: quick ? 150 : 600, coldRuns: quick ? 3 : 11, nodeColdRuns: quick ? 5 : 21, log });

const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).trim() ? ' (with uncommitted changes)' : '';
const lines = [];
const out = (l = '') => lines.push(l);
out('# Benchmarks');
out();
out(`Made by \`npm run bench\` (bench/run.mjs) on ${new Date().toISOString().slice(0, 10)}, commit ${commit}${dirty}.`);
out(`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; Node ${process.version}${web ? `; Chromium ${web.version}` : ''}.`);
out('Times are medians after warm-up, in milliseconds, sampled in rounds across the peers (one sample of each per round) so that noise on the machine hits them alike; ratios are to node:crypto and to jose (lower is faster). Timings are never asserted in tests.');
out();
for (const bits of [2048, 4096]) {
  const ref = Object.fromEntries(rows.filter((r) => r.bits === bits).map((r) => [r.name, r]));
  out(`## RSA-${bits} PS256, Node`);
  out();
  out('| library | key parse | sign, key parsed once | ×node:crypto | ×jose | parse + sign |');
  out('|---|---:|---:|---:|---:|---:|');
  for (const r of rows.filter((x) => x.bits === bits)) {
    out(`| ${r.name} | ${fmt(r.parse)} | ${fmt(r.sign)} | ${ratio(r.sign, ref['node:crypto'].sign)} | ${ratio(r.sign, ref.jose.sign)} | ${fmt(r.both)} |`);
  }
  out();
}
const pure = (bits) => rows.find((r) => r.bits === bits && r.name === 'iamjwt (wasm engine)').sign;
const peer = (bits, name) => rows.find((r) => r.bits === bits && r.name === name).sign;
out('The wasm engine (rsa 0.10) against the pure-JS signers, key parsed once: ' +
  [2048, 4096].map((bits) => `RSA-${bits} ${(peer(bits, 'jsrsasign') / pure(bits)).toFixed(2)}× faster than jsrsasign and ${(peer(bits, 'node-forge') / pure(bits)).toFixed(2)}× faster than node-forge`).join('; ') + '.');
out();
out('## Checking a platform signature');
out();
out('Before a platform signature (node:crypto, WebCrypto) becomes a JWT, it is verified: by the platform\'s own public operation, or, for an engine without one, by the core in wasm. In Node, key parsed once, medians of interleaved rounds (the core\'s check is `finishJwt` less `finishPlatformVerifiedJwt`).');
out();
out('| key | node:crypto verify | the core\'s check in wasm | ×node:crypto | node:crypto sign |');
out('|---|---:|---:|---:|---:|');
for (const c of checks) out(`| RSA-${c.bits} | ${c.platform.toFixed(3)} | ${c.core.toFixed(3)} | ${ratio(c.core, c.platform)} | ${fmt(peer(c.bits, 'node:crypto'))} |`);
out();
out('## Size');
out();
out('In KB of 1000 bytes, as the budget below counts them.');
out();
out('| what | size |');
out('|---|---:|');
out(`| \`pkg/iamjwt_bg.wasm\` | ${kb(size.wasm)} raw, ${kb(size.wasmGzip)} gzip -9, ${kb(size.wasmBrotli)} brotli -q 11 |`);
out(`| \`npm pack\` tarball | ${kb(size.tarball)} packed, ${kb(size.unpacked)} unpacked, ${size.files} files |`);
out(`| runtime dependencies | ${size.runtimeDeps} |`);
out();
out('What parts of the API cost: the .wasm with only these exports kept, after wasm-opt -O3 drops what nothing reaches.');
out();
out('| exports kept | raw | gzip -9 |');
out('|---|---:|---:|');
for (const part of size.parts) out(`| ${part.what} | ${kb(part.raw)} | ${kb(part.gzip)} |`);
out();
if (web) {
  out('## Browser (headless Chromium)');
  out();
  out('Sign, key parsed once, medians of interleaved rounds in one page; jsrsasign and node-forge sign the same 300-byte input size as the JWT, WebCrypto (async) is the platform\'s own RSA-PSS.');
  out();
  out('| key | iamjwt wasm engine | jsrsasign | node-forge | WebCrypto RSA-PSS | wasm ×jsrsasign | wasm ×node-forge |');
  out('|---|---:|---:|---:|---:|---:|---:|');
  for (const bits of [2048, 4096]) {
    const w = web[bits];
    out(`| RSA-${bits} | ${fmt(w.wasm)} | ${fmt(w.jsrsasign)} | ${fmt(w['node-forge'])} | ${fmt(w.webcrypto)} | ${(w.jsrsasign / w.wasm).toFixed(2)}× faster | ${(w['node-forge'] / w.wasm).toFixed(2)}× faster |`);
  }
  out();
  out('The browser API is synchronous, so browsers sign with the wasm engine; WebCrypto is shown for reference.');
  out();
}
out('## Every runtime');
out();
out('The packed tarball installed into a scratch app, as a user installs it; each runtime signs through each engine it has, beside jose and jsrsasign on the same runtime (tests/runtimes/bench.mjs). "default" is `signJwtAsync` with no engine named, the path every token source takes. Key parsed once; medians of interleaved rounds, in milliseconds (in Node, Deno and Bun, the median of three processes\' medians, each process pinned to one CPU; the wasm engine and jsrsasign are timed in rounds of their own). workerd\'s clock stands still during a request, so there each signer is timed from outside (requests that sign n times, less one that signs none); the browsers\' pages are served cross-origin isolated, where their clocks are fine (Firefox rounds to 1 ms otherwise).');
out();
for (const [name, result] of Object.entries(everywhere)) {
  out(`### ${name}`);
  out();
  if (result.failure) {
    out(`Did not run: ${result.failure}`);
    out();
    continue;
  }
  const at = (bits, signer) => result.rows.find((r) => r.bits === bits && r.signer === signer)?.ms;
  const names = [...new Set(result.rows.map((r) => r.signer))];
  out('Key parsed once:');
  out();
  out('| signer | RSA-2048 | ×jose | RSA-4096 | ×jose |');
  out('|---|---:|---:|---:|---:|');
  for (const signer of names.filter((n) => !FIRST.test(n))) {
    out(`| ${signer} | ${fmt(at(2048, signer))} | ${ratio(at(2048, signer), at(2048, 'jose'))} | ${fmt(at(4096, signer))} | ${ratio(at(4096, signer), at(4096, 'jose'))} |`);
  }
  out();
  const platform = names.find((n) => FIRST.test(n) && !/iamjwt|jose/.test(n));
  out(`The first JWT, from the key text each time (×jose: jose's \`importPKCS8\` + \`SignJWT\`; ×platform: ${platform.replace(FIRST, '')} importing the PEM and signing):`);
  out();
  out('| signer | RSA-2048 | ×jose | ×platform | RSA-4096 | ×jose | ×platform |');
  out('|---|---:|---:|---:|---:|---:|---:|');
  for (const signer of names.filter((n) => FIRST.test(n))) {
    const cells = [2048, 4096].map((bits) => `${fmt(at(bits, signer))} | ${ratio(at(bits, signer), at(bits, 'first JWT: jose'))} | ${ratio(at(bits, signer), at(bits, platform))}`);
    out(`| ${signer.replace(FIRST, '')} | ${cells.join(' | ')} |`);
  }
  out();
}
out('### Cold start to the first JWT');
out();
out('From starting a fresh process (for workerd: a fresh workerd, through miniflare) to its one JWT from the RSA-2048 key file: the tarball\'s `signJwtAsync`, against jose\'s `importPKCS8` and `SignJWT`, and against the platform alone importing the key and signing (node:crypto; WebCrypto in workerd; tests/runtimes/cold-*.mjs, worker-cold-*.mjs); medians of interleaved runs. Node is the one that runs the bench. The scripts read the key with node:fs, which in Deno starts its Node layer (30–50 ms) for jose too; "Deno, its own file API" reads it with Deno\'s, as a Deno program would (cold-deno-*.mjs), against WebCrypto as the platform.');
out();
out('| runtime | iamjwt | jose | platform | ×jose | ×platform |');
out('|---|---:|---:|---:|---:|---:|');
for (const [name, c] of Object.entries(coldEverywhere)) {
  if (c.failure) out(`| ${name} | did not run: ${c.failure} | | | | |`);
  else out(`| ${name} | ${c.iamjwt.toFixed(0)} ms | ${c.jose.toFixed(0)} ms | ${c.platform.toFixed(0)} ms (${c.platformName}) | ${ratio(c.iamjwt, c.jose)} | ${ratio(c.iamjwt, c.platform)} (${c.runs} runs each) |`);
}
out();
out('## Goals');
out();
out('Checked by this run, never by a test (timings flake; the sizes of the .wasm and the tarball are also held by tests, tests/js/pack.test.mjs).');
out();
const mark = (ok) => (ok ? 'met' : 'not met');
const defaultVsJose = peer(2048, 'iamjwt (default: native)') / peer(2048, 'jose');
out('| figure | what it measures | goal | this run | |');
out('|---|---|---|---|---|');
for (const bits of [2048, 4096]) {
  const r = peer(bits, 'jsrsasign') / pure(bits);
  out(`| wasm engine, RSA-${bits}, Node | \`signJwt(key, { engine: 'wasm' })\`, key parsed once, against jsrsasign's PS256 | ≥ 3.5× faster than jsrsasign | ${fmt(pure(bits))} ms, ${r.toFixed(2)}× (node-forge: ${(peer(bits, 'node-forge') / pure(bits)).toFixed(2)}×) | ${mark(r >= 3.5)} |`);
}
if (web) {
  for (const bits of [2048, 4096]) {
    const w = web[bits];
    const r = w.jsrsasign / w.wasm;
    out(`| wasm engine, RSA-${bits}, Chromium | the browser entry's \`signJwt\`, key parsed once, against jsrsasign in the same page | ≥ 3.5× faster than jsrsasign | ${fmt(w.wasm)} ms, ${r.toFixed(2)}× | ${mark(r >= 3.5)} |`);
  }
}
out(`| default path, key parsed once, Node | \`signJwt\` (native engine), RSA-2048 | ≤ 1.0× jose | ${defaultVsJose.toFixed(2)}× | ${mark(defaultVsJose <= 1)} |`);
for (const [name, result] of Object.entries(everywhere)) {
  if (result.failure) {
    out(`| every runtime: ${name} | the suite's signers on it | ran | did not run | not met |`);
    continue;
  }
  const at = (bits, signer) => result.rows.find((r) => r.bits === bits && r.signer === signer)?.ms;
  const list = (ratios) => ratios.map((r) => `${r.toFixed(2)}×`).join(' / ');
  const asyncRatios = [2048, 4096].map((bits) => at(bits, 'iamjwt signJwtAsync, default') / at(bits, 'jose'));
  out(`| default path, key parsed once, ${name} | \`signJwtAsync(key)\`, RSA-2048 / RSA-4096 | ≤ 1.2× jose | ${list(asyncRatios)} | ${mark(asyncRatios.every((r) => r <= 1.2))} |`);
  const wasmRatios = [2048, 4096].map((bits) => at(bits, 'jsrsasign') / at(bits, 'iamjwt signJwt, wasm'));
  out(`| wasm engine, ${name} | \`signJwt(key, { engine: 'wasm' })\` against jsrsasign, RSA-2048 / RSA-4096 | ≥ 1.3× faster than jsrsasign | ${list(wasmRatios)} | ${mark(wasmRatios.every((r) => r >= 1.3))} |`);
  // The first JWT: the goals are for the runtimes with node:crypto.
  const names = [...new Set(result.rows.map((r) => r.signer))];
  const platform = names.find((n) => FIRST.test(n) && !/iamjwt|jose/.test(n));
  if (platform !== 'first JWT: node:crypto') continue;
  for (const signer of names.filter((n) => FIRST.test(n) && /iamjwt/.test(n))) {
    const vsJose = [2048, 4096].map((bits) => at(bits, signer) / at(bits, 'first JWT: jose'));
    const vsPlatform = [2048, 4096].map((bits) => at(bits, signer) / at(bits, platform));
    const what = signer.replace(FIRST, '').replace('iamjwt ', '');
    out(`| first JWT, ${name}: ${what} | from the key text to a JWT, RSA-2048 / RSA-4096 | ≤ 1.0× jose | ${list(vsJose)} | ${mark(vsJose.every((r) => r <= 1))} |`);
    out(`| first JWT, ${name}: ${what} | the same, against node:crypto's \`createPrivateKey\` + \`sign\` (the floor) | ≤ 1.3× node:crypto (the aim) | ${list(vsPlatform)} | ${mark(vsPlatform.every((r) => r <= 1.3))} |`);
  }
}
for (const [name, c] of Object.entries(coldEverywhere)) {
  const r = c.failure ? Infinity : c.iamjwt / c.jose;
  out(`| cold start, ${name} | a fresh process importing the tarball, reading key.json and printing one JWT, against the same with jose | ≤ 1.0× jose | ${c.failure ? 'did not run' : `${r.toFixed(2)}×`} | ${mark(r <= 1)} |`);
}
out(`| \`.wasm\` gzip -9 | the .wasm users ship | ≤ 140 KB (a test holds it) | ${kb(size.wasmGzip)} (the signer alone ${kb(size.parts[0].gzip)}) | ${mark(size.wasmGzip <= 140_000)} |`);
out(`| tarball | \`npm pack\`, as installed | ≤ 700 KB unpacked (both .wasm files), 0 runtime deps (a test holds it) | ${kb(size.unpacked)}, ${size.runtimeDeps} deps | ${mark(size.unpacked <= 700_000 && size.runtimeDeps === 0)} |`);
out();
out('Levers measured apart (opt-levels, what each choice cost), and their history: bench/levers.md.');
out();
out('## Reproduce');
out();
out('```sh');
out('npm run bench          # about five minutes (every runtime); writes this file');
out('npm run bench -- --quick');
out('```');
out();
const report = `${lines.join('\n')}\n`;
process.stdout.write(report);
if (!quick) writeFileSync(join(root, 'BENCHMARKS.md'), report);
