// The page's entry for the one-file offline build (npm run build:single):
// the .wasm and the demo key are inlined, the core starts with initSync, and
// nothing is fetched.
import { loadInline } from './load-inline.js';
import * as api from '../js/api.js';
import * as tokens from '../js/tokens.js';
import demoKey from './demo-key.json';
import { showLoadFailure, startPage } from './page.js';

let loaded = false;
try {
  loadInline();
  loaded = true;
} catch (error) {
  showLoadFailure(error);
}
if (loaded) {
  startPage({ ...api, ...tokens }, {
    loadDemoKey: async () => demoKey,
    loadConfig: async () => ({}),
  });
}
