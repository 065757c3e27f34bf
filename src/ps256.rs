//! PS256: RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt
//! ([RFC 7518 §3.5], [RFC 8017 §8.1]), by rsa 0.10.
//!
//! Signing is rsa's [`pss::SigningKey`]: EMSA-PSS encoding, then rsa's
//! private operation, which blinds the base, both CRT exponents and both
//! prime moduli with fresh randomness for each signature, and checks its
//! result (`s^e = c`, by the public operation) before anything leaves, so a
//! fault in the CRT yields [`Error::Crypto`], never a wrong signature. The
//! constant-time gate (ct/, `npm run ct`) runs this path under valgrind
//! memcheck with the key's secrets marked.
//!
//! Verification is rsa's RSASSA-PSS verification with the 32-byte salt
//! insisted on.
//!
//! ```
//! # let json = include_str!("../www/demo-key.json");
//! use iamjwt::{ps256, AuthorizedKey};
//!
//! let key = AuthorizedKey::from_json(json)?;
//! let signature = ps256::sign_with_rng(key.signing_key(), b"input", &mut getrandom::SysRng)?;
//! ps256::verify(key.verifier(), b"input", &signature)?;
//! assert!(ps256::verify(key.verifier(), b"other input", &signature).is_err());
//! # Ok::<(), iamjwt::Error>(())
//! ```
//!
//! [RFC 7518 §3.5]: https://www.rfc-editor.org/rfc/rfc7518#section-3.5
//! [RFC 8017 §8.1]: https://www.rfc-editor.org/rfc/rfc8017#section-8.1

use alloc::boxed::Box;
use rsa::pss;
use rsa::rand_core::{TryCryptoRng, TryRng};
use rsa::signature::RandomizedSigner as _;
use rsa::PublicKey;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The salt length of PS256, in bytes: the SHA-256 output size.
pub const SALT_LEN: usize = 32;

/// An RSA private key that signs PS256 (rsa's blinded PSS signer).
pub type SigningKey = pss::SigningKey<Sha256>;

/// A PS256 signer for `key`: salt length [`SALT_LEN`].
#[must_use]
pub fn signing_key(key: rsa::PrivateKey) -> SigningKey {
    SigningKey::new_with_salt_len(key, SALT_LEN)
}

/// Signs `message` with RSASSA-PSS SHA-256 and `key`'s salt length
/// ([`SALT_LEN`] for a key from [`signing_key`]). The rng supplies the salt
/// first, then the blinding factors.
///
/// # Errors
/// [`Error::Rng`] when the rng fails; [`Error::Crypto`] when the RSA
/// operation does, or its result fails rsa's check.
pub fn sign_with_rng<R: TryCryptoRng + ?Sized>(
    key: &SigningKey,
    message: &[u8],
    rng: &mut R,
) -> Result<Box<[u8]>> {
    let mut watched = Watched {
        inner: rng,
        failed: false,
    };
    match key.try_sign_with_rng(&mut watched, message) {
        Ok(signature) => Ok(signature.into()),
        Err(_) if watched.failed => Err(Error::Rng),
        Err(_) => Err(Error::Crypto),
    }
}

/// An rng that remembers whether it failed: rsa's signer answers every
/// failure with the same opaque `signature::Error`.
struct Watched<'a, R: ?Sized> {
    inner: &'a mut R,
    failed: bool,
}

impl<R: TryRng + ?Sized> Watched<'_, R> {
    fn watch<T>(
        &mut self,
        result: core::result::Result<T, R::Error>,
    ) -> core::result::Result<T, R::Error> {
        self.failed |= result.is_err();
        result
    }
}

impl<R: TryRng + ?Sized> TryRng for Watched<'_, R> {
    type Error = R::Error;

    fn try_next_u32(&mut self) -> core::result::Result<u32, Self::Error> {
        let result = self.inner.try_next_u32();
        self.watch(result)
    }

    fn try_next_u64(&mut self) -> core::result::Result<u64, Self::Error> {
        let result = self.inner.try_next_u64();
        self.watch(result)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> core::result::Result<(), Self::Error> {
        let result = self.inner.try_fill_bytes(dst);
        self.watch(result)
    }
}

impl<R: TryCryptoRng + ?Sized> TryCryptoRng for Watched<'_, R> {}

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
    // and der have into the .wasm. The checks are the same: the signature's
    // length, RSAVP1, then EMSA-PSS-VERIFY with a 32-byte salt.
    let key: &PublicKey = verifier.as_ref();
    let scheme = pss::Pss::<Sha256>::new_with_salt(SALT_LEN);
    key.verify(scheme, &Sha256::digest(message), signature)
        .map_err(|_| Error::JwtSignature)
}
