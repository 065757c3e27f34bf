//! Constant-time inversion modulo an odd number.
//!
//! The blinding of an RSA signature needs `r⁻¹ mod p` and `r⁻¹ mod q` for a
//! fresh random `r` each time. crypto-bigint's safegcd inversion does it in
//! constant time; its heap-allocated `BoxedUint` version is compiled in
//! crypto-bigint, at whatever level that crate is built with, while the
//! fixed-size `Uint<LIMBS>` version is generic and so is compiled here, for
//! speed. The primes of RSA-2048 and RSA-4096 keys (1024 and 2048 bits)
//! take the fixed-size path; other sizes take the boxed one.

use crypto_bigint::{BoxedUint, Odd, Resize, Uint, Word, U1024, U2048};
use zeroize::Zeroizing;

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
    if bits <= U1024::BITS {
        fixed::<{ U1024::LIMBS }>(x, m.as_ref())
    } else if bits <= U2048::BITS {
        fixed::<{ U2048::LIMBS }>(x, m.as_ref())
    } else {
        x.invert_odd_mod(m).into_option()
    }
}

/// The fixed-size path: both values widened (or narrowed: they fit) to
/// `Uint<L>`, inverted, and the result given `m`'s precision.
fn fixed<const L: usize>(x: &BoxedUint, m: &BoxedUint) -> Option<BoxedUint> {
    let x = to_fixed::<L>(x);
    let m_fixed = Odd::new(*to_fixed::<L>(m)).into_option()?;
    let inverse = Zeroizing::new(x.invert_odd_mod(&m_fixed).into_option()?);
    let wide = Zeroizing::new(BoxedUint::from_words_with_precision(
        inverse.to_words(),
        Uint::<L>::BITS,
    ));
    Some((&*wide).resize_unchecked(m.bits_precision()))
}

/// `value` as a `Uint<L>` (its bits above `L` words are dropped).
fn to_fixed<const L: usize>(value: &BoxedUint) -> Zeroizing<Uint<L>> {
    let resized = Zeroizing::new(value.resize_unchecked(Uint::<L>::BITS));
    let mut words = Zeroizing::new([0 as Word; L]);
    for (to, from) in words.iter_mut().zip(resized.as_words()) {
        *to = *from;
    }
    Zeroizing::new(Uint::from_words(*words))
}
