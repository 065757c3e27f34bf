//! The wasm-bindgen bindings ([`bindings`]: thin wrappers that carry values
//! across with serde-wasm-bindgen and throw the core's errors as the JS
//! layer's own `IamJwtError`) and the .wasm's memory hygiene ([`hygiene`]:
//! an allocator that wipes every freed block, and a stack scrub after every
//! call that touches a key). All logic stays in the core.

mod bindings;
mod hygiene;
