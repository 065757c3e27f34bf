// Compiles and instantiates the package's .wasm synchronously, before the
// API module runs. Imported first by js/node.mjs (Node, Deno, Bun).
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
// Deno reads it with its own API: any node: module starts Deno's Node layer,
// about 30 ms (bench/levers.md), which a program that signs nothing
// natively never needs.
const wasm = new URL('../pkg/iamjwt_bg.wasm', import.meta.url);
initSync({ module: globalThis.Deno?.readFileSync?.(wasm) ?? builtin('node:fs').readFileSync(wasm) });
markLoaded();
