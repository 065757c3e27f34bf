// Cold start, the platform's own: node:crypto imports the PEM and signs the
// JWT that cold-iamjwt.mjs prints, with nothing else (no check of the key,
// no check of the signature): the floor under both libraries.
//   <runtime> cold-node-crypto.mjs KEY.json
import { readFileSync } from 'node:fs';
import { jwtParts } from './first-jwt.mjs';
import { nodeCryptoJwt } from './node-crypto-jwt.mjs';

const { pem, header, claims } = jwtParts(readFileSync(process.argv[2], 'utf8'));
process.stdout.write(nodeCryptoJwt(pem, header, claims));
