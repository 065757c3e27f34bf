//! Constant-time modular exponentiation for the RSA private operation.
//!
//! rsa 0.10's private operation spends nearly all of its time in
//! crypto-bigint's Montgomery multiplication, which carries after every
//! limb product. Here numbers are little-endian limbs of [`LIMB_BITS`] = 28
//! bits held in `u32`, and a Montgomery product is computed column by column
//! (product scanning): a column's limb products, each below 2^56, are summed
//! in a `u64` with no carry at all, so the inner loop is one multiply and one
//! add. In WebAssembly, which has no 64×64→128 multiply, that signs RSA-2048
//! about twice as fast as rsa's own path, and with SIMD (four products per
//! step) about three times (bench/levers.md). It is the same code natively,
//! where it is somewhat slower than crypto-bigint's 64-bit limbs.
//!
//! A signature's two secret exponentiations run in step in
//! [`pair`](crate::pair), on the same limbs; [`pow_mod`] does one alone
//! (for keys whose primes differ in size, or past `pair`'s limb limit), and
//! [`pow_public`] raises to the public exponent.
//!
//! # Why it is constant-time
//! - The work depends only on public sizes: the modulus's bit bound and the
//!   exponent's storage precision, never on their values.
//! - Almost-Montgomery multiplication ([Gueron 2011], §3): with
//!   `R = 2^(28·N) > 4m`, the product of two values below `2m` is again
//!   below `2m`, so no step compares with or subtracts the modulus. The last
//!   step (multiplying by 1) gives a value `≤ m`, reduced by one masked
//!   subtraction.
//! - The exponent is read in fixed windows of 5 bits; the table entry is
//!   picked by reading all 32 entries under a mask, never by indexing with a
//!   secret.
//! - Carries between columns use `overflowing_add`, which is arithmetic, not
//!   a branch.
//!
//! Every scratch buffer is wiped when it is dropped.
//!
//! [Gueron 2011]: https://eprint.iacr.org/2011/239.pdf

// Every index below is derived from `n`, the public limb count, and the loop
// counters; the bounds are argued where the slices are taken.
#![allow(clippy::indexing_slicing)]

use alloc::vec;
use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, Odd, Resize, Word};
use zeroize::Zeroizing;

use crate::limbs::Limbs;

/// Bits per limb.
pub const LIMB_BITS: u32 = 28;
/// The low [`LIMB_BITS`] bits set.
pub(crate) const MASK: u32 = (1 << LIMB_BITS) - 1;

/// Bits of the exponent per window, and the table of powers it indexes.
pub(crate) const WINDOW: u32 = 5;
pub(crate) const TABLE: usize = 1 << WINDOW;
/// The most limbs a modulus may use: each of a column's two sums (the
/// product's, the reduction's) holds at most `n` products below 2^56, which
/// fits a `u64` for `n ≤ 255`, and the two are added with a carry. 255 limbs
/// is a 7140-bit modulus; an 8192-bit key's blinded primes need 151.
pub const MAX_LIMBS: usize = 255;

/// `base^exponent mod modulus`, in time that depends only on
/// `modulus_bits` (a public upper bound on the modulus's bit length) and
/// `exponent.bits_precision()`.
///
/// Returns `None` when `modulus_bits` is below the modulus's real length or
/// needs more than [`MAX_LIMBS`] limbs.
#[must_use]
pub fn pow_mod(
    base: &BoxedUint,
    exponent: &BoxedUint,
    modulus: &Odd<BoxedUint>,
    modulus_bits: u32,
) -> Option<BoxedUint> {
    let Start {
        m,
        x,
        one,
        mut work,
    } = Start::new(base, modulus, modulus_bits)?;
    let n = m.n();

    // table[i] = x^i in Montgomery form, each below 2m.
    let mut table = Limbs::new(vec![0u32; TABLE * n]);
    table[..n].copy_from_slice(&one);
    for i in 1..TABLE {
        let (done, rest) = table.split_at_mut(i * n);
        m.mul(&done[(i - 1) * n..], &x, &mut rest[..n], &mut work);
    }

    let exponent_bits = exponent.bits_precision();
    let top = exponent_bits.div_ceil(WINDOW).checked_sub(1)?;
    let mut acc = Limbs::new(vec![0u32; n]);
    select(&table, window(exponent, top), &mut acc);
    ladder(&m, &table, exponent, top, &mut acc, &mut work);
    Some(m.finish(&acc, &mut work, modulus.as_ref().bits_precision()))
}

/// `base^exponent mod modulus` for a **public** exponent, such as an RSA
/// key's `e`: left-to-right square-and-multiply, whose steps follow the
/// exponent's bits (so its time reveals the exponent, and nothing else).
/// The base may be secret: each step is the same constant-time product as
/// in [`pow_mod`]. For `e = 65537` that is 16 squarings and one product,
/// where [`pow_mod`]'s windows would take about 50.
///
/// The modulus comes with crypto-bigint's Montgomery parameters (an RSA
/// key keeps them for its modulus): a base of the parameters' precision
/// then enters Montgomery form without a long division.
///
/// Returns `None` when the modulus needs more than [`MAX_LIMBS`] limbs.
#[must_use]
pub fn pow_public(
    base: &BoxedUint,
    exponent: &BoxedUint,
    params: &BoxedMontyParams,
) -> Option<BoxedUint> {
    let modulus = params.modulus();
    let Start {
        m,
        x,
        one,
        mut work,
    } = Start::from_params(base, params)
        .or_else(|| Start::new(base, modulus, modulus.as_ref().bit_width_vartime()))?;
    let mut acc = Limbs::new(one.to_vec());
    let mut tmp = Limbs::new(vec![0u32; m.n()]);
    for i in (0..exponent.bit_width_vartime()).rev() {
        m.square(&acc, &mut tmp, &mut work);
        acc.copy_from_slice(&tmp);
        if exponent.bit_vartime(i) {
            m.mul(&acc, &x, &mut tmp, &mut work);
            acc.copy_from_slice(&tmp);
        }
    }
    Some(m.finish(&acc, &mut work, modulus.as_ref().bits_precision()))
}

/// What both exponentiations start from: the modulus in limbs, the base
/// `x·R mod m` and `1·R mod m` in Montgomery form, and scratch space.
pub(crate) struct Start {
    pub(crate) m: Modulus,
    pub(crate) x: Limbs,
    pub(crate) one: Limbs,
    work: Work,
}

impl Start {
    /// [`Start::new`] for a base of `params`' precision, without long
    /// division: crypto-bigint's Montgomery form gives `x·R₀ mod m` and
    /// `R₀ mod m` for `R₀ = 2^precision`, and `R = R₀·2^s` with `s` below a
    /// word, so `s` modular doublings finish each. `None` when that does
    /// not apply.
    fn from_params(base: &BoxedUint, params: &BoxedMontyParams) -> Option<Self> {
        let modulus = params.modulus();
        let precision = params.bits_precision();
        let n = limbs_for(modulus.as_ref().bit_width_vartime())?;
        let shift = (LIMB_BITS * u32::try_from(n).ok()?).checked_sub(precision)?;
        if n > MAX_LIMBS || base.bits_precision() != precision || shift >= Word::BITS {
            return None;
        }
        let m = Modulus::new(modulus.as_ref(), n);
        let times_2s = |form: &BoxedMontyForm| {
            let mut limbs = to_limbs(form.as_montgomery(), n);
            for _ in 0..shift {
                m.double(&mut limbs);
            }
            limbs
        };
        let x = times_2s(&Zeroizing::new(BoxedMontyForm::new(base.clone(), params)));
        let one = times_2s(&Zeroizing::new(BoxedMontyForm::one(params)));
        Some(Self::from_parts(m, x, one))
    }

    pub(crate) fn new(
        base: &BoxedUint,
        modulus: &Odd<BoxedUint>,
        modulus_bits: u32,
    ) -> Option<Self> {
        let n = limbs_for(modulus_bits)?;
        if n > MAX_LIMBS || modulus.as_ref().bit_width() > modulus_bits {
            return None;
        }
        let r_bits = LIMB_BITS * u32::try_from(n).ok()?;
        let nz = modulus.as_nz_ref();

        // x·R mod m and R mod m, by crypto-bigint's constant-time remainder.
        let mut wide = Zeroizing::new(base.resize_unchecked(base.bits_precision() + r_bits));
        wide.shl_assign(r_bits);
        let x_mont = Zeroizing::new(wide.rem(nz));
        let one_mont = Zeroizing::new(
            BoxedUint::one_with_precision(r_bits + 1)
                .shl(r_bits)
                .rem(nz),
        );
        Some(Self::from_parts(
            Modulus::new(modulus.as_ref(), n),
            to_limbs(&x_mont, n),
            to_limbs(&one_mont, n),
        ))
    }

    /// The start from the modulus and the limbs of `x·R mod m` and `R mod
    /// m`, with scratch space for its limb count.
    fn from_parts(m: Modulus, x: Limbs, one: Limbs) -> Self {
        let work = Work::new(m.n());
        Start { m, x, one, work }
    }
}

/// Limbs for a modulus below `2^modulus_bits`: the fewest `n` with
/// `R = 2^(28·n) > 4·modulus`.
pub(crate) fn limbs_for(modulus_bits: u32) -> Option<usize> {
    usize::try_from(modulus_bits.checked_add(2)?.div_ceil(LIMB_BITS)).ok()
}

/// The fixed windows below `top`, from the most significant: five
/// squarings, then a product with the table entry the window picks.
fn ladder(
    m: &Modulus,
    table: &[u32],
    exponent: &BoxedUint,
    top: u32,
    acc: &mut [u32],
    work: &mut Work,
) {
    let n = m.n();
    let mut picked = Limbs::new(vec![0u32; n]);
    let mut tmp = Limbs::new(vec![0u32; n]);
    for w in (0..top).rev() {
        for _ in 0..WINDOW {
            m.square(acc, &mut tmp, work);
            acc.copy_from_slice(&tmp);
        }
        select(table, window(exponent, w), &mut picked);
        m.mul(acc, &picked, &mut tmp, work);
        acc.copy_from_slice(&tmp);
    }
}

/// The modulus in limbs, reversed (so that column sums walk both operands
/// forwards), and `-m⁻¹ mod 2^28`.
pub(crate) struct Modulus {
    m: Limbs,
    rev: Limbs,
    inv: u32,
}

/// Scratch space for one product: the second operand reversed, and the
/// Montgomery quotient digits.
struct Work {
    rev: Limbs,
    u: Limbs,
}

impl Work {
    fn new(n: usize) -> Self {
        Work {
            rev: Limbs::new(vec![0; n]),
            u: Limbs::new(vec![0; n]),
        }
    }
}

impl Modulus {
    fn new(m: &BoxedUint, n: usize) -> Self {
        let m = to_limbs(m, n);
        let mut rev = Limbs::new(m.to_vec());
        rev.reverse();
        // Newton's iteration doubles the correct low bits each step:
        // 1 → 2 → 4 → 8 → 16 → 32 ≥ 28 (m is odd, so m·1 ≡ 1 mod 2).
        let m0 = m[0];
        let mut inv: u32 = 1;
        for _ in 0..5 {
            inv = inv.wrapping_mul(2u32.wrapping_sub(m0.wrapping_mul(inv)));
        }
        Modulus {
            m,
            rev,
            inv: inv.wrapping_neg() & MASK,
        }
    }

    pub(crate) fn n(&self) -> usize {
        self.m.len()
    }

    /// The modulus's limbs, least significant first.
    pub(crate) fn limbs(&self) -> &[u32] {
        &self.m
    }

    /// `-m⁻¹ mod 2^28`.
    pub(crate) fn inv(&self) -> u32 {
        self.inv
    }

    /// `out = a·b·R⁻¹ (mod m)`, below `2m` when `a` and `b` are.
    fn mul(&self, a: &[u32], b: &[u32], out: &mut [u32], work: &mut Work) {
        let n = self.n();
        work.rev.copy_from_slice(&b[..n]);
        work.rev.reverse();
        let rev = &work.rev[..];
        self.reduce_columns(out, &mut work.u, |k, lo| {
            // Σ a[j]·b[k−j] over lo ≤ j ≤ min(k, n−1), with
            // b[k−j] = rev[n−1−k+j].
            if k < n {
                dot(&a[..=k], &rev[n - 1 - k..])
            } else {
                dot(&a[lo..n], &rev[..n - lo])
            }
        });
    }

    /// `out = a²·R⁻¹ (mod m)`: each cross product once, doubled.
    fn square(&self, a: &[u32], out: &mut [u32], work: &mut Work) {
        let n = self.n();
        work.rev.copy_from_slice(&a[..n]);
        work.rev.reverse();
        let rev = &work.rev[..];
        self.reduce_columns(out, &mut work.u, |k, lo| {
            // Pairs j < k−j with lo ≤ j: j in lo..h, h = ⌈k/2⌉; a[k−j] =
            // rev[n−1−k+j], from index n−1−k+lo (0 when k ≥ n).
            let h = k.div_ceil(2);
            let start = (n - 1 + lo) - k;
            let cross = dot(&a[lo..h], &rev[start..start + (h - lo)]);
            let diagonal = if k % 2 == 0 {
                u64::from(a[k / 2]) * u64::from(a[k / 2])
            } else {
                0
            };
            2 * cross + diagonal
        });
    }

    /// The Montgomery reduction interleaved with the product's columns:
    /// `column(k, lo)` is column k of the product (lo = max(0, k−n+1)).
    fn reduce_columns(&self, out: &mut [u32], u: &mut [u32], column: impl Fn(usize, usize) -> u64) {
        let n = self.n();
        let m0 = u64::from(self.m[0]);
        let mut carry: u64 = 0;
        for k in 0..n {
            // Σ u[j]·m[k−j] for j < k; m[k−j] = rev[n−1−k+j].
            let um = dot(&u[..k], &self.rev[n - 1 - k..n - 1]);
            let (sum, high) = add3(column(k, 0), um, carry);
            let uk = ((sum as u32) & MASK).wrapping_mul(self.inv) & MASK;
            u[k] = uk;
            let (sum, more) = add3(sum, u64::from(uk) * m0, 0);
            carry = shift_down(sum, high + more);
        }
        for k in n..2 * n - 1 {
            let lo = k + 1 - n;
            let um = dot(&u[lo..n], &self.rev[..n - lo]);
            let (sum, high) = add3(column(k, lo), um, carry);
            out[k - n] = (sum as u32) & MASK;
            carry = shift_down(sum, high);
        }
        // The value is below 2m < R, so the last carry fits one limb.
        out[n - 1] = (carry as u32) & MASK;
    }

    /// `acc` out of Montgomery form: `acc·1·R⁻¹`, which is at most m, then
    /// reduced below m, as an integer of `bits_precision` bits.
    fn finish(&self, acc: &[u32], work: &mut Work, bits_precision: u32) -> BoxedUint {
        let n = self.n();
        let mut one = Limbs::new(vec![0u32; n]);
        one[0] = 1;
        let mut tmp = Limbs::new(vec![0u32; n]);
        self.mul(acc, &one, &mut tmp, work);
        self.finish_reduced(tmp, bits_precision)
    }

    /// A value already out of Montgomery form (at most m), reduced below
    /// m, as an integer of `bits_precision` bits.
    pub(crate) fn finish_reduced(&self, mut value: Limbs, bits_precision: u32) -> BoxedUint {
        self.reduce_once(&mut value);
        from_limbs(&value, bits_precision)
    }

    /// `a ← 2a mod m` for `a < m`: a shift, then [`Modulus::reduce_once`]
    /// (`2a < 2m` fits the limbs, as `R > 4m`).
    fn double(&self, a: &mut [u32]) {
        let mut carry = 0;
        for limb in a.iter_mut() {
            let doubled = (*limb << 1) | carry;
            carry = doubled >> LIMB_BITS;
            *limb = doubled & MASK;
        }
        self.reduce_once(a);
    }

    /// `a -= m` when `a ≥ m`, by a masked subtraction.
    fn reduce_once(&self, a: &mut [u32]) {
        let mut diff = Limbs::new(vec![0u32; self.n()]);
        let mut borrow = 0u32;
        for ((d, &x), &y) in diff.iter_mut().zip(a.iter()).zip(self.m.iter()) {
            let t = x.wrapping_sub(y).wrapping_sub(borrow);
            *d = t & MASK;
            borrow = t >> 31;
        }
        // borrow = 1 when a < m: keep a.
        let keep = borrow.wrapping_neg();
        for (x, d) in a.iter_mut().zip(diff.iter()) {
            *x = (*x & keep) | (*d & !keep);
        }
    }
}

/// `x + y + z` as its low 64 bits and the bits above (0 to 2), without a
/// branch. A column of up to 255 products below 2^56, plus its share of the
/// reduction, can pass 2^64.
#[inline(always)]
fn add3(x: u64, y: u64, z: u64) -> (u64, u64) {
    let (sum, o1) = x.overflowing_add(y);
    let (sum, o2) = sum.overflowing_add(z);
    (sum, u64::from(o1) + u64::from(o2))
}

/// `(high·2^64 + low) >> 28`, the carry into the next column (high < 4).
#[inline(always)]
fn shift_down(low: u64, high: u64) -> u64 {
    (low >> LIMB_BITS) | (high << (64 - LIMB_BITS))
}

/// Σ x[i]·y[i] over the shorter length; each product is below 2^56 and at
/// most [`MAX_LIMBS`] are summed, so the `u64` does not overflow.
#[inline(always)]
fn scalar_dot(x: &[u32], y: &[u32]) -> u64 {
    x.iter()
        .zip(y)
        .map(|(&a, &b)| u64::from(a) * u64::from(b))
        .sum()
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
use scalar_dot as dot;

/// [`scalar_dot`], four products at a time: each
/// `u64x2_extmul` multiplies two pairs of 32-bit lanes into 64-bit lanes
/// (one `pmuludq` on x86), which is 1.5× faster per signature than the
/// scalar loop (BENCHMARKS.md). Same bound as the scalar version.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn dot(x: &[u32], y: &[u32]) -> u64 {
    use core::arch::wasm32::{
        i64x2_add, u64x2_extmul_high_u32x4, u64x2_extmul_low_u32x4, u64x2_extract_lane,
        u64x2_splat, v128,
    };
    let n = x.len().min(y.len());
    let (x4, x_rest) = x[..n].split_at(n - n % 4);
    let (y4, y_rest) = y[..n].split_at(n - n % 4);
    let mut acc = u64x2_splat(0);
    for (a, b) in x4.chunks_exact(4).zip(y4.chunks_exact(4)) {
        // SAFETY: each chunk is four u32s, 16 readable bytes; the reads are
        // unaligned loads.
        let (a, b) = unsafe {
            (
                core::ptr::read_unaligned(a.as_ptr().cast::<v128>()),
                core::ptr::read_unaligned(b.as_ptr().cast::<v128>()),
            )
        };
        acc = i64x2_add(acc, u64x2_extmul_low_u32x4(a, b));
        acc = i64x2_add(acc, u64x2_extmul_high_u32x4(a, b));
    }
    u64x2_extract_lane::<0>(acc) + u64x2_extract_lane::<1>(acc) + scalar_dot(x_rest, y_rest)
}

/// Copies `table[index]` into `out`, reading every entry.
fn select(table: &[u32], index: u32, out: &mut [u32]) {
    out.fill(0);
    for (i, entry) in table.chunks_exact(out.len()).enumerate() {
        let mask = equal_mask(i as u32, index);
        for (o, &e) in out.iter_mut().zip(entry) {
            *o |= e & mask;
        }
    }
}

/// All ones when `a == b`, else 0, without a branch.
pub(crate) fn equal_mask(a: u32, b: u32) -> u32 {
    let diff = a ^ b;
    ((diff | diff.wrapping_neg()) >> 31).wrapping_sub(1)
}

/// Bits `5w .. 5w+5` of `x` (zeros past its precision).
pub(crate) fn window(x: &BoxedUint, w: u32) -> u32 {
    let mut value = 0;
    for b in 0..WINDOW {
        value |= bit(x, w * WINDOW + b) << b;
    }
    value
}

fn bit(x: &BoxedUint, at: u32) -> u32 {
    let words = x.as_words();
    let (word, shift) = (at / Word::BITS, at % Word::BITS);
    words
        .get(word as usize)
        .map_or(0, |&w| ((wide(w) >> shift) & 1) as u32)
}

/// The low `28·n` bits of `x` as `n` limbs.
fn to_limbs(x: &BoxedUint, n: usize) -> Limbs {
    to_limbs_of(x, n, LIMB_BITS)
}

/// The low `limb_bits·n` bits of `x` as `n` limbs of `limb_bits` (< 32)
/// bits.
pub(crate) fn to_limbs_of(x: &BoxedUint, n: usize, limb_bits: u32) -> Limbs {
    let words = x.as_words();
    let word_bits = Word::BITS as usize;
    let word = |i: usize| words.get(i).map_or(0, |&w| wide(w));
    let mut out = Limbs::new(vec![0u32; n]);
    for (i, limb) in out.iter_mut().enumerate() {
        let at = i * limb_bits as usize;
        let (w, shift) = (at / word_bits, at % word_bits);
        let mut value = word(w) >> shift;
        if shift + limb_bits as usize > word_bits {
            value |= word(w + 1) << (word_bits - shift);
        }
        *limb = (value as u32) & ((1 << limb_bits) - 1);
    }
    out
}

/// A word as `u64` (it is one on 64-bit targets).
#[allow(clippy::useless_conversion)]
fn wide(word: Word) -> u64 {
    u64::from(word)
}

/// The low bits of `value` that fit a word (all of them on 64-bit targets).
#[allow(clippy::unnecessary_cast, clippy::cast_possible_truncation)]
fn low_word(value: u64) -> Word {
    value as Word
}

/// Limbs back to an integer of `bits_precision` bits (the value fits).
fn from_limbs(limbs: &[u32], bits_precision: u32) -> BoxedUint {
    from_limbs_of(limbs, bits_precision, LIMB_BITS)
}

/// Limbs of `limb_bits` bits (each below 2^limb_bits) back to an integer
/// of `bits_precision` bits (the value fits).
pub(crate) fn from_limbs_of(limbs: &[u32], bits_precision: u32, limb_bits: u32) -> BoxedUint {
    let word_bits = Word::BITS as usize;
    let mut words = Zeroizing::new(vec![
        0 as Word;
        (bits_precision as usize).div_ceil(word_bits)
    ]);
    for (i, &limb) in limbs.iter().enumerate() {
        let at = i * limb_bits as usize;
        let (w, shift) = (at / word_bits, at % word_bits);
        let value = u64::from(limb) << shift;
        if let Some(slot) = words.get_mut(w) {
            *slot |= low_word(value);
        }
        if shift + limb_bits as usize > word_bits {
            if let Some(slot) = words.get_mut(w + 1) {
                *slot |= low_word(u64::from(limb) >> (word_bits - shift));
            }
        }
    }
    BoxedUint::from_words_with_precision(words.iter().copied(), bits_precision)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::{add3, from_limbs, limbs_for, shift_down, to_limbs, Modulus, LIMB_BITS, MASK};
    use crypto_bigint::{BoxedUint, NonZero};

    #[test]
    fn doubling_stays_reduced_and_matches_crypto_bigint() {
        // Moduli: all ones, 2^(b-1) + 1, and a fixed odd pattern; values
        // from 0 to m - 1, around m/2 (where 2a passes m), and in between.
        for bits in [29u32, 1024, 2048] {
            let precision = bits.next_multiple_of(64);
            let all_ones = BoxedUint::max(precision).shr(precision - bits);
            let mut low_top = BoxedUint::one_with_precision(precision).shl(bits - 1);
            low_top.wrapping_add_assign(BoxedUint::one());
            let pattern = all_ones
                .shr(3)
                .wrapping_sub(BoxedUint::from(0x0155_5556u64));
            for (m, width) in [(all_ones, bits), (low_top, bits), (pattern, bits - 3)] {
                assert_eq!((m.bit_width(), m.as_words()[0] & 1), (width, 1));
                let n = limbs_for(bits).unwrap();
                let modulus = Modulus::new(&m, n);
                let half = m.shr(1);
                let values = [
                    BoxedUint::zero_with_precision(precision),
                    BoxedUint::one_with_precision(precision),
                    half.clone(),
                    half.wrapping_add(BoxedUint::one()),
                    m.wrapping_sub(BoxedUint::one()),
                    m.wrapping_sub(BoxedUint::from(2u64)),
                    m.shr(2).wrapping_mul(BoxedUint::from(3u64)),
                ];
                let nz = NonZero::new(m.clone()).unwrap();
                for a in values {
                    let mut limbs = to_limbs(&a, n);
                    modulus.double(&mut limbs);
                    assert!(limbs.iter().all(|&limb| limb <= MASK));
                    let expected = a.add_mod(&a, &nz);
                    assert_eq!(from_limbs(&limbs, precision), expected, "2·{a} mod {m}");
                }
            }
        }
    }

    #[test]
    fn column_carries_past_64_bits_are_kept() {
        let edges = [0, 1, u64::MAX >> 1, u64::MAX - 1, u64::MAX];
        for x in edges {
            for y in edges {
                for z in edges {
                    let (low, high) = add3(x, y, z);
                    let exact = u128::from(x) + u128::from(y) + u128::from(z);
                    assert_eq!(u128::from(low) + (u128::from(high) << 64), exact);
                    assert_eq!(u128::from(shift_down(low, high)), exact >> LIMB_BITS);
                }
            }
        }
    }
}
