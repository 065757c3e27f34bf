// Node entry (ESM; js/node.cjs hands it to require()). Loads the one
// .wasm synchronously from the package, then exposes the shared API.
import './load-node.mjs';

import './node-engine.mjs';

export * from './api.js';
export * from './tokens.js';
