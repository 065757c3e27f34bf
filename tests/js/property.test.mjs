// Random and mutated inputs through every exported function of the built
// package: each call returns or throws an IamJwtError (never a wasm trap or
// a raw TypeError), and afterwards the same module instance still signs a
// valid JWT, so nothing trapped or poisoned it. Seeded, so a failure repeats.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as iamjwt from '../../js/node.mjs';
import { fixture, fixtureDir, nodeCryptoVerifies } from './helpers.mjs';

const ROUNDS = Number(process.env.IAMJWT_PROPERTY_ROUNDS ?? 10_000);
const SEED = Number(process.env.IAMJWT_PROPERTY_SEED ?? 20261123);

/** mulberry32: a small seeded PRNG. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = prng(SEED);
const int = (n) => Math.floor(rand() * n);
const pick = (xs) => xs[int(xs.length)];

const seeds = [
  ...fixtureDir('shapes').map(([, t]) => t),
  ...fixtureDir('rejects').map(([, t]) => t),
  fixture('key-4096.json'),
  fixture('public-2048.pem'),
  fixture('key-2048-public-only.json'),
];
const goodKey = iamjwt.parseKey(fixture('key-2048.json'));
const goodJwt = iamjwt.signJwt(goodKey);
const tokens = [goodJwt, goodJwt.split('.').slice(0, 2).join('.'), `${goodJwt}.`, 'e30.e30.', 'eyJhbGciOiJQUzI1NiJ9.e30.AAAA'];
const ALPHABET = ' {}[]":,\\\n\r\t-=+/._0123456789abcdefABCDEF\u0000\u00ff\u2028\ud800é😀';

/** A random mutation of a seed: flips, cuts, splices, duplications, random junk. */
function mutate(text) {
  let s = text;
  for (let n = 1 + int(4); n > 0; n -= 1) {
    const at = int(s.length + 1);
    switch (int(7)) {
      case 0: s = s.slice(0, at) + pick(ALPHABET) + s.slice(at + 1); break;
      case 1: s = s.slice(0, at); break;
      case 2: s = s.slice(at); break;
      case 3: s = s.slice(0, at) + s.slice(int(s.length), int(s.length) + int(200)) + s.slice(at); break;
      case 4: s = s.slice(0, at) + Array.from({ length: int(50) }, () => pick(ALPHABET)).join('') + s.slice(at); break;
      case 5: s = s.replace(/[A-Za-z0-9+/]{8}/, (m) => m.split('').reverse().join('')); break;
      default: s = s.slice(0, at) + s.slice(at, at + int(100)).repeat(1 + int(3)) + s.slice(at + int(100));
    }
  }
  return s;
}

function randomValue() {
  switch (int(12)) {
    case 0: return undefined;
    case 1: return null;
    case 2: return rand() * 1e12 * (rand() < 0.5 ? -1 : 1);
    case 3: return pick([NaN, Infinity, -Infinity, 0, -0, 2 ** 53, 2 ** 64, 1.5, 3600, 3601]);
    case 4: return { id: mutate('ajeid'), service_account_id: 1, private_key: [] };
    case 5: return new Uint8Array(Array.from({ length: int(64) }, () => int(256)));
    case 6: return [1, 'two', { three: 3 }];
    case 7: return pick(tokens);
    case 8: return mutate(pick(tokens));
    case 9: return pick(seeds);
    default: return mutate(pick(seeds));
  }
}

// Each call's own options (another name is ERR_OPTION_INVALID, which the
// unknown-name draws exercise), with random values.
const OPTION_NAMES = {
  signJwt: ['now', 'ttl', 'audience', 'endpoint', 'engine'],
  verifyJwt: ['now', 'leeway', 'audience'],
  checkKey: ['now'],
};
const randomOptions = (call) => {
  if (rand() < 0.3) return randomValue();
  const options = {};
  for (const name of OPTION_NAMES[call]) {
    if (rand() < 0.4) options[name] = name === 'engine' ? pick(['wasm', 'native', 'auto', 'gpu', 3]) : randomValue();
  }
  if (rand() < 0.05) options[pick(['ttl2', 'aud', 'nbf', 'leway'])] = 1;
  return options;
};

const calls = {
  parseKey: () => iamjwt.parseKey(rand() < 0.8 ? mutate(pick(seeds)) : randomValue()).free(),
  signJwt: () => iamjwt.signJwt(rand() < 0.5 ? goodKey : rand() < 0.7 ? mutate(pick(seeds)) : randomValue(), randomOptions('signJwt')),
  decodeJwt: () => iamjwt.decodeJwt(rand() < 0.8 ? mutate(pick(tokens)) : randomValue()),
  verifyJwt: () => iamjwt.verifyJwt(rand() < 0.8 ? mutate(pick(tokens)) : randomValue(), rand() < 0.4 ? goodKey : rand() < 0.5 ? mutate(pick(seeds)) : randomValue(), randomOptions('verifyJwt')),
  checkKey: () => iamjwt.checkKey(rand() < 0.8 ? mutate(pick(seeds)) : randomValue(), randomOptions('checkKey')),
};

test(`${ROUNDS} random and mutated inputs: every call returns or throws IamJwtError, and the module still works`, () => {
  const outcomes = Object.fromEntries(Object.keys(calls).map((name) => [name, { ok: 0, rejected: 0 }]));
  const names = Object.keys(calls);
  for (let round = 0; round < ROUNDS; round += 1) {
    const name = names[round % names.length];
    try {
      calls[name]();
      outcomes[name].ok += 1;
    } catch (error) {
      if (!(error instanceof iamjwt.IamJwtError) || error.code === 'ERR_INTERNAL') {
        assert.fail(`round ${round} (seed ${SEED}), ${name}: ${error?.name}: ${error?.code ?? ''} ${error?.message}`);
      }
      assert.ok(iamjwt.ERROR_CODES.includes(error.code), error.code);
      assert.ok(!error.message.includes('\n'), `${name}: multi-line message`);
      outcomes[name].rejected += 1;
    }
  }
  // Both outcomes happened for every function: the inputs reached deep and failed loudly.
  for (const [name, o] of Object.entries(outcomes)) {
    assert.ok(o.ok > 0 && o.rejected > 0, `${name}: ${JSON.stringify(o)}`);
  }
  // The same module instance still parses, signs and verifies.
  const key = iamjwt.parseKey(fixture('key-4096.json'));
  for (const engine of ['wasm', 'native']) {
    const jwt = iamjwt.signJwt(key, { engine });
    assert.ok(nodeCryptoVerifies(jwt, JSON.parse(fixture('key-4096.json')).public_key));
    assert.equal(iamjwt.verifyJwt(jwt, key).header.kid, 'ajetestkey4096000001');
  }
  key.free();
});
