// A small web app built by Vite, which ships the .wasm beside the bundle
// (it follows `new URL(…, import.meta.url)`): no set-up.
import * as lib from 'iamjwt';
import { run } from '../suite.mjs';

const env = await (await fetch('/env.json')).json();
window.iamjwtOutcome = await run(lib, env);
