// Cold start in a Worker, jose: the same job as worker-cold-iamjwt.mjs.
import { joseJwt } from './cold-jose-sign.mjs';

export default {
  async fetch(request) {
    return new Response(await joseJwt(await request.text()));
  },
};
