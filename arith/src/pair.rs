//! Two exponentiations in step, one in each SIMD lane: the two halves of
//! an RSA signature's CRT.
//!
//! An RSA signature raises the blinded message to two secret exponents, one
//! modulo each (blinded) prime. For a key whose primes have one size, the
//! two are of one shape: the same limb count, the same exponent length, so
//! the same sequence of squarings and products (the windows are fixed).
//! Here they run in step. Their limbs are interleaved, so each SIMD multiply
//! serves both halves, each lane of an accumulator sums one of them, and
//! the work around the sums (loop set-up, the Montgomery digits, carries)
//! is done once for both.
//!
//! Layout. A value is `n` pairs of limbs, `v[2i + h]` = limb `i` of half
//! `h`, in limbs of [`montgomery::LIMB_BITS`] bits. A product
//! reads its operands as chunks of four limbs: the left chunk `L_j = [a⁰ⱼ,
//! a¹ⱼ, u⁰ⱼ, u¹ⱼ]` (operand limbs and Montgomery digits) and the right chunk
//! `R_i = [b⁰ᵢ, b¹ᵢ, m⁰ᵢ, m¹ᵢ]` (the other operand and the moduli), the
//! right ones stored in reverse so that a column walks both forwards. For
//! each pair of chunks one `u64x2_extmul_low` gives both halves' operand
//! products and one `u64x2_extmul_high` both halves' digit products.
//! Columns are summed two at a time.
//!
//! It is constant-time for the same reasons as `pow_mod`: almost-Montgomery
//! products (no comparison with the modulus), loops that depend on the
//! limb count and the exponent's precision only, and table entries read
//! under a mask, each half with its own window.
//!
//! In wasm this took an RSA-2048 signature from 4.6 to 3.2 ms (with the
//! 30-bit inversion and smaller steps, 2.9 ms; with the column sums inlined
//! into the reduction, 2.5 ms; bench/levers.md).

// Indices derive from the public limb count and the loop counters.
#![allow(clippy::indexing_slicing)]

use alloc::vec;
use crypto_bigint::{BoxedUint, Odd};

use crate::limbs::Limbs;
use crate::montgomery::{self, equal_mask, window, Start, TABLE, WINDOW};

/// The most limbs per half. A column's sum in one lane holds at most `n`
/// operand products below 2^56 (a doubled cross product in a square counts
/// twice, and there are half as many), `n` digit products below 2^56, and a
/// carry below 2^36: below 2^64 for `n ≤ 127`. Larger moduli (an 8192-bit
/// key's blinded primes take 151 limbs) go through `pow_mod` one at a time.
pub const MAX_LIMBS: usize = 127;

/// `bases[h]^exponents[h] mod moduli[h]` for `h = 0, 1`, each as
/// [`montgomery::pow_mod`] computes it, in time that depends only on the
/// bounds `modulus_bits` and the exponents' precisions.
///
/// The two run in step when they need the same number of limbs (at most
/// [`MAX_LIMBS`]) and their exponents have the same precision, as the two
/// halves of an RSA key with primes of one size do; otherwise one after the
/// other.
///
/// Returns `None` when a bound is below its modulus's length or needs more
/// than [`montgomery::MAX_LIMBS`] limbs.
#[must_use]
pub fn pow_mod_pair(
    bases: [&BoxedUint; 2],
    exponents: [&BoxedUint; 2],
    moduli: [&Odd<BoxedUint>; 2],
    modulus_bits: [u32; 2],
) -> Option<[BoxedUint; 2]> {
    let n = montgomery::limbs_for(modulus_bits[0])?;
    let exponent_bits = exponents[0].bits_precision();
    if Some(n) != montgomery::limbs_for(modulus_bits[1])
        || n > MAX_LIMBS
        || exponent_bits != exponents[1].bits_precision()
    {
        return Some([
            montgomery::pow_mod(bases[0], exponents[0], moduli[0], modulus_bits[0])?,
            montgomery::pow_mod(bases[1], exponents[1], moduli[1], modulus_bits[1])?,
        ]);
    }
    let starts = [
        Start::new(bases[0], moduli[0], modulus_bits[0])?,
        Start::new(bases[1], moduli[1], modulus_bits[1])?,
    ];
    let n = starts[0].m.n();
    let m = PairModulus::new(&starts);
    let mut work = Work::new(&m);

    // table[i] = (x⁰)^i, (x¹)^i in Montgomery form.
    let x = interleave(&starts[0].x, &starts[1].x);
    let one = interleave(&starts[0].one, &starts[1].one);
    let mut table = Limbs::new(vec![0u32; TABLE * 2 * n]);
    table[..2 * n].copy_from_slice(&one);
    for i in 1..TABLE {
        let (done, rest) = table.split_at_mut(i * 2 * n);
        let entry = &mut rest[..2 * n];
        entry.copy_from_slice(&done[(i - 1) * 2 * n..]);
        m.mul::<0>(entry, &x, &mut work);
    }

    let top = exponent_bits.div_ceil(WINDOW).checked_sub(1)?;
    let pick = |w: u32| [window(exponents[0], w), window(exponents[1], w)];
    let mut acc = Limbs::new(vec![0u32; 2 * n]);
    select_pair(&table, pick(top), &mut acc);
    // The blinded primes of RSA-2048 and RSA-4096 keys (42 and 78 limbs)
    // get constant loop bounds, down into the column sums: 13 % faster
    // signatures each, for 3 KB of .wasm each (bench/levers.md).
    if n == 42 {
        ladder::<42>(&m, &table, &pick, top, &mut acc, &mut work);
    } else if n == 78 {
        ladder::<78>(&m, &table, &pick, top, &mut acc, &mut work);
    } else {
        ladder::<0>(&m, &table, &pick, top, &mut acc, &mut work);
    }

    // Out of Montgomery form (times 1), then each half on its own.
    let mut unit = Limbs::new(vec![0u32; 2 * n]);
    unit[0] = 1;
    unit[1] = 1;
    m.mul::<0>(&mut acc, &unit, &mut work);
    let [p0, p1] = &starts;
    Some([
        p0.m.finish_reduced(half(&acc, 0), moduli[0].as_ref().bits_precision()),
        p1.m.finish_reduced(half(&acc, 1), moduli[1].as_ref().bits_precision()),
    ])
}

/// The fixed windows below `top`: five squarings, then a product with each
/// half's table entry. `N` is the limb count when known at compile time.
fn ladder<const N: usize>(
    m: &PairModulus,
    table: &[u32],
    pick: &impl Fn(u32) -> [u32; 2],
    top: u32,
    acc: &mut [u32],
    work: &mut Work,
) {
    let mut picked = Limbs::new(vec![0u32; acc.len()]);
    for w in (0..top).rev() {
        for _ in 0..WINDOW {
            m.square::<N>(acc, work);
        }
        select_pair(table, pick(w), &mut picked);
        m.mul::<N>(acc, &picked, work);
    }
}

/// `[a⁰₀, a¹₀, a⁰₁, a¹₁, …]` from the two halves' limbs.
fn interleave(a: &[u32], b: &[u32]) -> Limbs {
    let mut out = Limbs::new(vec![0u32; 2 * a.len()]);
    for ((pair, &x), &y) in out.chunks_exact_mut(2).zip(a).zip(b) {
        pair[0] = x;
        pair[1] = y;
    }
    out
}

/// Half `h`'s limbs out of an interleaved value.
fn half(v: &[u32], h: usize) -> Limbs {
    Limbs::new(v.chunks_exact(2).map(|pair| pair[h]).collect())
}

/// Table entries `index[0]` for half 0 and `index[1]` for half 1, reading
/// every entry.
fn select_pair(table: &[u32], index: [u32; 2], out: &mut [u32]) {
    out.fill(0);
    for (i, entry) in (0u32..).zip(table.chunks_exact(out.len())) {
        let mask = [equal_mask(i, index[0]), equal_mask(i, index[1])];
        for (o, e) in out.chunks_exact_mut(2).zip(entry.chunks_exact(2)) {
            o[0] |= e[0] & mask[0];
            o[1] |= e[1] & mask[1];
        }
    }
}

/// Both moduli: the right chunks' moduli halves, reversed, and per half
/// `m₀` and `-m⁻¹ mod 2^28`.
struct PairModulus {
    n: usize,
    /// `[_, _, m⁰ᵢ, m¹ᵢ]` at chunk `n − 1 − i`; work copies of it get the
    /// operand in the first two lanes.
    right: Limbs,
    m0: [u64; 2],
    /// m₁ per half (0 for a one-limb modulus).
    m1: [u64; 2],
    inv: [u32; 2],
}

/// Scratch for one product: the left chunks (operand and digits) and the
/// right chunks (operand, moduli).
struct Work {
    left: Limbs,
    right: Limbs,
}

impl Work {
    fn new(m: &PairModulus) -> Self {
        Work {
            left: Limbs::new(vec![0; 4 * m.n]),
            right: m.right.clone(),
        }
    }
}

impl PairModulus {
    fn new(starts: &[Start; 2]) -> Self {
        let n = starts[0].m.n();
        let mut right = Limbs::new(vec![0u32; 4 * n]);
        for (h, start) in starts.iter().enumerate() {
            for (i, &limb) in start.m.limbs().iter().enumerate() {
                right[4 * (n - 1 - i) + 2 + h] = limb;
            }
        }
        let limb = |h: usize, i: usize| u64::from(starts[h].m.limbs().get(i).copied().unwrap_or(0));
        PairModulus {
            n,
            right,
            m0: [limb(0, 0), limb(1, 0)],
            m1: [limb(0, 1), limb(1, 1)],
            inv: [starts[0].m.inv(), starts[1].m.inv()],
        }
    }

    /// `N` when given (and then equal to `n`), else `n`.
    #[inline(always)]
    fn len<const N: usize>(&self) -> usize {
        if N == 0 {
            self.n
        } else {
            debug_assert_eq!(N, self.n);
            N
        }
    }

    /// Fills the work chunks: the left operand (doubled for a square) with
    /// its digits cleared, and the right operand reversed.
    #[inline(always)]
    fn load<const N: usize>(&self, a: &[u32], b: &[u32], double: bool, work: &mut Work) {
        let n = self.len::<N>();
        let (a, b) = (&a[..2 * n], &b[..2 * n]);
        let (left, right) = (&mut work.left[..4 * n], &mut work.right[..4 * n]);
        let shift = u32::from(double);
        for (chunk, pair) in left.chunks_exact_mut(4).zip(a.chunks_exact(2)) {
            chunk[0] = pair[0] << shift;
            chunk[1] = pair[1] << shift;
            chunk[2] = 0;
            chunk[3] = 0;
        }
        // The moduli lanes were copied by `Work::new`.
        for (chunk, pair) in right.chunks_exact_mut(4).rev().zip(b.chunks_exact(2)) {
            chunk[0] = pair[0];
            chunk[1] = pair[1];
        }
    }

    /// `a ← a·b·R⁻¹` per half, below `2m` when `a` and `b` are.
    fn mul<const N: usize>(&self, a: &mut [u32], b: &[u32], work: &mut Work) {
        self.load::<N>(a, b, false, work);
        self.reduce::<N, false>(a, work);
    }

    /// `out = a²·R⁻¹` per half: each cross product once, from the doubled
    /// operand, and the diagonal.
    fn square<const N: usize>(&self, a: &mut [u32], work: &mut Work) {
        self.load::<N>(a, a, true, work);
        self.reduce::<N, true>(a, work);
    }

    /// The product (or square) of the loaded operands, column by column,
    /// with the Montgomery reduction interleaved.
    ///
    /// Columns are summed two at a time where they can be: columns k and
    /// k+1 read the same left chunks, and column k+1 the right chunk that
    /// column k read one step before, so each step loads two chunks for
    /// eight products (`Columns::pair`). The digit `u_k` is not stored
    /// until both sums are taken: column k+1's term `u_k·m₁` is added
    /// from registers.
    fn reduce<const N: usize, const SQUARE: bool>(&self, out: &mut [u32], work: &mut Work) {
        let n = self.len::<N>();
        let Work { left, right } = work;
        let mask = u64::from(montgomery::MASK);
        let mut carry = [0u64; 2];
        // Column k's digits from its sum; stores u_k, returns it.
        let digit = |left: &mut [u32], k: usize, sum: [u64; 2], carry: &mut [u64; 2]| {
            let mut u = [0u64; 2];
            for h in 0..2 {
                let total = sum[h] + carry[h];
                u[h] = ((total & mask) * u64::from(self.inv[h])) & mask;
                carry[h] = (total + u[h] * self.m0[h]) >> montgomery::LIMB_BITS;
            }
            left[4 * k + 2] = u[0] as u32;
            left[4 * k + 3] = u[1] as u32;
            u
        };
        let mut k = 0;
        while k + 1 < n {
            let (s0, mut s1) = Columns::<SQUARE> { n, left, right }.pair(k);
            let u = digit(left, k, s0, &mut carry);
            for h in 0..2 {
                s1[h] += u[h] * self.m1[h];
            }
            digit(left, k + 1, s1, &mut carry);
            k += 2;
        }
        if k < n {
            let s = Columns::<SQUARE> { n, left, right }.single(k);
            digit(left, k, s, &mut carry);
        }
        let mut emit = |k: usize, sum: [u64; 2], carry: &mut [u64; 2]| {
            for h in 0..2 {
                let total = sum[h] + carry[h];
                out[2 * (k - n) + h] = (total & mask) as u32;
                carry[h] = total >> montgomery::LIMB_BITS;
            }
        };
        // Pairs start at an even column (squares need it).
        k = n;
        if k % 2 == 1 && k < 2 * n - 1 {
            emit(
                k,
                Columns::<SQUARE> { n, left, right }.single(k),
                &mut carry,
            );
            k += 1;
        }
        while k + 1 < 2 * n - 1 {
            let (s0, s1) = Columns::<SQUARE> { n, left, right }.pair(k);
            emit(k, s0, &mut carry);
            emit(k + 1, s1, &mut carry);
            k += 2;
        }
        if k < 2 * n - 1 {
            emit(
                k,
                Columns::<SQUARE> { n, left, right }.single(k),
                &mut carry,
            );
        }
        // Each value is below 2m < R: the last carry fits one limb.
        out[2 * (n - 1)] = (carry[0] & mask) as u32;
        out[2 * (n - 1) + 1] = (carry[1] & mask) as u32;
    }
}

/// The column sums of one product: `left` holds chunk j = `[a⁰ⱼ, a¹ⱼ,
/// u⁰ⱼ, u¹ⱼ]` (a doubled for a square; digits not yet computed read 0),
/// `right` holds `R_i = [b⁰ᵢ, b¹ᵢ, m⁰ᵢ, m¹ᵢ]` at chunk n−1−i.
///
/// Column k is Σ a_j·b_{k−j} + Σ u_j·m_{k−j} over lo ≤ j ≤ hi, lo =
/// max(0, k−n+1), hi = min(k, n−1). For a square the first sum runs over
/// j < ⌈k/2⌉ only (with a doubled), plus a_{k/2}² when k is even.
struct Columns<'a, const SQUARE: bool> {
    n: usize,
    left: &'a [u32],
    right: &'a [u32],
}

impl<const SQUARE: bool> Columns<'_, SQUARE> {
    /// Left chunks `j0..j1`.
    fn left(&self, j0: usize, j1: usize) -> &[u32] {
        &self.left[4 * j0..4 * j1]
    }

    /// The right chunks column k takes from index j on: `R_{k−j}`,
    /// `R_{k−j−1}`, … (none when j > k).
    fn right_from(&self, k: usize, j: usize) -> &[u32] {
        &self.right[4 * ((self.n - 1 + j) - k)..]
    }

    /// `R_i`.
    fn r(&self, i: usize) -> Chunk {
        load(&self.right[4 * (self.n - 1 - i)..4 * (self.n - i)])
    }

    /// Column k alone.
    fn single(&self, k: usize) -> [u64; 2] {
        let n = self.n;
        let lo = (k + 1).saturating_sub(n);
        let hi = k.min(n - 1);
        if !SQUARE {
            return lanes(run(
                zero(),
                self.left(lo, hi + 1),
                self.right_from(k, lo),
                full,
            ));
        }
        let h = k.div_ceil(2);
        let acc = run(zero(), self.left(lo, h), self.right_from(k, lo), full);
        let acc = run(acc, self.left(h, hi + 1), self.right_from(k, h), digits);
        let mut sums = lanes(acc);
        if k.is_multiple_of(2) {
            self.add_diagonal(k, &mut sums);
        }
        sums
    }

    /// Columns k and k+1 (k even for a square; k+1 ≤ 2n−2).
    ///
    /// Inlined into `PairModulus::reduce`, so that a constant limb count
    /// reaches its loops and its sums stay in registers (not returned
    /// through memory).
    #[inline(always)]
    fn pair(&self, k: usize) -> ([u64; 2], [u64; 2]) {
        let n = self.n;
        // Column k+1 starts at lo1 and ends at hi1; column k at lo0, hi0.
        let lo0 = (k + 1).saturating_sub(n);
        let lo1 = (k + 2).saturating_sub(n);
        let hi0 = k.min(n - 1);
        let (mut acc0, mut acc1) = (zero(), zero());
        if lo0 < lo1 {
            // Column k's first term (a cross product in a square, as
            // lo0 < k/2 here).
            acc0 = full(acc0, load(self.left(lo0, lo1)), self.r(k - lo0));
        }
        let prev = self.r(k + 1 - lo1);
        let (acc0, acc1) = if SQUARE {
            // j < k/2: cross products in both columns; j = k/2: column k's
            // cross products have ended, column k+1's have one more; then
            // digits only.
            let h = k / 2;
            let (acc0, acc1, prev) = run2(
                acc0,
                acc1,
                prev,
                self.left(lo1, h),
                self.right_from(k, lo1),
                full,
                full,
            );
            let l = load(self.left(h, h + 1));
            let r = self.r(k - h);
            let (acc0, acc1, prev) = (digits(acc0, l, r), full(acc1, l, prev), r);
            let (acc0, acc1, _) = run2(
                acc0,
                acc1,
                prev,
                self.left(h + 1, hi0 + 1),
                self.right_from(k, h + 1),
                digits,
                digits,
            );
            (acc0, acc1)
        } else {
            let (a0, a1, _) = run2(
                acc0,
                acc1,
                prev,
                self.left(lo1, hi0 + 1),
                self.right_from(k, lo1),
                full,
                full,
            );
            acc0 = a0;
            acc1 = a1;
            if k + 1 < n {
                // Column k+1's last term, a_{k+1}·b_0 (u_{k+1} reads 0).
                acc1 = full(acc1, load(self.left(k + 1, k + 2)), self.r(0));
            }
            (acc0, acc1)
        };
        let mut sums0 = lanes(acc0);
        if SQUARE {
            self.add_diagonal(k, &mut sums0);
        }
        (sums0, lanes(acc1))
    }

    /// a_{k/2}² per half, from the undoubled right chunk.
    fn add_diagonal(&self, k: usize, sums: &mut [u64; 2]) {
        let at = 4 * (self.n - 1 - k / 2);
        for (sum, &a) in sums.iter_mut().zip(&self.right[at..at + 2]) {
            *sum += u64::from(a) * u64::from(a);
        }
    }
}

/// `acc` plus `step` over the chunk pairs of `left` and `right`.
#[inline(always)]
fn run(mut acc: Acc, left: &[u32], right: &[u32], step: impl Fn(Acc, Chunk, Chunk) -> Acc) -> Acc {
    for (l, r) in left.chunks_exact(4).zip(right.chunks_exact(4)) {
        acc = step(acc, load(l), load(r));
    }
    acc
}

/// Two columns k (`acc0`) and k+1 (`acc1`) over the same left chunks:
/// column k takes the right chunk `right` gives, column k+1 the one before
/// it (`prev`, then the last one column k took). Returns the sums and the
/// last right chunk.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn run2(
    mut acc0: Acc,
    mut acc1: Acc,
    mut prev: Chunk,
    left: &[u32],
    right: &[u32],
    step0: impl Fn(Acc, Chunk, Chunk) -> Acc,
    step1: impl Fn(Acc, Chunk, Chunk) -> Acc,
) -> (Acc, Acc, Chunk) {
    for (l, r) in left.chunks_exact(4).zip(right.chunks_exact(4)) {
        let (l, r) = (load(l), load(r));
        acc0 = step0(acc0, l, r);
        acc1 = step1(acc1, l, prev);
        prev = r;
    }
    (acc0, acc1, prev)
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod lanes {
    //! Two `u64` sums (one per half) and chunks of four limbs, in scalar
    //! code: the same sums as the SIMD version.
    pub(super) type Acc = [u64; 2];
    pub(super) type Chunk = [u32; 4];

    #[inline(always)]
    pub(super) fn zero() -> Acc {
        [0; 2]
    }

    #[inline(always)]
    pub(super) fn load(chunk: &[u32]) -> Chunk {
        let mut out = [0; 4];
        out.copy_from_slice(&chunk[..4]);
        out
    }

    /// Operand products (lanes 0, 1) and digit products (lanes 2, 3).
    #[inline(always)]
    pub(super) fn full(acc: Acc, l: Chunk, r: Chunk) -> Acc {
        let p = |i: usize| u64::from(l[i]) * u64::from(r[i]);
        [acc[0] + p(0) + p(2), acc[1] + p(1) + p(3)]
    }

    /// Digit products only.
    #[inline(always)]
    pub(super) fn digits(acc: Acc, l: Chunk, r: Chunk) -> Acc {
        let p = |i: usize| u64::from(l[i]) * u64::from(r[i]);
        [acc[0] + p(2), acc[1] + p(3)]
    }

    #[inline(always)]
    pub(super) fn lanes(acc: Acc) -> [u64; 2] {
        acc
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod lanes {
    //! Two `u64` sums (one per half) in a `v128`, and chunks as `v128`:
    //! each `u64x2_extmul` multiplies both halves' limbs at once.
    use core::arch::wasm32::{
        i64x2_add, u64x2_extmul_high_u32x4, u64x2_extmul_low_u32x4, u64x2_extract_lane,
        u64x2_splat, v128,
    };

    pub(super) type Acc = v128;
    pub(super) type Chunk = v128;

    #[inline(always)]
    pub(super) fn zero() -> Acc {
        u64x2_splat(0)
    }

    #[inline(always)]
    pub(super) fn load(chunk: &[u32]) -> Chunk {
        let chunk = &chunk[..4];
        // SAFETY: four u32s, 16 readable bytes; an unaligned load.
        unsafe { core::ptr::read_unaligned(chunk.as_ptr().cast::<v128>()) }
    }

    /// Operand products (`extmul_low`) and digit products (`extmul_high`).
    #[inline(always)]
    pub(super) fn full(acc: Acc, l: Chunk, r: Chunk) -> Acc {
        i64x2_add(
            i64x2_add(acc, u64x2_extmul_low_u32x4(l, r)),
            u64x2_extmul_high_u32x4(l, r),
        )
    }

    /// Digit products only.
    #[inline(always)]
    pub(super) fn digits(acc: Acc, l: Chunk, r: Chunk) -> Acc {
        i64x2_add(acc, u64x2_extmul_high_u32x4(l, r))
    }

    #[inline(always)]
    pub(super) fn lanes(acc: Acc) -> [u64; 2] {
        [u64x2_extract_lane::<0>(acc), u64x2_extract_lane::<1>(acc)]
    }
}

use lanes::{digits, full, lanes, load, zero, Acc, Chunk};
