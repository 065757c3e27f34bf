// The bench in a Cloudflare Worker. workerd's clock stands still while a
// request runs, so the runner times requests from outside: POST
// {env, bits, signer, n} signs n times and answers with the signers' names.
import * as jose from 'jose';
import * as lib from 'iamjwt';
import { signMany } from './bench.mjs';

export default {
  async fetch(request) {
    const { env, bits, signer, n } = await request.json();
    return Response.json(await signMany(lib, jose, env, bits, signer, n));
  },
};
