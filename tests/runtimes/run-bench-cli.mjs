// The bench in a command-line runtime (Node, Deno, Bun), from the scratch
// app: prints its rows as JSON.
import { constants, createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as jose from 'jose';
import jsrsasign from 'jsrsasign';
import * as lib from 'iamjwt';
import { bench } from './bench.mjs';

// The platform's own first JWT: node:crypto imports the PEM and signs.
const b64url = (text) => Buffer.from(text).toString('base64url');
const platform = {
  name: 'node:crypto',
  jwt(pem, header, claims) {
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const key = createPrivateKey(pem);
    const signature = sign('sha256', Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    return `${input}.${signature.toString('base64url')}`;
  },
};

const env = JSON.parse(readFileSync(process.argv[2], 'utf8'));
process.stdout.write(JSON.stringify(await bench(lib, { jose, jsrsasign, platform }, env)));
