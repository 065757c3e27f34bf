// Cold start in a Worker, iamjwt: POST the key file, get one JWT.
// run-cold-workerd.mjs starts a fresh workerd for every JWT.
import { signJwtAsync } from 'iamjwt';

export default {
  async fetch(request) {
    return new Response(await signJwtAsync(await request.text()));
  },
};
