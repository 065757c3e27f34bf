// Compiles and instantiates the package's .wasm synchronously, before the
// API module runs. Imported first by js/node.mjs (Node, Deno, Bun).
import { readFileSync } from 'node:fs';
import { builtin } from '#builtin';
import { initSync } from '../pkg/iamjwt.js';
import { markLoaded } from './loaded.js';
import { assertPlatform } from './platform.js';

// Node 18 has WebCrypto only as node:crypto's `webcrypto`, not as
// globalThis.crypto, which the .wasm draws its random numbers from
// (getRandomValues) and the WebCrypto engine signs with: give it the one
// Node 19 and later have.
if (globalThis.crypto === undefined) {
  Object.defineProperty(globalThis, 'crypto', { value: builtin('node:crypto').webcrypto, writable: true, configurable: true });
}

assertPlatform();
initSync({ module: readFileSync(new URL('../pkg/iamjwt_bg.wasm', import.meta.url)) });
markLoaded();
