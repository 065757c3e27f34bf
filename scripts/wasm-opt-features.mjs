// The WebAssembly features the .wasm uses, as wasm-opt flags: for the
// build (scripts/build.mjs) and for the bench's size of parts of the API.
export const WASM_OPT_FEATURES = [
  '--enable-bulk-memory', '--enable-mutable-globals', '--enable-nontrapping-float-to-int',
  '--enable-sign-ext', '--enable-reference-types', '--enable-multivalue',
];
