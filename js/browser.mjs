// Browser entry (and the default): loads the .wasm beside the package at
// import (Vite and other bundlers that follow `new URL(…, import.meta.url)`
// ship it with the app); where that fails, `await init(wasm)` loads it from
// its URL, a Response, its bytes or a WebAssembly.Module. Signs with
// WebCrypto (signJwtAsync, the token sources) or wasm.
import { init } from './init.js';
import './webcrypto-engine.js';

export { init };
export * from './api.js';
export * from './tokens.js';

// Tried now; a failure is kept and reported by the first call (ERR_WASM_NOT_LOADED).
await init().catch(() => {});
