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

// The rooms, each importing only rooms above it in this list:
// error (with the text and time helpers it formats with), ps256, key, jwt,
// check, token, and the bindings.
pub mod error;
pub(crate) mod text;
pub(crate) mod time;

pub mod ps256;
mod rng;

pub mod key;

pub mod jwt;

pub mod check;

pub mod token;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use check::{check_key, Check, Report, Verdict};
pub use error::{Error, Result, ERROR_CODES};
pub use jwt::{Decoded, SignOptions, VerifyOptions};
pub use key::{AuthorizedKey, KeyFile, VerifyingKey};
pub use token::{Flow, FlowSpec, HttpRequest, Token};
