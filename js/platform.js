// The .wasm uses WebAssembly's reference types (wasm-bindgen's externref
// table), bulk memory, sign extension and non-trapping float-to-int, which
// Rust's wasm32 target enables. Reference types are the newest of them:
// Chrome and Edge 96, Firefox 79, Safari 15, Node 17. Each entry checks
// before it loads the .wasm, so an older engine gets an IamJwtError that
// says what to update instead of a CompileError about an unknown opcode.
import { IamJwtError } from './errors.js';

// A module with one function `() -> externref { ref.null extern }`.
const PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x6f, // type: () -> externref
  0x03, 0x02, 0x01, 0x00, // function 0 has type 0
  0x0a, 0x06, 0x01, 0x04, 0x00, 0xd0, 0x6f, 0x0b, // ref.null extern; end
]);

const NEEDS = 'Chrome or Edge 96, Firefox 79, Safari 15, Node 18 or later';

/** Throws ERR_UNSUPPORTED_PLATFORM unless this engine can run the .wasm. */
export function assertPlatform() {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') {
    throw new IamJwtError('ERR_UNSUPPORTED_PLATFORM', `this JavaScript engine has no WebAssembly, which iamjwt needs (${NEEDS})`);
  }
  if (!WebAssembly.validate(PROBE)) {
    throw new IamJwtError('ERR_UNSUPPORTED_PLATFORM', `this JavaScript engine lacks WebAssembly reference types, which iamjwt needs: use ${NEEDS}`);
  }
}
