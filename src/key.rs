//! Authorized keys: the file in every shape users paste it ([`file`]),
//! lenient PEM ([`pem`]), PKCS#8, PKCS#1 and SPKI DER ([`der`]), the
//! parsed, checked key a platform signer imports ([`CheckedKey`]), the key
//! that signs in the core ([`AuthorizedKey`]) and the key a JWT is verified
//! with ([`VerifyingKey`]).
//!
//! How a key travels: text → [`KeyFile::from_json`] (the JSON shapes, the
//! other credentials named) → [`pem::decode`] (armour, line ends, the
//! preamble; the base64 body through the constant-time
//! [`pem::decode_base64`]) → [`der::checked_private_key_from_pem`] (PKCS#8
//! or PKCS#1; every check rsa makes, in constant time) → [`CheckedKey`],
//! whose DER a platform signer imports, and whose [`CheckedKey::build`] has
//! rsa build [`AuthorizedKey`], which holds rsa's PSS signer and verifier.
//!
//! <div class="warning">A key file is a secret: never log it.</div>

pub mod authorized;
pub mod der;
pub mod file;
pub mod pem;
pub mod verifying;

pub use authorized::{AuthorizedKey, CheckedKey, DerFormat};
pub use der::{MAX_BITS, MIN_BITS};
pub use file::{KeyFile, MAX_KEY_JSON};
pub use verifying::VerifyingKey;
