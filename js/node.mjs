// Node entry (also Deno's and Bun's; js/node.cjs hands it to require()).
// Loads the one .wasm synchronously from the package; signs with
// node:crypto by default, WebCrypto or wasm on request.
import './load-node.mjs';
import './node-engine.mjs';
import './webcrypto-engine.js';

export { init } from './init.js';
export * from './api.js';
export * from './tokens.js';
