// Cold start in Deno, written as a Deno program: the key is read and the JWT
// printed with Deno's own API, so no node: module and no `process` start
// Deno's Node layer (cold-iamjwt.mjs reads with node:fs, which does, for
// jose as well). bench/runtimes.mjs times it.
//   deno run --allow-read cold-deno-iamjwt.mjs KEY.json
import { signJwtAsync } from 'iamjwt';

Deno.stdout.writeSync(new TextEncoder().encode(await signJwtAsync(Deno.readTextFileSync(Deno.args[0]))));
