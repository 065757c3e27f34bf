// Cloudflare Workers entry (conditions workerd, worker, edge-light): the
// .wasm is imported as a module, which the Workers bundler (wrangler)
// compiles ahead, because Workers cannot compile WebAssembly from bytes at
// run time. Signs with WebCrypto (signJwtAsync, the token sources) or wasm.
import wasm from '../pkg/iamjwt_bg.wasm';
import { initSync } from '../pkg/iamjwt.js';
import { markLoaded } from './loaded.js';
import { assertPlatform } from './platform.js';
import './webcrypto-engine.js';

assertPlatform();
initSync({ module: wasm });
markLoaded();

export { init } from './init.js';
export * from './api.js';
export * from './tokens.js';
