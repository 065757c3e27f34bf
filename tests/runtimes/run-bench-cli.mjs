// The bench in a command-line runtime (Node, Deno, Bun), from the scratch
// app: prints its rows as JSON.
import { readFileSync } from 'node:fs';
import * as jose from 'jose';
import jsrsasign from 'jsrsasign';
import * as lib from 'iamjwt';
import { bench } from './bench.mjs';
import { nodeCryptoJwt } from './node-crypto-jwt.mjs';

// The platform's own first JWT: node:crypto imports the PEM and signs.
const platform = { name: 'node:crypto', jwt: nodeCryptoJwt };

const env = JSON.parse(readFileSync(process.argv[2], 'utf8'));
process.stdout.write(JSON.stringify(await bench(lib, { jose, jsrsasign, platform }, env)));
