//! A two-prime RSA private key with its CRT values, built and checked by
//! the core.
//!
//! [`PrivateKey::from_components`] makes the checks [RFC 8017 §3.2] asks of
//! a key, the same ones rsa 0.10's `PrivateKey::from_components` makes for
//! two primes, with the same storage widths: n at its own bit length, d at
//! n's, each prime and its CRT exponent at half of n's. The key is built
//! here, not by rsa, because rsa's constructor also recovers the primes
//! from n, e and d when it is given none: code no decoded key reaches (a
//! square root among it) that would still be linked into the .wasm
//! (bench/levers.md). rsa still checks the public half ([`PublicKey::new`]).
//!
//! ```
//! # let json = include_str!("../www/demo-key.json");
//! use iamjwt::{key, key_file::KeyFile, private_key::PrivateKey};
//! use rsa::traits::PublicKeyParts;
//!
//! let file = KeyFile::from_json(json)?;
//! let pem = file.private_key.as_deref().expect("the demo key has one");
//! let key = key::private_key_from_pem(pem, "private_key")?.key;
//! assert_eq!(key.size(), 256);
//!
//! // The same numbers make the same key; a d that is off makes none.
//! let [p, q] = key.primes().map(|prime| prime.as_ref().clone());
//! let (n, e, d) = (key.n().as_ref().clone(), key.e().clone(), key.d().clone());
//! let two = rsa::BoxedUint::from(2u32);
//! assert!(PrivateKey::from_components(n.clone(), e.clone(), d.clone(), p.clone(), q.clone()).is_some());
//! assert!(PrivateKey::from_components(n, e, d.wrapping_add(&two), p, q).is_none());
//! # Ok::<(), iamjwt::Error>(())
//! ```
//!
//! [RFC 8017 §3.2]: https://www.rfc-editor.org/rfc/rfc8017#section-3.2

use crypto_bigint::modular::BoxedMontyParams;
use crypto_bigint::{BoxedUint, ConcatenatingMul, CtEq, NonZero, Odd, Resize};
use rsa::traits::PublicKeyParts;
use rsa::PublicKey;
use zeroize::{Zeroize, Zeroizing};

use iamjwt_arith::invert;

/// A two-prime RSA private key: n, e, d, the primes p and q, and the CRT
/// values `dP = d mod (p−1)`, `dQ = d mod (q−1)` and `qInv = q⁻¹ mod p`.
///
/// The private parts are wiped when it is dropped. Its `Debug` output shows
/// only the public half.
pub struct PrivateKey {
    public: PublicKey,
    d: BoxedUint,
    p: Odd<BoxedUint>,
    q: Odd<BoxedUint>,
    dp: BoxedUint,
    dq: BoxedUint,
    qinv: BoxedUint,
}

impl PrivateKey {
    /// Builds a key from its numbers, or `None` when they do not form a
    /// valid two-prime RSA key:
    /// - n is odd, of 1024 to 8192 bits; e is odd, `2 < e < 2^33` and
    ///   `e < n` (rsa's [`PublicKey::new`]);
    /// - `d < n`;
    /// - p and q are odd, distinct, above 1, of at most half of n's bits
    ///   (rounded up), and `p·q = n`;
    /// - `d·e ≡ 1` modulo `p−1` and modulo `q−1`.
    ///
    /// The CRT values are computed here, as rsa computes them; a file's own
    /// are not trusted.
    #[must_use]
    pub fn from_components(
        n: BoxedUint,
        e: BoxedUint,
        d: BoxedUint,
        p: BoxedUint,
        q: BoxedUint,
    ) -> Option<Self> {
        let d = Zeroizing::new(d);
        let (p, q) = (Zeroizing::new(p), Zeroizing::new(q));

        // n and e at their own bit lengths (an encoding may pad them with
        // zeros): the public operation's cost follows e's precision.
        let n = Odd::new(n).into_option()?;
        let n_bits = n.bit_width_vartime();
        let e_bits = e.bit_width_vartime().max(1);
        let public =
            PublicKey::new(n.resize_unchecked(n_bits).get(), e.resize_unchecked(e_bits)).ok()?;
        let n = public.n();

        let d = Zeroizing::new((&*d).try_resize(n.bits_precision())?);
        if *d >= *n.as_ref() {
            return None;
        }

        let prime_bits = n_bits.div_ceil(2);
        let p = Zeroizing::new(prime(&p, prime_bits)?);
        let q = Zeroizing::new(prime(&q, prime_bits)?);
        let (p_value, q_value): (&BoxedUint, &BoxedUint) = (&p, &q);
        let one = BoxedUint::one_with_precision(prime_bits);
        let bad_primes = p_value.ct_eq(&one) | q_value.ct_eq(&one) | p_value.ct_eq(q_value);
        if bad_primes.to_bool() || p_value.concatenating_mul(q_value) != *n.as_ref() {
            return None;
        }

        // d·e ≡ 1 modulo p−1 and q−1: e is then invertible modulo both,
        // and x^(d·e) ≡ x modulo n.
        let de = Zeroizing::new(d.concatenating_mul(public.e()));
        let p_minus_1 = minus_one(&p)?;
        let q_minus_1 = minus_one(&q)?;
        if !(de.rem(&p_minus_1).is_one() & de.rem(&q_minus_1).is_one()).to_bool() {
            return None;
        }

        // qInv first: nothing after it can fail and drop dP or dQ unwiped.
        // A plain integer, not crypto-bigint's Montgomery form: that would
        // hold p in shared parameters that no drop can wipe.
        let q_mod_p = Zeroizing::new(q.rem(p.as_nz_ref()));
        let qinv = invert::invert_odd_mod(&q_mod_p, &p)?;
        let dp = d.rem(&p_minus_1);
        let dq = d.rem(&q_minus_1);
        Some(PrivateKey {
            public,
            d: (*d).clone(),
            p: (*p).clone(),
            q: (*q).clone(),
            dp,
            dq,
            qinv,
        })
    }

    /// The public half.
    #[must_use]
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The public half, owned.
    #[must_use]
    pub fn to_public_key(&self) -> PublicKey {
        self.public.clone()
    }

    /// The private exponent d, at n's precision.
    #[must_use]
    pub fn d(&self) -> &BoxedUint {
        &self.d
    }

    /// The primes p and q.
    #[must_use]
    pub fn primes(&self) -> [&Odd<BoxedUint>; 2] {
        [&self.p, &self.q]
    }

    /// `dP = d mod (p−1)`.
    #[must_use]
    pub fn dp(&self) -> &BoxedUint {
        &self.dp
    }

    /// `dQ = d mod (q−1)`.
    #[must_use]
    pub fn dq(&self) -> &BoxedUint {
        &self.dq
    }

    /// `qInv = q⁻¹ mod p`, at p's precision.
    #[must_use]
    pub fn qinv(&self) -> &BoxedUint {
        &self.qinv
    }
}

impl PublicKeyParts for PrivateKey {
    fn n(&self) -> &NonZero<BoxedUint> {
        self.public.n()
    }

    fn e(&self) -> &BoxedUint {
        self.public.e()
    }

    fn n_params(&self) -> &BoxedMontyParams {
        self.public.n_params()
    }
}

impl From<&PrivateKey> for PublicKey {
    fn from(key: &PrivateKey) -> PublicKey {
        key.to_public_key()
    }
}

/// An rsa key, checked again by [`PrivateKey::from_components`].
///
/// # Errors
/// [`Error::KeyUnsupported`](crate::Error::KeyUnsupported) for a key of
/// more than two primes; [`Error::KeyCorrupt`](crate::Error::KeyCorrupt)
/// when the checks refuse it.
impl TryFrom<&rsa::PrivateKey> for PrivateKey {
    type Error = crate::Error;

    fn try_from(key: &rsa::PrivateKey) -> crate::Result<Self> {
        use rsa::traits::PrivateKeyParts;
        let [p, q] = key.primes() else {
            return Err(crate::Error::KeyUnsupported(
                "a multi-prime RSA key; only two-prime keys are supported".into(),
            ));
        };
        PrivateKey::from_components(
            key.n().as_ref().clone(),
            key.e().clone(),
            key.d().clone(),
            p.as_ref().clone(),
            q.as_ref().clone(),
        )
        .ok_or_else(|| crate::Error::KeyCorrupt("its numbers do not form a valid RSA key".into()))
    }
}

impl core::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PrivateKey")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

impl Drop for PrivateKey {
    fn drop(&mut self) {
        self.d.zeroize();
        self.p.zeroize();
        self.q.zeroize();
        self.dp.zeroize();
        self.dq.zeroize();
        self.qinv.zeroize();
    }
}

/// `x` as a prime of `bits` bits of precision, if it is odd and fits.
fn prime(x: &BoxedUint, bits: u32) -> Option<Odd<BoxedUint>> {
    if x.bit_width() > bits {
        return None;
    }
    Odd::new(x.resize_unchecked(bits)).into_option()
}

/// `p − 1`, nonzero for an odd `p` above 1.
fn minus_one(p: &Odd<BoxedUint>) -> Option<Zeroizing<NonZero<BoxedUint>>> {
    NonZero::new(p.as_ref().wrapping_sub(BoxedUint::one()))
        .into_option()
        .map(Zeroizing::new)
}
