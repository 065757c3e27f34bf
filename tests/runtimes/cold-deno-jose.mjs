// Cold start in Deno, jose: the same job as cold-deno-iamjwt.mjs.
//   deno run --allow-read cold-deno-jose.mjs KEY.json
import { joseJwt } from './cold-jose-sign.mjs';

Deno.stdout.writeSync(new TextEncoder().encode(await joseJwt(Deno.readTextFileSync(Deno.args[0]))));
