#!/usr/bin/env node
// The main job on the built-in default (`npm start`): check the bundled
// THROWAWAY demo key, mint a JWT from it, and verify that JWT twice, with
// iamjwt and independently with node:crypto (RSA-PSS, SHA-256, salt 32).
import { constants, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { checkKey, decodeJwt, parseKey, signJwt, verifyJwt } from '../js/node.mjs';

const keyPath = new URL('../www/demo-key.json', import.meta.url);
const json = readFileSync(keyPath, 'utf8');
const out = (line = '') => process.stdout.write(`${line}\n`);

out('iamjwt demo: www/demo-key.json is a THROWAWAY demo key; it belongs to no cloud account and opens nothing.');
out();

const report = checkKey(json);
out(`1. Key check: ${report.ok ? 'the key can mint tokens' : 'the key CANNOT mint tokens'}`);
for (const c of report.checks) out(`   ${c.verdict.padEnd(4)}  ${c.id.padEnd(13)}  ${c.message}`);
if (!report.ok) process.exit(1);
out();

const key = parseKey(json);
const started = performance.now();
const jwt = signJwt(key, { ttl: 3600 });
const ms = (performance.now() - started).toFixed(1);
out(`2. JWT for service account ${key.serviceAccountId}, key ${key.id} (RSA-${key.modulusBits}, signed in ${ms} ms):`);
out(jwt);
out();
const { header, payload } = decodeJwt(jwt);
out(`   header  ${JSON.stringify(header)}`);
out(`   payload ${JSON.stringify(payload)}`);
out(`           iat ${new Date(payload.iat * 1000).toISOString()}, exp ${new Date(payload.exp * 1000).toISOString()}`);
out();

verifyJwt(jwt, key);
const [h, p, s] = jwt.split('.');
const publicKey = createPublicKey(JSON.parse(json).public_key);
const independent = verify(
  'sha256',
  Buffer.from(`${h}.${p}`),
  { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
  Buffer.from(s, 'base64url'),
);
out('3. Verified:');
out('   iamjwt verifyJwt: signature, kid, iss, lifetime: ok');
out(`   node:crypto RSA-PSS SHA-256 salt 32 against public_key: ${independent ? 'ok' : 'FAILED'}`);
key.free();
if (!independent) process.exit(1);
out();
out('With a real key:  npx iamjwt jwt --key key.json');
out('Exchange it:      curl -sX POST https://iam.api.cloud.yandex.net/iam/v1/tokens -d "{\\"jwt\\":\\"$(npx iamjwt jwt --key key.json)\\"}"');
