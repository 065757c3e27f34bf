// Compiles and instantiates the package's .wasm synchronously, before the
// API module runs. Imported first by js/node.mjs (Node, Deno, Bun).
import { readFileSync } from 'node:fs';
import { initSync } from '../pkg/iamjwt.js';
import { markLoaded } from './loaded.js';
import { assertPlatform } from './platform.js';

assertPlatform();
initSync({ module: readFileSync(new URL('../pkg/iamjwt_bg.wasm', import.meta.url)) });
markLoaded();
