//! The RSA private operation (RSASP1, [RFC 8017 §5.2.1]) with the Chinese
//! remainder theorem, blinded the way rsa 0.10 blinds it, on the
//! iamjwt-arith crate's arithmetic (`arith/`, compiled for speed): the two
//! halves' exponentiations run in step (`pair::pow_mod_pair`), and `r⁻¹`
//! comes from its inverses modulo p and q (`invert`).
//!
//! For each signature, with fresh randomness:
//! - the base: `c·r^e mod n`, undone by `r⁻¹` at the end;
//! - each exponent: `dP + b·(p−1)` with a 128-bit `b`;
//! - each modulus: the exponentiation runs modulo `p·g`, `g = 2s+1` with a
//!   128-bit `s`, and is reduced modulo `p` afterwards.
//!
//! Before the result leaves it is checked: `s^e mod n` must give back the
//! input. The check runs on [`montgomery::pow_public`], one modulus at a
//! time, not on the paired code that made the signature, so a fault or a
//! bug in either yields [`Error::Crypto`], never a wrong signature.
//!
//! [RFC 8017 §5.2.1]: https://www.rfc-editor.org/rfc/rfc8017#section-5.2.1

use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, ConcatenatingMul, Odd, RandomMod, Resize};
use rsa::rand_core::TryCryptoRng;
use rsa::traits::PublicKeyParts;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::private_key::PrivateKey;
use iamjwt_arith::{invert, montgomery, pair};

/// Random bits in each exponent and modulus blinding factor.
const BLINDING_BITS: u32 = 128;

/// `c^d mod n` for `c < n`, blinded and checked.
///
/// # Errors
/// [`Error::Rng`] when the rng fails; [`Error::Crypto`] when `c ≥ n` or the
/// result fails the check.
pub fn rsa_private<R: TryCryptoRng + ?Sized>(
    key: &PrivateKey,
    c: &BoxedUint,
    rng: &mut R,
) -> Result<BoxedUint> {
    let n = key.n();
    let bits = key.n_bits_precision();
    if c.bits_precision() != bits || c >= n.as_ref() {
        return Err(Error::Crypto);
    }
    let (dp, dq, qinv, [p, q]) = (key.dp(), key.dq(), key.qinv(), key.primes());

    // Base blinding: c·r^e, with r invertible modulo n. r⁻¹ comes from its
    // inverses modulo p and q (two half-size inversions, then the CRT).
    let (blinded, r_inv) = loop {
        let r = Zeroizing::new(BoxedUint::try_random_mod_vartime(rng, n).map_err(|_| Error::Rng)?);
        let inverse = |prime: &Odd<BoxedUint>| {
            invert::invert_odd_mod(&Zeroizing::new(r.rem(prime.as_nz_ref())), prime)
                .map(Zeroizing::new)
        };
        if let (Some(inverse_p), Some(inverse_q)) = (inverse(p), inverse(q)) {
            let r_e = public_pow(&r, key);
            let r_inv = crt(&inverse_p, &inverse_q, [p, q], qinv, bits);
            break (mul_mod(c, &r_e, key.n_params()), r_inv);
        }
    };

    let bp = Blinded::new(dp, p, rng)?;
    let bq = Blinded::new(dq, q, rng)?;
    let [m1, m2] = pair::pow_mod_pair(
        [&blinded, &blinded],
        [&bp.exponent, &bq.exponent],
        [&bp.modulus, &bq.modulus],
        [bp.bound, bq.bound],
    )
    .ok_or(Error::Crypto)?;
    let m1 = Zeroizing::new(Zeroizing::new(m1).rem(p.as_nz_ref()));
    let m2 = Zeroizing::new(Zeroizing::new(m2).rem(q.as_nz_ref()));

    let m = crt(&m1, &m2, [p, q], qinv, bits);

    // Undo the base blinding, then check: s^e = c.
    let signature = mul_mod(&m, &r_inv, key.n_params());
    let check = public_pow(&signature, key);
    if *check != *c {
        return Err(Error::Crypto);
    }
    Ok((*signature).clone())
}

/// `a·b mod n` for `a, b < n` of n's precision, by two Montgomery products
/// (`b` into Montgomery form, then the product, whose Montgomery form is
/// `a·b`), not a double-width product and a division.
fn mul_mod(a: &BoxedUint, b: &BoxedUint, params: &BoxedMontyParams) -> Zeroizing<BoxedUint> {
    let a = Zeroizing::new(BoxedMontyForm::from_montgomery(a.clone(), params));
    let b = Zeroizing::new(BoxedMontyForm::new(b.clone(), params));
    let product = Zeroizing::new(&*a * &*b);
    Zeroizing::new(product.as_montgomery().clone())
}

/// `x^e mod n` by the kernel's [`montgomery::pow_public`], or by
/// crypto-bigint for moduli past the kernel's [`montgomery::MAX_LIMBS`]
/// (over 7140 bits).
fn public_pow(x: &BoxedUint, key: &PrivateKey) -> Zeroizing<BoxedUint> {
    Zeroizing::new(
        montgomery::pow_public(x, key.e(), key.n_params()).unwrap_or_else(|| {
            let form = Zeroizing::new(BoxedMontyForm::new(x.clone(), key.n_params()));
            let powered = Zeroizing::new(form.pow_bounded_exp(key.e(), key.e().bit_width()));
            powered.retrieve()
        }),
    )
}

/// The integer below `n = p·q` that is `mp` modulo p and `mq` modulo q
/// (Garner): `mq + q·(qInv·(mp − mq) mod p)`, in `bits` bits.
fn crt(
    mp: &BoxedUint,
    mq: &BoxedUint,
    [p, q]: [&Odd<BoxedUint>; 2],
    qinv: &BoxedUint,
    bits: u32,
) -> Zeroizing<BoxedUint> {
    let p_nz = p.as_nz_ref();
    let mq_wide = Zeroizing::new(mq.resize_unchecked(bits));
    let mq_mod_p = Zeroizing::new(mq_wide.rem(p_nz));
    let diff = Zeroizing::new(mp.sub_mod(&mq_mod_p, p_nz));
    // h = qInv·(mp − mq) mod p: a product and a constant-time remainder,
    // each step in a buffer that wipes itself.
    let product = Zeroizing::new(qinv.concatenating_mul(&*diff));
    let h_value = Zeroizing::new(product.rem(p_nz));
    let hq_full = Zeroizing::new(h_value.concatenating_mul(q.as_ref()));
    let hq = Zeroizing::new((&*hq_full).resize_unchecked(bits));
    Zeroizing::new(mq_wide.wrapping_add(&*hq))
}

/// One CRT half's blinded exponent `d + b·(p−1)` and modulus `p·g`, and
/// the modulus's public bit bound.
struct Blinded {
    exponent: Zeroizing<BoxedUint>,
    modulus: Zeroizing<Odd<BoxedUint>>,
    bound: u32,
}

impl Blinded {
    fn new<R: TryCryptoRng + ?Sized>(
        d: &BoxedUint,
        p: &Odd<BoxedUint>,
        rng: &mut R,
    ) -> Result<Self> {
        let p_minus_1 = Zeroizing::new(p.as_ref().wrapping_sub(BoxedUint::one()));

        // d + b·(p−1) < 2^(bits(p) + 128).
        let b = Zeroizing::new(random(rng)?);
        let exponent_bits = d.bits_precision().max(p.bits_precision()) + BLINDING_BITS;
        let p_minus_1 =
            Zeroizing::new((&*p_minus_1).resize_unchecked(exponent_bits - BLINDING_BITS));
        let mut exponent = Zeroizing::new(p_minus_1.concatenating_mul(&*b));
        exponent.wrapping_add_assign(d);

        // p·g with g = 2s + 1 < 2^129.
        let s = Zeroizing::new(random(rng)?);
        let mut g = Zeroizing::new((&*s).resize_unchecked(BLINDING_BITS + 1));
        g.shl_assign(1);
        g.wrapping_add_assign(BoxedUint::one());
        let modulus = Zeroizing::new(
            Odd::new(p.as_ref().concatenating_mul(&*g))
                .into_option()
                .ok_or(Error::Crypto)?,
        );
        Ok(Blinded {
            exponent,
            modulus,
            bound: p.bits_precision() + BLINDING_BITS + 1,
        })
    }
}

/// A uniformly random integer of [`BLINDING_BITS`] bits.
fn random<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<BoxedUint> {
    let mut bytes = Zeroizing::new([0u8; (BLINDING_BITS / 8) as usize]);
    rng.try_fill_bytes(bytes.as_mut()).map_err(|_| Error::Rng)?;
    BoxedUint::from_le_slice(bytes.as_ref(), BLINDING_BITS).map_err(|_| Error::Crypto)
}
