//! The wasm-bindgen bindings ([`bindings`]: thin wrappers that carry values
//! out through serde-wasm-bindgen and throw the core's errors as the JS layer's own
//! `IamJwtError`; [`emulator`], with feature `emulator`, the emulator's) and the .wasm's memory hygiene ([`hygiene`]:
//! an allocator that wipes every freed block, and a stack scrub after every
//! call that touches a key). All logic stays in the core.

// The emulator's own .wasm is built with `--cfg iamjwt_emulator_wasm`
// (scripts/build.mjs): its bindings, and none of the package's.
#[cfg(not(iamjwt_emulator_wasm))]
mod bindings;
mod convert;
#[cfg(feature = "emulator")]
mod emulator;
mod hygiene;
