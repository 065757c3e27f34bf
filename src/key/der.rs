//! RSA keys from PEM or DER: PKCS#8 ([RFC 5208]) and PKCS#1 ([RFC 8017]
//! appendix A.1), private and public.
//!
//! Decoding says *why* a key cannot be used: another algorithm, a passphrase,
//! too few bits, damaged bytes. The DER of private keys is wiped after use.
//! The key itself is built and checked by rsa ([`PrivateKey::from_components`]:
//! `p·q = n`, `d < n`, `d·e ≡ 1` modulo each `p−1`), which computes its
//! CRT values; a file's own are not trusted.
//!
//! [RFC 5208]: https://www.rfc-editor.org/rfc/rfc5208
//! [RFC 8017]: https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1

use alloc::format;
use alloc::string::String;
use alloc::vec;
use rsa::pkcs1::{RsaPrivateKeyRef, RsaPublicKeyRef};
use rsa::traits::PublicKeyParts;
use rsa::{BoxedUint, PrivateKey, PublicKey};

use super::pem;
use crate::error::{Error, Result};

/// The smallest modulus accepted for signing, in bits.
pub const MIN_BITS: u32 = 2048;
/// The largest modulus accepted, in bits (rsa's own bound).
pub const MAX_BITS: u32 = 8192;

const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_RSA_PSS: &str = "1.2.840.113549.1.1.10";

/// A private key decoded from PEM, with the id from the Yandex Cloud
/// preamble line when the PEM had one.
pub struct DecodedPrivateKey {
    /// The RSA key.
    pub key: PrivateKey,
    /// The id in `PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <id>`.
    pub preamble_id: Option<String>,
}

/// Decodes an RSA private key from PEM (PKCS#8 or PKCS#1) or bare base64 DER.
/// `field` names the field in error messages.
///
/// # Errors
/// [`Error::KeyNotRsa`], [`Error::KeyEncrypted`], [`Error::KeyTooSmall`],
/// [`Error::KeyUnsupported`] or [`Error::KeyCorrupt`], each saying why.
pub fn private_key_from_pem(text: &str, field: &'static str) -> Result<DecodedPrivateKey> {
    let pem = pem::decode(text, field)?;
    let key = match pem.label.as_deref() {
        Some("PRIVATE KEY") => from_pkcs8(&pem.der, field)?,
        Some("RSA PRIVATE KEY") if pem.encrypted_headers => return Err(Error::KeyEncrypted),
        Some("RSA PRIVATE KEY") => from_pkcs1(&pem.der, field)?,
        Some("ENCRYPTED PRIVATE KEY") => return Err(Error::KeyEncrypted),
        Some("EC PRIVATE KEY") => return Err(Error::KeyNotRsa("an EC key")),
        Some("DSA PRIVATE KEY") => return Err(Error::KeyNotRsa("a DSA key")),
        Some("PUBLIC KEY" | "RSA PUBLIC KEY" | "CERTIFICATE") => {
            return Err(Error::KeyCorrupt(format!(
                "{field} holds a public key or a certificate, not a private key"
            )))
        }
        Some(_) => {
            return Err(Error::KeyCorrupt(format!(
                "{field} is not a private key: its PEM label is not PRIVATE KEY or RSA PRIVATE KEY"
            )))
        }
        None => from_bare_der(&pem.der, field)?,
    };
    Ok(DecodedPrivateKey {
        key,
        preamble_id: pem.preamble_id,
    })
}

/// Decodes an RSA public key from PEM (`PUBLIC KEY` or `RSA PUBLIC KEY`) or
/// bare base64 DER.
///
/// # Errors
/// [`Error::KeyNotRsa`] or [`Error::KeyCorrupt`].
pub fn public_key_from_pem(text: &str, field: &'static str) -> Result<PublicKey> {
    let pem = pem::decode(text, field)?;
    match pem.label.as_deref() {
        Some("PUBLIC KEY") => public_from_spki(&pem.der, field),
        Some("RSA PUBLIC KEY") => public_from_pkcs1(&pem.der, field),
        Some(label) if label.find("PRIVATE KEY").is_some() => Err(Error::KeyCorrupt(format!(
            "{field} holds a private key where a public key belongs"
        ))),
        Some(_) => Err(Error::KeyCorrupt(format!(
            "{field} is not a public key: its PEM label is not PUBLIC KEY or RSA PUBLIC KEY"
        ))),
        None => public_from_spki(&pem.der, field).or_else(|_| public_from_pkcs1(&pem.der, field)),
    }
}

/// The modulus size in bits.
#[must_use]
pub fn modulus_bits(key: &PublicKey) -> u32 {
    key.n().bit_width_vartime()
}

/// Decodes an RSA private key from DER, PKCS#8 or PKCS#1, as
/// [`private_key_from_pem`] does after the armour: rsa builds the key and
/// checks it. `field` names the field in error messages.
///
/// # Errors
/// As [`private_key_from_pem`].
pub fn private_key_from_der(der: &[u8], field: &'static str) -> Result<PrivateKey> {
    from_bare_der(der, field)
}

fn from_bare_der(der: &[u8], field: &'static str) -> Result<PrivateKey> {
    if looks_encrypted_pkcs8(der) {
        return Err(Error::KeyEncrypted);
    }
    match pkcs8::PrivateKeyInfoRef::try_from(der) {
        Ok(_) => from_pkcs8(der, field),
        Err(_) => from_pkcs1(der, field),
    }
}

fn from_pkcs8(der: &[u8], field: &'static str) -> Result<PrivateKey> {
    let info = pkcs8::PrivateKeyInfoRef::try_from(der).map_err(|_| {
        if looks_encrypted_pkcs8(der) {
            Error::KeyEncrypted
        } else {
            corrupt_der(field, "PKCS#8")
        }
    })?;
    let oid = info.algorithm.oid;
    let oid_text = format!("{oid}");
    match oid_text.as_str() {
        OID_RSA | OID_RSA_PSS => {}
        "1.2.840.10045.2.1" => return Err(Error::KeyNotRsa("an EC key")),
        "1.3.101.112" => return Err(Error::KeyNotRsa("an Ed25519 key")),
        "1.3.101.113" => return Err(Error::KeyNotRsa("an Ed448 key")),
        "1.2.840.10040.4.1" => return Err(Error::KeyNotRsa("a DSA key")),
        _ => return Err(Error::KeyNotRsa("of an unknown algorithm")),
    }
    from_pkcs1(info.private_key.as_bytes(), field)
}

fn from_pkcs1(der: &[u8], field: &'static str) -> Result<PrivateKey> {
    let parts = RsaPrivateKeyRef::try_from(der).map_err(|_| corrupt_der(field, "PKCS#1"))?;
    if parts.version() != rsa::pkcs1::Version::TwoPrime {
        return Err(Error::KeyUnsupported(format!(
            "{field} is a multi-prime RSA key; only two-prime keys are supported"
        )));
    }
    let bits = uint_bits(parts.modulus.as_bytes());
    check_bits(bits)?;
    // Each number at n's precision, as rsa decodes them (`d` and the primes
    // must fit it); rsa's key then sets its own widths.
    let precision = u32::try_from(parts.modulus.as_bytes().len())
        .unwrap_or(u32::MAX)
        .saturating_mul(8);
    let uint = |bytes: &[u8]| BoxedUint::from_be_slice(bytes, precision).ok();
    let key = match (
        uint(parts.modulus.as_bytes()),
        uint(parts.public_exponent.as_bytes()),
        uint(parts.private_exponent.as_bytes()),
        uint(parts.prime1.as_bytes()),
        uint(parts.prime2.as_bytes()),
    ) {
        (Some(n), Some(e), Some(d), Some(p), Some(q)) => {
            PrivateKey::from_components(n, e, d, vec![p, q]).ok()
        }
        _ => None,
    };
    key.ok_or_else(|| {
        Error::KeyCorrupt(format!(
            "{field} is damaged: its numbers do not form a valid RSA key"
        ))
    })
}

fn public_from_spki(der: &[u8], field: &'static str) -> Result<PublicKey> {
    let spki = pkcs8::SubjectPublicKeyInfoRef::try_from(der)
        .map_err(|_| corrupt_der(field, "SubjectPublicKeyInfo"))?;
    let oid_text = format!("{}", spki.algorithm.oid);
    if oid_text != OID_RSA && oid_text != OID_RSA_PSS {
        return Err(Error::KeyNotRsa("not an RSA public key"));
    }
    let bytes = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| corrupt_der(field, "SubjectPublicKeyInfo"))?;
    public_from_pkcs1(bytes, field)
}

fn public_from_pkcs1(der: &[u8], field: &'static str) -> Result<PublicKey> {
    let parts = RsaPublicKeyRef::try_from(der).map_err(|_| corrupt_der(field, "PKCS#1"))?;
    let bits = uint_bits(parts.modulus.as_bytes());
    if bits > MAX_BITS {
        return Err(too_large(bits));
    }
    PublicKey::try_from(parts).map_err(|_| {
        Error::KeyCorrupt(format!(
            "{field} is damaged: its modulus or exponent is not a valid RSA public key"
        ))
    })
}

fn check_bits(bits: u32) -> Result<()> {
    if bits < MIN_BITS {
        Err(Error::KeyTooSmall(bits))
    } else if bits > MAX_BITS {
        Err(too_large(bits))
    } else {
        Ok(())
    }
}

fn too_large(bits: u32) -> Error {
    Error::KeyUnsupported(format!(
        "the RSA key has {bits} bits; at most {MAX_BITS} are supported"
    ))
}

/// Bits in a big-endian unsigned integer.
fn uint_bits(bytes: &[u8]) -> u32 {
    let rest = significant(bytes);
    let lead = rest.first().map_or(0, |b| b.leading_zeros());
    u32::try_from(rest.len())
        .unwrap_or(u32::MAX / 8)
        .saturating_mul(8)
        .saturating_sub(lead)
}

/// A big-endian unsigned integer without its leading zero bytes (empty
/// for zero).
pub(crate) fn significant(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().take_while(|&&b| b == 0).count();
    bytes.get(skip..).unwrap_or_default()
}

/// `EncryptedPrivateKeyInfo ::= SEQUENCE { SEQUENCE {…}, OCTET STRING }`,
/// where `PrivateKeyInfo` starts with an INTEGER: look at the first inner tag.
fn looks_encrypted_pkcs8(der: &[u8]) -> bool {
    let Some((&0x30, rest)) = der.split_first() else {
        return false;
    };
    let Some((&len, rest)) = rest.split_first() else {
        return false;
    };
    let skip = if len & 0x80 == 0 {
        0
    } else {
        usize::from(len & 0x7f)
    };
    matches!(rest.get(skip), Some(0x30))
}

fn corrupt_der(field: &'static str, format: &str) -> Error {
    Error::KeyCorrupt(format!(
        "{field} is damaged: its bytes are not a valid {format} key (was it cut or edited?)"
    ))
}
