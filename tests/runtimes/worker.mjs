// The suite in a Cloudflare Worker: bundled by wrangler as a Workers user
// bundles one (the .wasm imported as a module), run in workerd by
// miniflare. POST the env, get the outcome.
import * as lib from 'iamjwt';
import { run } from './suite.mjs';

export default {
  async fetch(request) {
    return Response.json(await run(lib, await request.json()));
  },
};
