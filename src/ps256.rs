//! PS256: RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt
//! ([RFC 7518 §3.5], [RFC 8017 §8.1]).
//!
//! Signing encodes the message with EMSA-PSS ([RFC 8017 §9.1.1]) here and
//! runs the core's private operation (RSA with the CRT on the
//! [`crate::montgomery`] kernel, blinded, and checked by raising the result
//! to e: src/private_op.rs). Verification is rsa's RSASSA-PSS
//! verification with the 32-byte salt insisted on, so every signature
//! test checks this signer against rsa's verifier.
//!
//! [RFC 7518 §3.5]: https://www.rfc-editor.org/rfc/rfc7518#section-3.5
//! [RFC 8017 §8.1]: https://www.rfc-editor.org/rfc/rfc8017#section-8.1
//! [RFC 8017 §9.1.1]: https://www.rfc-editor.org/rfc/rfc8017#section-9.1.1

use alloc::vec;
use alloc::vec::Vec;
use rsa::pss;
use rsa::rand_core::TryCryptoRng;
use rsa::traits::PublicKeyParts;
use rsa::{BoxedUint, PublicKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::private_key::PrivateKey;
use crate::private_op;

/// The salt length of PS256, in bytes: the SHA-256 output size.
pub const SALT_LEN: usize = 32;
const HASH_LEN: usize = 32;

/// Signs `message` with PS256. The rng supplies the salt first, then the
/// blinding factors.
///
/// # Errors
/// [`Error::Rng`] when the rng fails; [`Error::Crypto`] when the RSA
/// operation does (a key that passed decoding does not).
pub fn sign_with_rng<R: TryCryptoRng + ?Sized>(
    key: &PrivateKey,
    message: &[u8],
    rng: &mut R,
) -> Result<Vec<u8>> {
    sign_with_salt_len_and_rng(key, SALT_LEN, message, rng)
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
    let mut salt = Zeroizing::new(vec![0u8; salt_len]);
    rng.try_fill_bytes(&mut salt).map_err(|_| Error::Rng)?;
    let mod_bits = key.n().as_ref().bit_width();
    let em = emsa_pss_encode(&Sha256::digest(message), &salt, mod_bits - 1)?;
    let representative =
        BoxedUint::from_be_slice(&em, key.n_bits_precision()).map_err(|_| Error::Crypto)?;
    let signature = private_op::rsa_private(key, &representative, rng)?;
    // I2OSP to the modulus's length in bytes.
    let len = mod_bits.div_ceil(8) as usize;
    let bytes = signature.to_be_bytes();
    let skip = bytes.len().checked_sub(len).ok_or(Error::Crypto)?;
    Ok(bytes.get(skip..).ok_or(Error::Crypto)?.to_vec())
}

/// EMSA-PSS-ENCODE ([RFC 8017 §9.1.1]) with SHA-256 and MGF1-SHA-256:
/// `maskedDB ‖ H ‖ 0xbc`, `⌈em_bits/8⌉` bytes.
///
/// [RFC 8017 §9.1.1]: https://www.rfc-editor.org/rfc/rfc8017#section-9.1.1
fn emsa_pss_encode(m_hash: &[u8], salt: &[u8], em_bits: u32) -> Result<Vec<u8>> {
    let em_len = em_bits.div_ceil(8) as usize;
    let db_len = em_len
        .checked_sub(HASH_LEN + 1)
        .filter(|&db_len| db_len > salt.len())
        .ok_or(Error::Crypto)?;

    // H = Hash(0x00×8 ‖ mHash ‖ salt)
    let h = Sha256::new()
        .chain_update([0u8; 8])
        .chain_update(m_hash)
        .chain_update(salt)
        .finalize();

    // DB = PS ‖ 0x01 ‖ salt, masked by MGF1(H); then H ‖ 0xbc.
    let mut em = vec![0u8; em_len];
    let (db, tail) = em.split_at_mut_checked(db_len).ok_or(Error::Crypto)?;
    let (ps_one, salt_dst) = db
        .split_at_mut_checked(db_len - salt.len())
        .ok_or(Error::Crypto)?;
    salt_dst.copy_from_slice(salt);
    *ps_one.last_mut().ok_or(Error::Crypto)? = 0x01;
    for (block, chunk) in db.chunks_mut(HASH_LEN).enumerate() {
        let counter = u32::try_from(block).map_err(|_| Error::Crypto)?;
        let mask = Sha256::new()
            .chain_update(h)
            .chain_update(counter.to_be_bytes())
            .finalize();
        for (byte, m) in chunk.iter_mut().zip(mask) {
            *byte ^= m;
        }
    }
    // Clear the bits above em_bits.
    if let Some(first) = db.first_mut() {
        *first &= 0xff >> (8 * em_len as u32 - em_bits);
    }
    let (h_dst, bc) = tail.split_at_mut_checked(HASH_LEN).ok_or(Error::Crypto)?;
    h_dst.copy_from_slice(&h);
    *bc.first_mut().ok_or(Error::Crypto)? = 0xbc;
    Ok(em)
}

/// A PS256 verifier for `key`: salt length exactly [`SALT_LEN`].
#[must_use]
pub fn verifier(key: PublicKey) -> pss::VerifyingKey<Sha256> {
    pss::VerifyingKey::<Sha256>::new_with_salt_len(key, SALT_LEN)
}

/// Verifies a PS256 signature over `message` with `verifier`'s key. The
/// salt is always [`SALT_LEN`] bytes, as PS256 has it, whatever salt length
/// `verifier` was made with.
///
/// # Errors
/// [`Error::JwtSignature`] when the signature is not valid for this key.
pub fn verify(
    verifier: &pss::VerifyingKey<Sha256>,
    message: &[u8],
    signature: &[u8],
) -> Result<()> {
    // rsa's scheme-level verification, which answers with rsa's own error.
    // Its `signature::Verifier` impl would box that error as a `dyn Error`,
    // which links the `Debug` and `Display` of every error type rsa, pkcs1
    // and der have into the .wasm (18 KB). The checks are the same: the
    // signature's length, RSAVP1, then EMSA-PSS-VERIFY with a 32-byte salt.
    let key: &PublicKey = verifier.as_ref();
    let scheme = pss::Pss::<Sha256>::new_with_salt(SALT_LEN);
    key.verify(scheme, &Sha256::digest(message), signature)
        .map_err(|_| Error::JwtSignature)
}
