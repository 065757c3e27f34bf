// Instantiates the inlined .wasm synchronously, before the API module runs.
import { initSync } from '../pkg/iamjwt.js';
import wasm from '../pkg/iamjwt_bg.wasm';

initSync({ module: wasm });
