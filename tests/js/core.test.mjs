// The built wasm core itself: Wycheproof RSASSA-PSS vectors through the
// wasm verifier, and the error codes the core knows against the JS list and
// the TypeScript union.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import '../../js/load-node.mjs';
import * as core from '../../pkg/iamjwt.js';
import { CORE_ERROR_CODES, ERROR_CODES } from '../../js/errors.js';
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

test('the JS error codes and the TypeScript union list exactly the core codes, plus the JS ones', () => {
  assert.deepEqual([...core.errorCodes()], [...CORE_ERROR_CODES]);
  const dts = readFileSync(`${root}js/index.d.ts`, 'utf8');
  const union = dts.match(/export type IamJwtErrorCode =([^;]+);/)[1].match(/'([A-Z_]+)'/g).map((s) => s.slice(1, -1));
  assert.deepEqual(union.sort(), [...ERROR_CODES].sort());
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
