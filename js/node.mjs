// Node entry (ESM; bundled into pkg/node.cjs for require). Loads the one
// .wasm synchronously from the package, then exposes the shared API.
import './load-node.mjs';

export * from './api.js';
export * from './tokens.js';
