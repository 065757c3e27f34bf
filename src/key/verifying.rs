//! The key a JWT is verified with: an authorized key (its `public_key`, or
//! the public half of its `private_key`), the public-only key description of
//! `yc iam key get`, or a bare public-key PEM.

use alloc::string::String;
use rsa::pss;
use sha2::Sha256;

use super::authorized::{AuthorizedKey, CheckedKey};
use super::der;
use super::file::KeyFile;
use crate::error::Result;
use crate::ps256;

/// A PS256 public key, with the ids a JWT must name when they are known.
pub struct VerifyingKey {
    /// The key id the JWT's `kid` must equal, when known.
    pub id: Option<String>,
    /// The service account the JWT's `iss` must equal, when known.
    pub service_account_id: Option<String>,
    verifier: pss::VerifyingKey<Sha256>,
}

impl VerifyingKey {
    /// Reads a verifying key from text: JSON (an authorized key file or a
    /// public-only key description, or either as base64) or PEM (`PUBLIC
    /// KEY`, `RSA PUBLIC KEY`, or a private key, whose public half is used).
    ///
    /// # Errors
    /// [`crate::Error::InputTooLarge`] past 64 KB; the `ERR_KEY_*` errors of
    /// the input's format.
    pub fn from_text(text: &str) -> Result<Self> {
        super::file::check_size(text)?;
        if let Some(json) = super::file::from_base64(text) {
            return Self::from_key_file(&KeyFile::from_json_public(&json)?);
        }
        let trimmed = text.trim_start_matches('\u{feff}').trim_start();
        if trimmed.starts_with('{') {
            return Self::from_key_file(&KeyFile::from_json_public(text)?);
        }
        let public = if trimmed.find("PRIVATE KEY-----").is_some() {
            der::private_key_from_pem(text, "the key")?
                .key
                .to_public_key()
        } else {
            der::public_key_from_pem(text, "the public key")?
        };
        Ok(VerifyingKey {
            id: None,
            service_account_id: None,
            verifier: ps256::verifier(public),
        })
    }

    fn from_key_file(file: &KeyFile) -> Result<Self> {
        let public = match (&file.public_key, &file.private_key) {
            (Some(public_pem), _) => der::public_key_from_pem(public_pem, "public_key")?,
            (None, Some(private_pem)) => der::private_key_from_pem(private_pem, "private_key")?
                .key
                .to_public_key(),
            (None, None) => return Err(crate::Error::KeyFieldMissing("public_key")),
        };
        Ok(VerifyingKey {
            id: Some(file.id.clone()),
            service_account_id: Some(file.service_account_id.clone()),
            verifier: ps256::verifier(public),
        })
    }

    /// The PS256 verifier.
    #[must_use]
    pub fn verifier(&self) -> &pss::VerifyingKey<Sha256> {
        &self.verifier
    }
}

impl TryFrom<&CheckedKey> for VerifyingKey {
    type Error = crate::Error;

    fn try_from(key: &CheckedKey) -> Result<Self> {
        Ok(VerifyingKey {
            id: Some(key.id().into()),
            service_account_id: Some(key.service_account_id().into()),
            verifier: key.verifier()?,
        })
    }
}

impl From<&AuthorizedKey> for VerifyingKey {
    fn from(key: &AuthorizedKey) -> Self {
        VerifyingKey {
            id: Some(key.id().into()),
            service_account_id: Some(key.service_account_id().into()),
            verifier: key.verifier().clone(),
        }
    }
}
