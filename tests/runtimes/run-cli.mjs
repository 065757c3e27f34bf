// The suite in a command-line runtime (Node, Deno, Bun), from the scratch
// app where the packed tarball is installed: `iamjwt` resolves as a user's
// import does. Prints the suite's outcome as JSON.
import { readFileSync } from 'node:fs';
import * as lib from 'iamjwt';
import { run } from './suite.mjs';

const env = JSON.parse(readFileSync(process.argv[2], 'utf8'));
process.stdout.write(JSON.stringify(await run(lib, env)));
