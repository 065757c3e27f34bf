// The bench in a Cloudflare Worker. workerd's clock stands still while a
// request runs, so the runner times requests from outside: POST
// {env, bits, signer, n} signs n times and answers with the signers' names.
import * as jose from 'jose';
import * as lib from 'iamjwt';
import { signMany } from './bench.mjs';

export default {
  async fetch(request) {
    const { env, bits, signer, n } = await request.json();
    // jsrsasign seeds its generator when loaded, and a Worker may not draw
    // random values at global scope: it is loaded in the handler.
    const jsrsasign = (await import('jsrsasign')).default;
    return Response.json(await signMany(lib, { jose, jsrsasign }, env, bits, signer, n));
  },
};
