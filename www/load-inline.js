// Instantiates the inlined .wasm synchronously; single.js calls it before
// starting the page.
import { initSync } from '../pkg/iamjwt.js';
import wasm from '../pkg/iamjwt_bg.wasm';
import { markLoaded } from '../js/loaded.js';
import { assertPlatform } from '../js/platform.js';
import '../js/webcrypto-engine.js';

export function loadInline() {
  assertPlatform();
  initSync({ module: wasm });
  markLoaded();
}
