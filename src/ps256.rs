//! PS256: RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt
//! ([RFC 7518 §3.5], [RFC 8017 §8.1]).
//!
//! Signing goes through rsa's [`pss::SigningKey`], whose private operation is
//! blinded; verification through [`pss::VerifyingKey`], which insists on the
//! 32-byte salt.
//!
//! [RFC 7518 §3.5]: https://www.rfc-editor.org/rfc/rfc7518#section-3.5
//! [RFC 8017 §8.1]: https://www.rfc-editor.org/rfc/rfc8017#section-8.1

use alloc::vec::Vec;
use rsa::pss;
use rsa::rand_core::TryCryptoRng;
use rsa::signature::{RandomizedSigner, SignatureEncoding, Verifier};
use rsa::{PrivateKey, PublicKey};
use sha2::Sha256;

use crate::error::{Error, Result};

/// The salt length of PS256, in bytes: the SHA-256 output size.
pub const SALT_LEN: usize = 32;

/// Signs `message` with PS256. The rng supplies the salt first, then the
/// blinding factor.
///
/// # Errors
/// [`Error::Rng`] when the rng fails; [`Error::Crypto`] when the RSA
/// operation does (a key that passed decoding does not).
pub fn sign_with_rng<R: TryCryptoRng + ?Sized>(
    key: &pss::SigningKey<Sha256>,
    message: &[u8],
    rng: &mut R,
) -> Result<Vec<u8>> {
    key.try_sign_with_rng(rng, message)
        .map(|signature| signature.to_vec())
        .map_err(|_| Error::Crypto)
}

/// Signs with RSASSA-PSS SHA-256 and a salt of `salt_len` bytes: the same
/// path as [`sign_with_rng`], for known-answer tests whose vectors use other
/// salt lengths.
///
/// # Errors
/// As [`sign_with_rng`].
pub fn sign_with_salt_len_and_rng<R: TryCryptoRng + ?Sized>(
    key: &PrivateKey,
    salt_len: usize,
    message: &[u8],
    rng: &mut R,
) -> Result<Vec<u8>> {
    let key = pss::SigningKey::<Sha256>::new_with_salt_len(key.clone(), salt_len);
    sign_with_rng(&key, message, rng)
}

/// A PS256 verifier for `key`: salt length exactly [`SALT_LEN`].
#[must_use]
pub fn verifier(key: PublicKey) -> pss::VerifyingKey<Sha256> {
    pss::VerifyingKey::<Sha256>::new_with_salt_len(key, SALT_LEN)
}

/// Verifies a PS256 signature over `message`.
///
/// # Errors
/// [`Error::JwtSignature`] when the signature is not valid for this key.
pub fn verify(
    verifier: &pss::VerifyingKey<Sha256>,
    message: &[u8],
    signature: &[u8],
) -> Result<()> {
    let signature = pss::Signature::try_from(signature).map_err(|_| Error::JwtSignature)?;
    verifier
        .verify(message, &signature)
        .map_err(|_| Error::JwtSignature)
}
