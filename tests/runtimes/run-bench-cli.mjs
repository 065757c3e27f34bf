// The bench in a command-line runtime (Node, Deno, Bun), from the scratch
// app: prints its rows as JSON.
import { readFileSync } from 'node:fs';
import * as jose from 'jose';
import jsrsasign from 'jsrsasign';
import * as lib from 'iamjwt';
import { bench } from './bench.mjs';

const env = JSON.parse(readFileSync(process.argv[2], 'utf8'));
process.stdout.write(JSON.stringify(await bench(lib, { jose, jsrsasign }, env)));
