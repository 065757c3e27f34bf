#![doc = include_str!("../README.md")]
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

pub mod authorized_key;
pub mod check;
pub mod emulator;
pub mod error;
pub mod exchange;
pub mod jwt;
pub mod key;
pub mod key_file;
pub mod pem;
pub mod ps256;
mod rng;
pub mod text;
pub mod time;
pub mod verifying_key;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use authorized_key::AuthorizedKey;
pub use error::{Error, Result, ERROR_CODES};
pub use verifying_key::VerifyingKey;
