// Instantiates the inlined .wasm synchronously; single.js calls it before
// starting the page.
import { initSync } from '../pkg/iamjwt.js';
import wasm from '../pkg/iamjwt_bg.wasm';
import { assertPlatform } from '../js/platform.js';

export function loadInline() {
  assertPlatform();
  initSync({ module: wasm });
}
