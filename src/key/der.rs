//! RSA keys from PEM or DER: PKCS#8 ([RFC 5208]) and PKCS#1 ([RFC 8017]
//! appendix A.1), private and public.
//!
//! Decoding says *why* a key cannot be used: another algorithm, a passphrase,
//! too few bits, damaged bytes. The DER of private keys is wiped after use.
//!
//! A private key is read in two steps. [`CheckedDer::check`] decodes the
//! PKCS#1 numbers and checks them as rsa 0.10's `from_components` does
//! (`n` odd, `2 ≤ e < 2^33` and odd, `d < n`, two distinct odd primes of at
//! most half of `n`'s bits with `p·q = n`, `d·e ≡ 1` modulo each `p−1`), in
//! constant time, with one verdict; and whether the file's own CRT values
//! (`dP`, `dQ`, `qInv`) are those of its `p`, `q` and `d`. That is all a
//! platform signer needs ([`CheckedDer::platform_pkcs8`]). Only the wasm
//! engine needs rsa's key: [`CheckedDer::build`] has rsa build it
//! ([`PrivateKey::from_components`], which checks again and computes its
//! own CRT values, with its Montgomery parameters), which costs several
//! times the check.
//!
//! [RFC 5208]: https://www.rfc-editor.org/rfc/rfc5208
//! [RFC 8017]: https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use crypto_bigint::{Choice, ConcatenatingMul as _, CtEq as _, CtLt as _, Integer as _, NonZero};
use pkcs8::der::asn1::OctetStringRef;
use pkcs8::der::SecretDocument;
use pkcs8::ObjectIdentifier;
use rsa::pkcs1::{RsaPrivateKeyRef, RsaPublicKeyRef};
use rsa::traits::PublicKeyParts;
use rsa::{BoxedUint, PrivateKey, PublicKey};
use zeroize::Zeroizing;

use super::pem;
use crate::error::{Error, Result};

/// The smallest modulus accepted for signing, in bits.
pub const MIN_BITS: u32 = 2048;
/// The largest modulus accepted, in bits (rsa's own bound).
pub const MAX_BITS: u32 = 8192;

const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
/// The keys that are not RSA, as a PKCS#8 file's algorithm names them.
const NOT_RSA: [(ObjectIdentifier, &str); 4] = [
    (
        ObjectIdentifier::new_unwrap("1.2.840.10045.2.1"),
        "an EC key",
    ),
    (
        ObjectIdentifier::new_unwrap("1.3.101.112"),
        "an Ed25519 key",
    ),
    (ObjectIdentifier::new_unwrap("1.3.101.113"), "an Ed448 key"),
    (
        ObjectIdentifier::new_unwrap("1.2.840.10040.4.1"),
        "a DSA key",
    ),
];

/// A private key decoded from PEM, with the id from the Yandex Cloud
/// preamble line when the PEM had one.
pub struct DecodedPrivateKey {
    /// The RSA key.
    pub key: PrivateKey,
    /// The id in `PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <id>`.
    pub preamble_id: Option<String>,
}

/// A private key decoded from PEM and checked, not built, with the id from
/// the Yandex Cloud preamble line when the PEM had one.
pub struct CheckedPrivateKey {
    /// The checked key.
    pub key: CheckedDer,
    /// The id in `PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <id>`.
    pub preamble_id: Option<String>,
}

/// Decodes an RSA private key from PEM (PKCS#8 or PKCS#1) or bare base64 DER
/// and has rsa build it. `field` names the field in error messages.
///
/// # Errors
/// [`Error::KeyNotRsa`], [`Error::KeyEncrypted`], [`Error::KeyTooSmall`],
/// [`Error::KeyUnsupported`] or [`Error::KeyCorrupt`], each saying why.
pub fn private_key_from_pem(text: &str, field: &'static str) -> Result<DecodedPrivateKey> {
    let CheckedPrivateKey { key, preamble_id } = checked_private_key_from_pem(text, field)?;
    Ok(DecodedPrivateKey {
        key: key.build(field)?,
        preamble_id,
    })
}

/// Decodes an RSA private key from PEM (PKCS#8 or PKCS#1) or bare base64 DER
/// and checks it ([`CheckedDer::check`]), without building rsa's key.
///
/// # Errors
/// As [`private_key_from_pem`].
pub fn checked_private_key_from_pem(text: &str, field: &'static str) -> Result<CheckedPrivateKey> {
    let pem = pem::decode(text, field)?;
    let pkcs1 = match pem.label.as_deref() {
        Some("PRIVATE KEY") => pkcs1_of_pkcs8(&pem.der, field)?,
        Some("RSA PRIVATE KEY") if pem.encrypted_headers => return Err(Error::KeyEncrypted),
        Some("RSA PRIVATE KEY") => &pem.der[..],
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
        None => pkcs1_of_bare_der(&pem.der, field)?,
    };
    Ok(CheckedPrivateKey {
        key: CheckedDer::check(pkcs1, field)?,
        preamble_id: pem.preamble_id,
    })
}

/// Decodes an RSA public key from PEM (`PUBLIC KEY` or `RSA PUBLIC KEY`) or
/// bare base64 DER.
///
/// # Errors
/// [`Error::KeyNotRsa`] or [`Error::KeyCorrupt`].
pub fn public_key_from_pem(text: &str, field: &'static str) -> Result<PublicKey> {
    with_public_numbers(text, field, |parts| public_from_parts(parts, field))
}

/// Whether the public key in `text` (as [`public_key_from_pem`] reads it)
/// has modulus `n` and exponent `e` (big-endian, without leading zeros): a
/// comparison of bytes, for a private key's numbers that were checked. A key
/// that differs is checked as [`public_key_from_pem`] checks it, so that a
/// damaged one is named as damaged.
///
/// # Errors
/// As [`public_key_from_pem`].
pub fn public_key_is(text: &str, field: &'static str, n: &[u8], e: &[u8]) -> Result<bool> {
    with_public_numbers(text, field, |parts| {
        if significant(parts.modulus.as_bytes()) == n
            && significant(parts.public_exponent.as_bytes()) == e
        {
            return Ok(true);
        }
        public_from_parts(parts, field).map(|_| false)
    })
}

/// Decodes the PEM or bare DER of a public key to its PKCS#1 numbers, each
/// label's way, and hands them to `f`.
fn with_public_numbers<T>(
    text: &str,
    field: &'static str,
    f: impl Fn(RsaPublicKeyRef<'_>) -> Result<T>,
) -> Result<T> {
    let pem = pem::decode(text, field)?;
    match pem.label.as_deref() {
        Some("PUBLIC KEY") => f(public_of_spki(&pem.der, field)?),
        Some("RSA PUBLIC KEY") => f(public_of_pkcs1(&pem.der, field)?),
        Some(label) if label.find("PRIVATE KEY").is_some() => Err(Error::KeyCorrupt(format!(
            "{field} holds a private key where a public key belongs"
        ))),
        Some(_) => Err(Error::KeyCorrupt(format!(
            "{field} is not a public key: its PEM label is not PUBLIC KEY or RSA PUBLIC KEY"
        ))),
        None => public_of_spki(&pem.der, field)
            .and_then(&f)
            .or_else(|_| f(public_of_pkcs1(&pem.der, field)?)),
    }
}

/// The modulus size in bits.
#[must_use]
pub fn modulus_bits(key: &PublicKey) -> u32 {
    key.n().bit_width_vartime()
}

/// Decodes an RSA private key from DER, PKCS#8 or PKCS#1, as
/// [`private_key_from_pem`] does after the armour: the key is checked, then
/// rsa builds it and checks it. `field` names the field in error messages.
///
/// # Errors
/// As [`private_key_from_pem`].
pub fn private_key_from_der(der: &[u8], field: &'static str) -> Result<PrivateKey> {
    CheckedDer::check(pkcs1_of_bare_der(der, field)?, field)?.build(field)
}

/// The PKCS#1 `RSAPrivateKey` in DER that is PKCS#8 or PKCS#1.
fn pkcs1_of_bare_der<'a>(der: &'a [u8], field: &'static str) -> Result<&'a [u8]> {
    if looks_encrypted_pkcs8(der) {
        return Err(Error::KeyEncrypted);
    }
    match pkcs8::PrivateKeyInfoRef::try_from(der) {
        Ok(_) => pkcs1_of_pkcs8(der, field),
        Err(_) => Ok(der),
    }
}

/// The PKCS#1 `RSAPrivateKey` inside a PKCS#8 `PrivateKeyInfo` of an RSA key.
///
/// # Errors
/// [`Error::KeyEncrypted`], [`Error::KeyNotRsa`] or [`Error::KeyCorrupt`].
pub fn pkcs1_of_pkcs8<'a>(der: &'a [u8], field: &'static str) -> Result<&'a [u8]> {
    let info = pkcs8::PrivateKeyInfoRef::try_from(der).map_err(|_| {
        if looks_encrypted_pkcs8(der) {
            Error::KeyEncrypted
        } else {
            corrupt_der(field, "PKCS#8")
        }
    })?;
    let oid = info.algorithm.oid;
    if oid != OID_RSA && oid != OID_RSA_PSS {
        let kind = NOT_RSA.iter().find(|(other, _)| *other == oid);
        return Err(Error::KeyNotRsa(
            kind.map_or("of an unknown algorithm", |(_, kind)| kind),
        ));
    }
    Ok(info.private_key.as_bytes())
}

/// A two-prime RSA private key in PKCS#1 DER whose numbers passed the
/// checks rsa makes when it builds a key (see the module's text). It holds
/// the DER (wiped on drop) and the public numbers; rsa's key is built from
/// it only on demand ([`CheckedDer::build`]).
pub struct CheckedDer {
    pkcs1: Zeroizing<Vec<u8>>,
    n: Vec<u8>,
    e: Vec<u8>,
    bits: u32,
    own_crt: bool,
}

impl CheckedDer {
    /// Decodes PKCS#1 `RSAPrivateKey` DER and checks its numbers.
    ///
    /// # Errors
    /// [`Error::KeyCorrupt`] for bytes that are not PKCS#1 or numbers that
    /// do not form an RSA key; [`Error::KeyUnsupported`] for a multi-prime
    /// key or one of more than [`MAX_BITS`]; [`Error::KeyTooSmall`].
    pub fn check(pkcs1: &[u8], field: &'static str) -> Result<Self> {
        let parts = RsaPrivateKeyRef::try_from(pkcs1).map_err(|_| corrupt_der(field, "PKCS#1"))?;
        if parts.version() != rsa::pkcs1::Version::TwoPrime {
            return Err(Error::KeyUnsupported(format!(
                "{field} is a multi-prime RSA key; only two-prime keys are supported"
            )));
        }
        let bits = uint_bits(parts.modulus.as_bytes());
        check_bits(bits)?;
        // Each number at a width set by n's public size: n and d at n's, e
        // at 64 bits (rsa takes e < 2^33), the primes and the CRT values at
        // half of n's bits (rsa's own width for them), rounded up to bytes.
        let full = precision_of(&parts);
        let half = bits.div_ceil(2).div_ceil(8) * 8;
        let Some([n, e, d, p, q]) = numbers(&parts, [full, 64, full, half, half]) else {
            return Err(numbers_invalid(field));
        };
        let crt = (|| {
            Some([
                uint_at(parts.exponent1.as_bytes(), half)?,
                uint_at(parts.exponent2.as_bytes(), half)?,
                uint_at(parts.coefficient.as_bytes(), half)?,
            ])
        })();
        let Numbers { valid, own_crt } = check_numbers(&n, &e, &d, [&p, &q], crt.as_ref(), bits);
        // One verdict, made public once: which check failed is not told.
        if !valid.to_bool() {
            return Err(numbers_invalid(field));
        }
        // The CRT values are the file's own: rsa computes its own, so a file
        // with others is still a valid key, but a platform is not handed them.
        let own_crt = own_crt.to_bool();
        Ok(CheckedDer {
            n: significant(parts.modulus.as_bytes()).to_vec(),
            e: significant(parts.public_exponent.as_bytes()).to_vec(),
            pkcs1: Zeroizing::new(pkcs1.to_vec()),
            bits,
            own_crt,
        })
    }

    /// rsa's key, built from the checked numbers ([`PrivateKey::from_components`],
    /// which checks them again and computes the CRT values).
    ///
    /// # Errors
    /// [`Error::KeyCorrupt`] when rsa refuses the numbers: that happens only
    /// for a key whose `q` has no inverse modulo `p`, which the check
    /// leaves to rsa (such a key's file cannot have CRT values of its own).
    pub fn build(&self, field: &'static str) -> Result<PrivateKey> {
        let parts = RsaPrivateKeyRef::try_from(&self.pkcs1[..])
            .map_err(|_| corrupt_der(field, "PKCS#1"))?;
        // Each number at n's precision, as rsa decodes them (`d` and the primes
        // must fit it); rsa's key then sets its own widths.
        let precision = precision_of(&parts);
        let key = match numbers(&parts, [precision; 5]) {
            Some([n, e, d, p, q]) => PrivateKey::from_components(n, e, d, vec![p, q]).ok(),
            None => None,
        };
        key.ok_or_else(|| numbers_invalid(field))
    }

    /// The key as PKCS#1 DER for a platform signer to import (node:crypto
    /// imports PKCS#1 in a third of PKCS#8's time): the file's own when its
    /// CRT values are its own, else `None` (then rsa's key, which computes
    /// its own, is the one to sign with: [`CheckedDer::build`]). Wiped on
    /// drop.
    #[must_use]
    pub fn platform_pkcs1(&self) -> Option<Zeroizing<Vec<u8>>> {
        self.own_der().map(|der| Zeroizing::new(der.to_vec()))
    }

    /// The key as PKCS#8 DER for a platform signer to import (WebCrypto
    /// takes only PKCS#8): the file's own PKCS#1 wrapped as `rsaEncryption`
    /// when its CRT values are its own, else `None`, as
    /// [`CheckedDer::platform_pkcs1`].
    #[must_use]
    pub fn platform_pkcs8(&self) -> Option<Zeroizing<Vec<u8>>> {
        let private_key = OctetStringRef::new(self.own_der()?).ok()?;
        let document: SecretDocument =
            pkcs8::PrivateKeyInfoRef::new(rsa::pkcs1::ALGORITHM_ID, private_key)
                .try_into()
                .ok()?;
        Some(Zeroizing::new(document.as_bytes().to_vec()))
    }

    /// The file's own DER, when its CRT values are its own. The one place
    /// that verdict is read (not inlined, so that the constant-time gate
    /// names it: ct/suppressions.mjs).
    #[inline(never)]
    fn own_der(&self) -> Option<&[u8]> {
        if self.own_crt {
            Some(&self.pkcs1)
        } else {
            None
        }
    }

    /// The modulus, big-endian, without leading zeros.
    #[must_use]
    pub fn modulus(&self) -> &[u8] {
        &self.n
    }

    /// The public exponent, big-endian, without leading zeros.
    #[must_use]
    pub fn public_exponent(&self) -> &[u8] {
        &self.e
    }

    /// The modulus size in bits.
    #[must_use]
    pub fn modulus_bits(&self) -> u32 {
        self.bits
    }

    /// rsa's public key for these numbers.
    ///
    /// # Errors
    /// [`Error::KeyCorrupt`], which checked numbers do not give.
    pub fn public_key(&self) -> Result<PublicKey> {
        let precision = u32::try_from(self.n.len())
            .unwrap_or(u32::MAX)
            .saturating_mul(8);
        let n =
            BoxedUint::from_be_slice(&self.n, precision).map_err(|_| Error::Internal("modulus"))?;
        let e = BoxedUint::from_be_slice(&self.e, precision)
            .map_err(|_| Error::Internal("exponent"))?;
        PublicKey::new(n, e).map_err(|_| Error::Internal("public key"))
    }
}

/// n's size in bytes, as bits: the precision rsa reads every number at.
fn precision_of(parts: &RsaPrivateKeyRef<'_>) -> u32 {
    u32::try_from(parts.modulus.as_bytes().len())
        .unwrap_or(u32::MAX)
        .saturating_mul(8)
}

/// A big-endian number at `precision` bits; `None` when it does not fit.
fn uint_at(bytes: &[u8], precision: u32) -> Option<BoxedUint> {
    BoxedUint::from_be_slice(bytes, precision).ok()
}

/// The numbers rsa builds a key from, `n`, `e`, `d`, `p` and `q`, each at
/// its precision; `None` when one does not fit its width.
fn numbers(parts: &RsaPrivateKeyRef<'_>, widths: [u32; 5]) -> Option<[BoxedUint; 5]> {
    let [n, e, d, p, q] = widths;
    Some([
        uint_at(parts.modulus.as_bytes(), n)?,
        uint_at(parts.public_exponent.as_bytes(), e)?,
        uint_at(parts.private_exponent.as_bytes(), d)?,
        uint_at(parts.prime1.as_bytes(), p)?,
        uint_at(parts.prime2.as_bytes(), q)?,
    ])
}

fn numbers_invalid(field: &'static str) -> Error {
    Error::KeyCorrupt(format!(
        "{field} is damaged: its numbers do not form a valid RSA key"
    ))
}

/// The verdicts of [`check_numbers`], secret until made public.
struct Numbers {
    valid: Choice,
    own_crt: Choice,
}

/// rsa 0.10's checks of a two-prime key (`from_components_inner`,
/// `validate`, `check_public`, and `precompute`'s inverse of `q` modulo
/// `p`), in constant time, and whether the file's CRT values (`dP`, `dQ`,
/// `qInv`) are `d mod (p−1)`, `d mod (q−1)` and `q⁻¹ mod p`. `bits` is
/// `n`'s width. Whether `q` has an inverse modulo `p` is proven only by a
/// `qInv` that is one: without it, `own_crt` is false, the platform is not
/// handed the file's DER, and rsa decides when it builds the key.
fn check_numbers(
    n: &BoxedUint,
    e: &BoxedUint,
    d: &BoxedUint,
    [p, q]: [&BoxedUint; 2],
    crt: Option<&[BoxedUint; 3]>,
    bits: u32,
) -> Numbers {
    let small = |v: u64| BoxedUint::from(v);
    // Public: n and e.
    let public =
        n.is_odd() & e.is_odd() & !e.ct_lt(&small(2)) & e.ct_lt(&small(1 << 33)) & e.ct_lt(n);
    // Each prime odd, at least 2, and of at most half of n's bits (rounded
    // up); p·q = n.
    let half_bits = bits.div_ceil(2);
    let narrow = |x: &BoxedUint| {
        if half_bits >= x.bits_precision() {
            Choice::TRUE
        } else {
            x.ct_lt(&BoxedUint::one_with_precision(x.bits_precision()).shl(half_bits))
        }
    };
    let prime = |x: &BoxedUint| x.is_odd() & !x.ct_lt(&small(2)) & narrow(x);
    let primes = prime(p) & prime(q) & !p.ct_eq(q) & p.concatenating_mul(q).ct_eq(n);
    // d < n, and d·e ≡ 1 modulo p−1 and q−1, as (d mod (x−1))·e; each
    // d mod (x−1) is also the CRT exponent the file should hold.
    let one = BoxedUint::one();
    let reduced = |x: &BoxedUint| {
        let modulus = NonZero::new(x.wrapping_sub(&one));
        let exponent = d.rem(modulus.as_inner_unchecked());
        let congruent = exponent
            .concatenating_mul(e)
            .rem(modulus.as_inner_unchecked())
            .is_one();
        (modulus.is_some() & congruent, exponent)
    };
    let ((p_ok, dp), (q_ok, dq)) = (reduced(p), reduced(q));
    let valid = public & primes & d.ct_lt(n) & p_ok & q_ok;
    let own_crt = crt.map_or(Choice::FALSE, |[file_dp, file_dq, qinv]| {
        let p_nz = NonZero::new(p.clone());
        let inverse = qinv.ct_lt(p)
            & qinv
                .concatenating_mul(q)
                .rem(p_nz.as_inner_unchecked())
                .is_one();
        dp.ct_eq(file_dp) & dq.ct_eq(file_dq) & p_nz.is_some() & inverse
    });
    Numbers {
        valid,
        own_crt: valid & own_crt,
    }
}

fn public_of_spki<'a>(der: &'a [u8], field: &'static str) -> Result<RsaPublicKeyRef<'a>> {
    let spki = pkcs8::SubjectPublicKeyInfoRef::try_from(der)
        .map_err(|_| corrupt_der(field, "SubjectPublicKeyInfo"))?;
    let oid = spki.algorithm.oid;
    if oid != OID_RSA && oid != OID_RSA_PSS {
        return Err(Error::KeyNotRsa("not an RSA public key"));
    }
    let bytes = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| corrupt_der(field, "SubjectPublicKeyInfo"))?;
    public_of_pkcs1(bytes, field)
}

fn public_of_pkcs1<'a>(der: &'a [u8], field: &'static str) -> Result<RsaPublicKeyRef<'a>> {
    let parts = RsaPublicKeyRef::try_from(der).map_err(|_| corrupt_der(field, "PKCS#1"))?;
    let bits = uint_bits(parts.modulus.as_bytes());
    if bits > MAX_BITS {
        return Err(too_large(bits));
    }
    Ok(parts)
}

fn public_from_parts(parts: RsaPublicKeyRef<'_>, field: &'static str) -> Result<PublicKey> {
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
