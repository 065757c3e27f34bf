//! Constant-time inversion modulo an odd number.
//!
//! The blinding of an RSA signature needs `r⁻¹ mod p` and `r⁻¹ mod q` for a
//! fresh random `r` each time. Moduli of up to 1024 and 2048 bits of
//! precision (the primes of RSA-2048 and RSA-4096 keys) take this crate's
//! safegcd on 30-bit limbs (`safegcd.rs`), about three times as fast in
//! WebAssembly as crypto-bigint's; larger ones crypto-bigint's own. Both
//! are constant-time.

use crypto_bigint::{BoxedUint, Odd};

use crate::limbs::Limbs;
use crate::montgomery;
use crate::safegcd::{self, Signed30, Wiped};

/// `x⁻¹ mod m` for `x < m`, or `None` when `x` and `m` share a factor.
///
/// Constant-time in the values of `x` and `m`; which path it takes depends
/// only on `m`'s precision. The result has `m`'s precision.
///
/// ```
/// use crypto_bigint::{BoxedUint, Odd, Resize};
/// let m = Odd::new(BoxedUint::from(101u32).resize(1024)).unwrap();
/// let x = BoxedUint::from(7u32).resize(1024);
/// let inverse = iamjwt_arith::invert::invert_odd_mod(&x, &m).unwrap();
/// assert_eq!(inverse, BoxedUint::from(29u32).resize(1024)); // 7·29 = 203 = 2·101 + 1
/// ```
#[must_use]
pub fn invert_odd_mod(x: &BoxedUint, m: &Odd<BoxedUint>) -> Option<BoxedUint> {
    let bits = m.as_ref().bits_precision();
    if bits <= 1024 {
        signed30::<35>(x, m.as_ref(), 1024)
    } else if bits <= 2048 {
        signed30::<69>(x, m.as_ref(), 2048)
    } else {
        x.invert_odd_mod(m).into_option()
    }
}

/// The 30-bit-limb path for moduli below `2^bits`, in `N = bits/30 + 1`
/// limbs (the top one signed and holding the rest).
fn signed30<const N: usize>(x: &BoxedUint, m: &BoxedUint, bits: u32) -> Option<BoxedUint> {
    let inverse = safegcd::invert::<N>(&to_signed30(x), &to_signed30(m), bits)?;
    Some(from_signed30(&inverse, m.bits_precision()))
}

/// The low `30·N` bits of `x` as 30-bit limbs.
fn to_signed30<const N: usize>(x: &BoxedUint) -> Wiped<N> {
    let limbs = montgomery::to_limbs_of(x, N, 30);
    let mut out = Wiped([0i32; N]);
    for (to, &from) in out.iter_mut().zip(limbs.iter()) {
        // Below 2^30.
        *to = from as i32;
    }
    out
}

/// Nonnegative 30-bit limbs back to an integer of `bits_precision` bits
/// (the value fits).
fn from_signed30<const N: usize>(limbs: &Signed30<N>, bits_precision: u32) -> BoxedUint {
    // Normalized: every limb in [0, 2^30).
    let limbs: Limbs = Limbs::new(limbs.iter().map(|&limb| limb as u32).collect());
    montgomery::from_limbs_of(&limbs, bits_precision, 30)
}
