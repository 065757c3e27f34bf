//! The big-number arithmetic on the hot path of an iamjwt RSA signature.
//!
//! It is a crate of its own for one reason: a Cargo profile can set the
//! optimisation level per crate, not per module. iamjwt's WebAssembly is
//! compiled for size (`opt-level = "z"`), which keeps the `.wasm` small, and
//! this crate for speed (`opt-level = 3`), because at "z" the
//! exponentiation alone is several times slower.
//!
//! - [`montgomery`]: constant-time modular exponentiation on 28-bit limbs,
//!   for secret exponents ([`montgomery::pow_mod`]) and public ones
//!   ([`montgomery::pow_public`]).
//! - [`pair`]: the two secret exponentiations of an RSA signature in step,
//!   one per SIMD lane ([`pair::pow_mod_pair`]).
//! - [`invert`]: constant-time inversion modulo an odd number (safegcd on
//!   30-bit limbs for the primes of RSA-2048 and RSA-4096 keys).
//!
//! iamjwt re-exports [`montgomery`] as `iamjwt::montgomery`; its private
//! operation (`src/private_op.rs` in iamjwt) is the one caller.
#![no_std]
#![warn(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

extern crate alloc;

pub mod invert;
mod limbs;
pub mod montgomery;
pub mod pair;
mod safegcd;
