// The built wasm core itself: Wycheproof RSASSA-PSS vectors through the
// wasm verifier, and the error codes the core knows against the JS list and
// the TypeScript union.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import '../../js/load-node.mjs';
import * as core from '../../pkg/iamjwt.js';
import { CLI_ERROR_CODES, CORE_ERROR_CODES, ERROR_CODES, JS_ERROR_CODES } from '../../js/errors.js';
import { nodeCryptoVerifies, root } from './helpers.mjs';

for (const bits of [2048, 3072, 4096]) {
  test(`Wycheproof rsa_pss_${bits}_sha256_mgf1_32 through the wasm verifier`, () => {
    const suite = JSON.parse(readFileSync(`${root}tests/vectors/wycheproof/rsa_pss_${bits}_sha256_mgf1_32_test.json`, 'utf8'));
    const counts = { valid: 0, invalid: 0 };
    for (const group of suite.testGroups) {
      assert.equal(group.sLen, 32);
      for (const t of group.tests) {
        const run = () => core.verifyPs256(group.publicKeyPem, Buffer.from(t.msg, 'hex'), Buffer.from(t.sig, 'hex'));
        if (t.result === 'valid') run();
        else assert.throws(run, (e) => e.code === 'ERR_JWT_SIGNATURE', `case ${t.tcId}`);
        counts[t.result] += 1;
      }
    }
    assert.deepEqual(counts, { valid: 63, invalid: 45 });
  });
}

test('one table of codes: the core\'s, the TypeScript union and every code the JS layer and the CLI can give agree', () => {
  // The core's table (src/error.rs), as the built .wasm gives it, is what js/errors.js lists.
  assert.deepEqual([...core.errorCodes()], [...CORE_ERROR_CODES]);
  assert.equal(new Set(ERROR_CODES).size, ERROR_CODES.length, 'no code twice');
  assert.deepEqual([...ERROR_CODES], [...CORE_ERROR_CODES, ...JS_ERROR_CODES, ...CLI_ERROR_CODES]);
  const dts = readFileSync(`${root}js/index.d.ts`, 'utf8');
  const union = dts.match(/export type IamJwtErrorCode =([^;]+);/)[1].match(/'([A-Z_]+)'/g).map((s) => s.slice(1, -1));
  assert.deepEqual([...union].sort(), [...ERROR_CODES].sort());
  // Every code a JS file throws or the CLI prints is in the table (a code
  // only compared with, such as Node's ERR_MODULE_NOT_FOUND, is not given).
  const given = new Set();
  for (const file of readdirSync(`${root}js`).filter((f) => /\.m?js$/.test(f))) {
    for (const [, code] of readFileSync(`${root}js/${file}`, 'utf8').matchAll(/(?<![!=]== )'(ERR_[A-Z_]+)'/g)) given.add(code);
  }
  assert.ok(given.has('ERR_USAGE') && given.has('ERR_PORT_IN_USE') && given.has('ERR_FETCH_FAILED'), [...given].join(' '));
  for (const code of given) assert.ok(ERROR_CODES.includes(code), `${code} is thrown or printed but not in ERROR_CODES`);
  for (const code of CLI_ERROR_CODES) {
    assert.ok(readFileSync(`${root}js/cli.mjs`, 'utf8').includes(`'${code}'`), `the CLI prints ${code}`);
  }
});

// rsa 0.10's signer as built for wasm (32-bit limbs, the opt-levels of the
// release profile) at odd and large sizes: many signatures, each checked by
// node:crypto. rsa checks each one itself (s^e = c) before returning it.
test('the wasm engine signs at 2048, 2049, 3000, 4096 and 8192 bits; node:crypto verifies every signature', async () => {
  const { parseKey, signJwt } = await import('../../js/node.mjs');
  const { createPrivateKey, createPublicKey } = await import('node:crypto');
  const pem = (bits) => readFileSync(`${root}tests/fixtures/keys/rsa${bits}.pem`, 'utf8');
  const keys = [
    [JSON.parse(readFileSync(`${root}tests/fixtures/key-2048.json`, 'utf8')), 100],
    [{ id: 'k2049', service_account_id: 'sa2049', private_key: pem(2049) }, 10],
    [{ id: 'k3000', service_account_id: 'sa3000', private_key: pem(3000) }, 5],
    [JSON.parse(readFileSync(`${root}tests/fixtures/key-4096.json`, 'utf8')), 10],
    [{ id: 'k8192', service_account_id: 'sa8192', private_key: pem(8192) }, 2],
  ];
  for (const [file, count] of keys) {
    const publicPem = createPublicKey(createPrivateKey(file.private_key.replace(/^PLEASE.*\n/, ''))).export({ type: 'spki', format: 'pem' });
    const key = parseKey(JSON.stringify(file));
    for (let i = 0; i < count; i += 1) {
      const jwt = signJwt(key, { engine: 'wasm' });
      assert.ok(nodeCryptoVerifies(jwt, publicPem), `${file.id}, signature ${i}`);
    }
    key.free();
  }
});
