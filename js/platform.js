// The .wasm uses WebAssembly's fixed-width SIMD (the signing kernel's
// column sums). Engines with it: Chrome and Edge 91, Firefox 89, Safari
// 16.4, Node 16.4 and later. Each entry checks before it loads the .wasm, so
// an older engine gets an IamJwtError that says what to update instead of a
// CompileError about an unknown opcode.
import { IamJwtError } from './errors.js';

// A module with one function `() -> v128 { i8x16.splat(i32.const 0) }`.
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
  0x03, 0x02, 0x01, 0x00, // function 0 has type 0
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0x0b, // i32.const 0; i8x16.splat; end
]);

const NEEDS = 'Chrome or Edge 91, Firefox 89, Safari 16.4, Node 18 or later';

/** Throws ERR_UNSUPPORTED_PLATFORM unless this engine can run the .wasm. */
export function assertPlatform() {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') {
    throw new IamJwtError('ERR_UNSUPPORTED_PLATFORM', `this JavaScript engine has no WebAssembly, which iamjwt needs (${NEEDS})`);
  }
  if (!WebAssembly.validate(SIMD_PROBE)) {
    throw new IamJwtError('ERR_UNSUPPORTED_PLATFORM', `this JavaScript engine lacks WebAssembly SIMD, which iamjwt needs: use ${NEEDS}`);
  }
}
