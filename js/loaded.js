// Whether the entry has loaded the .wasm (internal). Node and the Workers
// entry load it before any code of the caller's runs; the browser entry
// tries at import, and `init()` loads it from anywhere else.
import { IamJwtError } from './errors.js';

let loaded = false;
let failure = null;

export function markLoaded() {
  loaded = true;
  failure = null;
}

export function isLoaded() {
  return loaded;
}

export function markFailed(error) {
  if (!loaded) failure = error;
}

/** Throws, before any call into the core, when the .wasm is not loaded. */
export function ensureLoaded() {
  if (loaded) return;
  throw new IamJwtError(
    'ERR_WASM_NOT_LOADED',
    `iamjwt's .wasm is not loaded${failure ? ` (${String(failure?.message ?? failure).split('\n')[0]})` : ''}: ` +
      'call await init(wasm) first, with its URL, a Response, its bytes or a WebAssembly.Module',
    { cause: failure ?? undefined },
  );
}
