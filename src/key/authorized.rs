//! A parsed, checked authorized key: [`CheckedKey`], all a platform signer
//! (node:crypto, WebCrypto) needs, and [`AuthorizedKey`], which rsa has
//! built to sign in the core, ready for many JWTs.
//!
//! <div class="warning">The key is a secret: never log the JSON it came from.
//! Its `Debug` output shows only the public fields, and its private parts are
//! wiped when it is dropped.</div>

use alloc::string::String;
use alloc::vec::Vec;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rsa::pkcs8::EncodePrivateKey as _;
use rsa::pss;
use rsa::traits::PublicKeyParts;
use rsa::{PrivateKey, PublicKey};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::der::{self, CheckedDer, CheckedPrivateKey};
use super::file::KeyFile;
use crate::error::{Error, Result};
use crate::ps256::{self, SigningKey};

/// What a key file says of itself, and what a JWT names: the public facts
/// both key types carry.
#[derive(Clone)]
struct Facts {
    id: String,
    service_account_id: String,
    created_at: Option<String>,
    key_algorithm: Option<String>,
}

impl From<KeyFile> for Facts {
    fn from(file: KeyFile) -> Self {
        Facts {
            id: file.id,
            service_account_id: file.service_account_id,
            created_at: file.created_at,
            key_algorithm: file.key_algorithm,
        }
    }
}

/// The accessors of [`Facts`], the same on [`AuthorizedKey`] and [`CheckedKey`].
macro_rules! facts_accessors {
    () => {
        /// The key id: the JWT's `kid`.
        #[must_use]
        pub fn id(&self) -> &str {
            &self.facts.id
        }

        /// The service account id: the JWT's `iss`.
        #[must_use]
        pub fn service_account_id(&self) -> &str {
            &self.facts.service_account_id
        }

        /// `created_at` as the file gives it.
        #[must_use]
        pub fn created_at(&self) -> Option<&str> {
            self.facts.created_at.as_deref()
        }

        /// `key_algorithm` as the file gives it (`RSA_2048`, `RSA_4096`).
        #[must_use]
        pub fn key_algorithm(&self) -> Option<&str> {
            self.facts.key_algorithm.as_deref()
        }
    };
}

/// A service-account authorized key, decoded once.
///
/// # Example
/// ```
/// # let json = include_str!("../../www/demo-key.json");
/// use iamjwt::{AuthorizedKey, jwt::SignOptions};
///
/// let key = AuthorizedKey::from_json(json)?;
/// let jwt = key.sign_jwt(&SignOptions::new(1_700_000_000))?;
/// assert_eq!(jwt.split('.').count(), 3);
/// # Ok::<(), iamjwt::Error>(())
/// ```
pub struct AuthorizedKey {
    facts: Facts,
    modulus_bits: u32,
    signing_key: SigningKey,
    verifier: pss::VerifyingKey<Sha256>,
}

impl core::fmt::Debug for AuthorizedKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AuthorizedKey")
            .field("id", &self.facts.id)
            .field("service_account_id", &self.facts.service_account_id)
            .field("key_algorithm", &self.facts.key_algorithm)
            .field("modulus_bits", &self.modulus_bits)
            .finish_non_exhaustive()
    }
}

impl AuthorizedKey {
    /// Parses an authorized key file (any shape [`KeyFile`] reads) and its
    /// private key, and checks that `public_key`, when present, is the
    /// private key's public half.
    ///
    /// # Errors
    /// Every `ERR_KEY_*` error: see [`KeyFile::from_json`] and
    /// [`der::private_key_from_pem`]; [`Error::KeyMismatch`] when
    /// `public_key` belongs to another key.
    pub fn from_json(text: &str) -> Result<Self> {
        CheckedKey::from_json(text)?.build()
    }

    /// Builds the key from a file's fields and its decoded private key,
    /// checking that `public_key`, when present, is the private key's
    /// public half.
    ///
    /// # Errors
    /// [`Error::KeyMismatch`], or the `ERR_KEY_*` error of a damaged
    /// `public_key`.
    pub fn from_parts(file: KeyFile, key: PrivateKey) -> Result<Self> {
        let public = key.to_public_key();
        if let Some(public_pem) = file.public_key.as_deref() {
            let listed = der::public_key_from_pem(public_pem, "public_key")?;
            if !same_public_key(&listed, &public) {
                return Err(Error::KeyMismatch);
            }
        }
        Ok(AuthorizedKey {
            modulus_bits: der::modulus_bits(&public),
            verifier: ps256::verifier(public),
            signing_key: ps256::signing_key(key),
            facts: Facts::from(file),
        })
    }

    facts_accessors!();

    /// The real size of the modulus, in bits.
    #[must_use]
    pub fn modulus_bits(&self) -> u32 {
        self.modulus_bits
    }

    /// The PS256 signer: rsa's blinded PSS signing key with a 32-byte salt,
    /// for [`ps256::sign_with_rng`].
    #[must_use]
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing_key
    }

    /// The RSA private key.
    #[must_use]
    pub fn private_key(&self) -> &PrivateKey {
        self.signing_key.as_ref()
    }

    /// The private key as PKCS#8 DER (rsa's encoder), for handing to a
    /// platform signer (node:crypto, WebCrypto) that imports it once. The
    /// bytes wipe themselves on drop.
    ///
    /// <div class="warning">This is the secret key: import it and drop it.</div>
    ///
    /// # Errors
    /// [`Error::Crypto`] if the encoder fails, which a decoded key does not.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>> {
        let document = self
            .private_key()
            .to_pkcs8_der()
            .map_err(|_| Error::Crypto)?;
        Ok(Zeroizing::new(document.as_bytes().to_vec()))
    }

    /// The public key as a JWK, `{"kty":"RSA","n":…,"e":…}`, for a
    /// platform verifier (WebCrypto imports a public key as SPKI or JWK;
    /// the JWK needs no DER encoder in the .wasm).
    #[must_use]
    pub fn public_jwk(&self) -> String {
        let public: &PublicKey = self.verifier().as_ref();
        jwk(
            &public.n().to_be_bytes_trimmed_vartime(),
            &public.e().to_be_bytes_trimmed_vartime(),
        )
    }

    /// The PS256 verifier for this key's public half.
    #[must_use]
    pub fn verifier(&self) -> &pss::VerifyingKey<Sha256> {
        &self.verifier
    }
}

/// The encodings a private key is handed to a platform signer in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DerFormat {
    /// PKCS#1 `RSAPrivateKey` (node:crypto's `type: 'pkcs1'`).
    Pkcs1,
    /// PKCS#8 `PrivateKeyInfo` (WebCrypto's `'pkcs8'`).
    Pkcs8,
}

/// `{"kty":"RSA","n":…,"e":…}` from big-endian numbers without leading zeros.
fn jwk(n: &[u8], e: &[u8]) -> String {
    alloc::format!(
        r#"{{"kty":"RSA","n":"{}","e":"{}"}}"#,
        URL_SAFE_NO_PAD.encode(n),
        URL_SAFE_NO_PAD.encode(e)
    )
}

/// An authorized key decoded and checked, but not built for signing in the
/// core: its fields, its public numbers and its private key's DER, which
/// passed every check [`AuthorizedKey::from_json`] makes ([`CheckedDer`]).
/// A platform signer imports [`CheckedKey::platform_der`]; the core signs
/// with [`CheckedKey::build`]'s key, which costs several times the check.
///
/// # Example
/// ```
/// # let json = include_str!("../../www/demo-key.json");
/// use iamjwt::key::{CheckedKey, DerFormat};
///
/// let checked = CheckedKey::from_json(json)?;
/// assert_eq!(checked.modulus_bits(), 2048);
/// let der = checked.platform_der(DerFormat::Pkcs8).expect("the demo key has its own CRT values");
/// let key = checked.build()?;
/// # drop((der, key));
/// # Ok::<(), iamjwt::Error>(())
/// ```
pub struct CheckedKey {
    facts: Facts,
    der: CheckedDer,
}

impl core::fmt::Debug for CheckedKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CheckedKey")
            .field("id", &self.facts.id)
            .field("service_account_id", &self.facts.service_account_id)
            .field("key_algorithm", &self.facts.key_algorithm)
            .field("modulus_bits", &self.der.modulus_bits())
            .finish_non_exhaustive()
    }
}

impl CheckedKey {
    /// Parses an authorized key file as [`AuthorizedKey::from_json`] does,
    /// with the same errors, without having rsa build the key.
    ///
    /// # Errors
    /// As [`AuthorizedKey::from_json`].
    pub fn from_json(text: &str) -> Result<Self> {
        let file = KeyFile::from_json(text)?;
        let pem = file
            .private_key
            .as_deref()
            .ok_or(Error::KeyFieldMissing("private_key"))?;
        let CheckedPrivateKey { key: der, .. } =
            der::checked_private_key_from_pem(pem, "private_key")?;
        if let Some(public_pem) = file.public_key.as_deref() {
            if !der::public_key_is(
                public_pem,
                "public_key",
                der.modulus(),
                der.public_exponent(),
            )? {
                return Err(Error::KeyMismatch);
            }
        }
        Ok(CheckedKey {
            facts: Facts::from(file),
            der,
        })
    }

    /// rsa's key for signing in the core, with this key's fields.
    ///
    /// # Errors
    /// [`Error::KeyCorrupt`] when rsa refuses the numbers (see
    /// [`CheckedDer::build`]).
    pub fn build(&self) -> Result<AuthorizedKey> {
        let key = self.der.build("private_key")?;
        let public = key.to_public_key();
        Ok(AuthorizedKey {
            modulus_bits: self.der.modulus_bits(),
            verifier: ps256::verifier(public),
            signing_key: ps256::signing_key(key),
            facts: self.facts.clone(),
        })
    }

    facts_accessors!();

    /// The real size of the modulus, in bits.
    #[must_use]
    pub fn modulus_bits(&self) -> u32 {
        self.der.modulus_bits()
    }

    /// The private key's DER for a platform signer to import, PKCS#1 or
    /// PKCS#8: the file's own key bytes when its CRT values are its own, else
    /// `None` (the JS API then signs with the wasm engine; rsa's key,
    /// [`CheckedKey::build`], computes its own CRT values, and
    /// [`AuthorizedKey::to_pkcs8_der`] encodes them).
    ///
    /// <div class="warning">This is the secret key: import it and drop it.</div>
    #[must_use]
    pub fn platform_der(&self, format: DerFormat) -> Option<Zeroizing<Vec<u8>>> {
        match format {
            DerFormat::Pkcs1 => self.der.platform_pkcs1(),
            DerFormat::Pkcs8 => self.der.platform_pkcs8(),
        }
    }

    /// The public key as a JWK, as [`AuthorizedKey::public_jwk`].
    #[must_use]
    pub fn public_jwk(&self) -> String {
        jwk(self.der.modulus(), self.der.public_exponent())
    }

    /// The PS256 verifier for this key's public half.
    ///
    /// # Errors
    /// None for a checked key; [`Error::Internal`] otherwise.
    pub fn verifier(&self) -> Result<pss::VerifyingKey<Sha256>> {
        Ok(ps256::verifier(self.der.public_key()?))
    }
}

/// Equal modulus and exponent.
#[must_use]
pub fn same_public_key(a: &PublicKey, b: &PublicKey) -> bool {
    use super::der::significant;
    significant(&a.n().to_be_bytes()) == significant(&b.n().to_be_bytes())
        && significant(&a.e().to_be_bytes()) == significant(&b.e().to_be_bytes())
}
