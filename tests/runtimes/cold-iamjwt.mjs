// Cold start, iamjwt: a fresh process (or Worker) imports the library,
// parses the key and prints one JWT (bench/runtimes.mjs times it).
//   <runtime> cold-iamjwt.mjs KEY.json
import { readFileSync } from 'node:fs';
import { signJwtAsync } from 'iamjwt';

process.stdout.write(await signJwtAsync(readFileSync(process.argv[2], 'utf8')));
