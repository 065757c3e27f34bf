// Browser entry: fetches and instantiates the .wasm next to the glue, then
// exposes the shared API. The API calls the core only when called, so the
// top-level await here is done before any call can happen.
import init from '../pkg/iamjwt.js';
import { assertPlatform } from './platform.js';

assertPlatform();
await init({ module_or_path: new URL('../pkg/iamjwt_bg.wasm', import.meta.url) });

export * from './api.js';
export * from './tokens.js';
