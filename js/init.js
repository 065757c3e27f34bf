// init(input): loads the .wasm from its URL, a Response, its bytes or a
// compiled WebAssembly.Module, once. The browser entry calls it at import
// with the URL next to the package; Node and the Workers entry have loaded
// the .wasm already, so there it only resolves.
import initGlue from '../pkg/iamjwt.js';
import { assertPlatform } from './platform.js';
import { isLoaded, markFailed, markLoaded } from './loaded.js';

let loading = null;

/** Loads the .wasm (default: `iamjwt_bg.wasm` beside the package's glue). */
export function init(input) {
  if (isLoaded()) return Promise.resolve();
  if (input === undefined && loading) return loading;
  loading = (async () => {
    assertPlatform();
    await initGlue({ module_or_path: input ?? new URL('../pkg/iamjwt_bg.wasm', import.meta.url) });
    markLoaded();
  })();
  loading.catch(markFailed);
  return loading;
}
