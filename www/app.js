// The page's entry when served over HTTP: the package's browser entry loads
// the .wasm next to it; the demo key and the optional config come from the
// page's own origin.
import { showLoadFailure, startPage } from './page.js';

let api;
try {
  // Dynamic, so that an engine that cannot run the .wasm gets a message;
  // init() reports what loading the .wasm at import met.
  const loaded = await import('../js/browser.mjs');
  await loaded.init();
  api = loaded;
} catch (error) {
  showLoadFailure(error);
}
if (api) {
  startPage(api, {
    loadDemoKey: () => fetch(new URL('demo-key.json', import.meta.url)).then((r) => {
      if (!r.ok) throw new Error(`the demo key could not be loaded (HTTP ${r.status})`);
      return r.text();
    }),
    // Written by `npm start`'s server to point the demo at its emulator; absent on a static host.
    loadConfig: () => fetch(new URL('config.json', import.meta.url)).then((r) => (r.ok ? r.json() : {})),
  });
}
