// A small web app bundled by esbuild, which does not follow
// `new URL(…, import.meta.url)`: the .wasm comes in through its file
// loader, and init() loads it.
import * as lib from 'iamjwt';
import wasmUrl from 'iamjwt/iamjwt_bg.wasm';
import { run } from '../suite.mjs';

await lib.init(new URL(wasmUrl, import.meta.url));
const env = await (await fetch('/env.json')).json();
window.iamjwtOutcome = await run(lib, env);
