// Secrets stay secret: after a key is freed (or a call that touched one
// returns), no piece of its private numbers is left anywhere in wasm memory,
// heap or stack; and no error message or CLI output quotes a private key,
// however the JSON around it is damaged.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { test } from 'node:test';
import * as iamjwt from '../../js/node.mjs';
import { initSync } from '../../pkg/iamjwt.js';
import { fixture, root, secretRuns } from './helpers.mjs';

// The module is already instantiated by the entry: initSync hands back its exports.
const wasm = initSync({ module: new Uint8Array() });
const KEY = fixture('key-2048.json');
const PEM = fixture('keys/rsa2048.pem');

/** A key's private numbers (JWK d, p, q, dp, dq, qi) and its PEM text in 16-byte runs. */
function secretsOf(pem) {
  const jwk = createPrivateKey(pem).export({ format: 'jwk' });
  const numbers = Object.fromEntries(['d', 'p', 'q', 'dp', 'dq', 'qi'].map((k) => [k, Buffer.from(jwk[k], 'base64url')]));
  return { numbers, runs: secretRuns(pem) };
}
const SECRETS = secretsOf(PEM);
const RUNS = SECRETS.runs;

/** Every 16-byte run of each private number, big-endian (DER) and little-endian (limbs), and of the PEM text. */
function leftovers({ numbers, runs } = SECRETS) {
  const memory = Buffer.from(wasm.memory.buffer);
  const found = [];
  for (const [name, be] of Object.entries(numbers)) {
    const le = Buffer.from(be).reverse();
    for (let i = 0; i + 16 <= be.length; i += 8) {
      if (memory.indexOf(be.subarray(i, i + 16)) >= 0) found.push(`${name}[${i}] big-endian`);
      if (memory.indexOf(le.subarray(i, i + 16)) >= 0) found.push(`${name}[${i}] little-endian`);
    }
  }
  for (const run of runs) if (memory.indexOf(run) >= 0) found.push(`PEM text ${run}`);
  return found;
}

test('the scan sees a live key (so an empty scan means something)', () => {
  const key = iamjwt.parseKey(KEY);
  assert.ok(leftovers().length > 20);
  key.free();
});

test('after free, nothing of the private key is left in wasm memory', () => {
  for (const engine of ['wasm', 'native']) {
    const key = iamjwt.parseKey(KEY);
    for (let i = 0; i < 3; i += 1) iamjwt.signJwt(key, { engine });
    key.free();
    assert.deepEqual(leftovers(), [], engine);
  }
});

test('an RSA-4096 key (2048-bit primes, rsa\'s larger buffers) leaves nothing either', () => {
  const json = fixture('key-4096.json');
  const secrets = secretsOf(JSON.parse(json).private_key.replace(/^PLEASE.*\n/, ''));
  const key = iamjwt.parseKey(json);
  assert.ok(leftovers(secrets).length > 20);
  for (let i = 0; i < 3; i += 1) iamjwt.signJwt(key, { engine: 'wasm' });
  key.free();
  assert.deepEqual(leftovers(secrets), []);
  iamjwt.signJwt(json, { engine: 'wasm' });
  assert.deepEqual(leftovers(secrets), []);
});

test('calls that touch a key leave nothing behind when they return', () => {
  const calls = {
    'signJwt(json)': () => iamjwt.signJwt(KEY, { engine: 'wasm' }),
    'checkKey(json)': () => iamjwt.checkKey(KEY),
    'verifyJwt(jwt, json)': () => iamjwt.verifyJwt(iamjwt.signJwt(KEY), KEY),
    'parseKey(a mismatched file) throws': () => assert.throws(() => iamjwt.parseKey(fixture('rejects/public-key-mismatch.json'))),
    'parseKey(a file whose private key is damaged) throws': () => assert.throws(() => iamjwt.parseKey(fixture('rejects/corrupt-flipped-byte.json'))),
  };
  for (const [name, call] of Object.entries(calls)) {
    call();
    assert.deepEqual(leftovers(), [], name);
  }
});

/** The key inside damaged JSON, in many ways. */
function damaged() {
  const obj = JSON.parse(KEY);
  const text = KEY;
  return [
    text.replace('{', ''), text.replace(/}\s*$/, ''), `${text}}`, `[${text}]`, text.replace(/",\n/g, '"\n'),
    text.replace('"private_key"', 'private_key'), text.replace('"private_key": "', '"private_key": '),
    text.replace(/\\n/g, '\n'), text.replace('-----END PRIVATE KEY-----', ''), text.replace('BEGIN PRIVATE', 'BEGIN EC PRIVATE'),
    JSON.stringify({ ...obj, private_key: obj.private_key.slice(0, 900) }),
    JSON.stringify({ ...obj, id: undefined }), JSON.stringify({ ...obj, service_account_id: 7 }),
    JSON.stringify({ access_key: obj, secret: obj.private_key }), JSON.stringify({ api_key: obj, secret: obj.private_key }),
    JSON.stringify({ key: obj, privateKey: obj.private_key, userAccountId: 'x' }),
    obj.private_key, `yaml: ${obj.private_key}`, `${obj.private_key}\n${text}`,
    JSON.stringify({ ...obj, public_key: obj.private_key }), JSON.stringify({ ...obj, private_key: obj.public_key }),
  ];
}

test('no error message quotes the private key, from the API or the CLI', () => {
  let errors = 0;
  for (const text of damaged()) {
    for (const call of [() => iamjwt.parseKey(text), () => iamjwt.signJwt(text), () => iamjwt.verifyJwt('a.b.c', text)]) {
      try {
        call();
      } catch (e) {
        errors += 1;
        for (const run of RUNS) assert.ok(!e.message.includes(run), `message quotes the key: ${e.message}`);
      }
    }
    const report = JSON.stringify(iamjwt.checkKey(text));
    for (const run of RUNS) assert.ok(!report.includes(run), 'a check message quotes the key');
    for (const args of [['jwt', '--key', '-'], ['check', '--key', '-'], ['token', '--key', '-', '--endpoint', 'http://127.0.0.1:9/']]) {
      const r = spawnSync(process.execPath, [`${root}js/cli.mjs`, ...args], { input: text, encoding: 'utf8', timeout: 20_000 });
      for (const run of RUNS) assert.ok(!(r.stderr + r.stdout).includes(run), `CLI ${args[0]} quotes the key: ${r.stderr}`);
    }
  }
  assert.ok(errors > 30);
});
