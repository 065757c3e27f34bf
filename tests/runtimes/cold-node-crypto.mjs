// Cold start, the platform's own: node:crypto imports the PEM and signs the
// JWT that cold-iamjwt.mjs prints, with nothing else (no check of the key,
// no check of the signature): the floor under both libraries.
//   <runtime> cold-node-crypto.mjs KEY.json
import { constants, createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';

const file = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const now = Math.floor(Date.now() / 1000);
const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const input = `${part({ typ: 'JWT', alg: 'PS256', kid: file.id })}.${part({ iss: file.service_account_id, aud: 'https://iam.api.cloud.yandex.net/iam/v1/tokens', iat: now, exp: now + 3600 })}`;
const key = createPrivateKey(file.private_key.replace(/^PLEASE.*\n/, ''));
const signature = sign('sha256', Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
process.stdout.write(`${input}.${signature.toString('base64url')}`);
