// Cold start, jose: the same job as cold-iamjwt.mjs.
//   <runtime> cold-jose.mjs KEY.json
import { readFileSync } from 'node:fs';
import { joseJwt } from './cold-jose-sign.mjs';

process.stdout.write(await joseJwt(readFileSync(process.argv[2], 'utf8')));
