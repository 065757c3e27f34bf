//! Constant-time inversion modulo an odd number by Bernstein and Yang's
//! safegcd, in batches of 30 steps on 30-bit signed limbs: the shape of
//! libsecp256k1's `modinv32`, for any limb count `N`.
//!
//! crypto-bigint's safegcd takes batches of 62 steps, so its matrices have
//! 64-bit entries, and every limb update multiplies 64 by 32 bits: in
//! WebAssembly, which has no wider multiply than 64×64→64, that is a
//! 128-bit product built from four. Here matrix entries are below 2^30 and
//! limbs 30 bits, so each product is one `i64` multiply.
//!
//! The algorithm (half-delta divsteps, `zeta = −(δ + ½)`, as libsecp256k1
//! had it until it moved to `eta`) and the update steps follow
//! libsecp256k1's `src/modinv32_impl.h` and its
//! `doc/safegcd_implementation.md`. The number of steps is the bound that
//! crypto-bigint uses for the same variant, from
//! <https://github.com/sipa/safegcd-bounds>: `⌊(45907·b + 30179) / 19929⌋`
//! for `b`-bit inputs, so the running time depends on `b` and `N` only.
//!
//! The functions below are a translation of libsecp256k1's, which carry
//! this notice: Copyright (c) 2020 Peter Dettman. Distributed under the MIT
//! software license, see <https://www.opensource.org/licenses/mit-license.php>.

// Limb indices run over 0..N, N ≥ 2 by construction.
#![allow(clippy::indexing_slicing)]

use core::ops::{Deref, DerefMut};
use zeroize::Zeroize;

/// Mask of the low 30 bits.
const M30: i32 = (u32::MAX >> 2) as i32;

/// `N` signed limbs of 30 bits, least significant first: the value is
/// `Σ v[i]·2^(30·i)`. All limbs but the top one are in `[0, 2^30)` after an
/// update; the top one carries the sign.
pub(crate) type Signed30<const N: usize> = [i32; N];

/// Limbs that are wiped when dropped. `Zeroizing<[i32; N]>` wipes too, but
/// with one volatile store per limb, unrolled at every drop site: some 6 KB
/// of .wasm for each `N`. This wipes through one loop over a slice.
pub(crate) struct Wiped<const N: usize>(pub(crate) Signed30<N>);

impl<const N: usize> Drop for Wiped<N> {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

impl<const N: usize> Deref for Wiped<N> {
    type Target = Signed30<N>;
    fn deref(&self) -> &Signed30<N> {
        &self.0
    }
}

impl<const N: usize> DerefMut for Wiped<N> {
    fn deref_mut(&mut self) -> &mut Signed30<N> {
        &mut self.0
    }
}

/// Zeroes `limbs` out of line, so that the loop is not unrolled for each
/// array size.
#[inline(never)]
fn wipe(limbs: &mut [i32]) {
    limbs.zeroize();
}

/// The transition matrix of 30 divsteps, scaled by 2^30.
struct Matrix {
    u: i32,
    v: i32,
    q: i32,
    r: i32,
}

/// `x⁻¹ mod m` for odd `m < 2^bits` and `0 ≤ x < m`, given in `N ≥
/// bits/30 + 1` limbs of 30 bits, or `None` when `gcd(x, m) ≠ 1` (`x = 0`
/// included). The result is in `[0, m)`.
pub(crate) fn invert<const N: usize>(
    x: &Signed30<N>,
    m: &Signed30<N>,
    bits: u32,
) -> Option<Wiped<N>> {
    // m⁻¹ mod 2^30 by Newton's iteration (m odd): 1 → 2 → … → 32 bits.
    let m0 = m[0] as u32;
    let mut m_inv = 1u32;
    for _ in 0..5 {
        m_inv = m_inv.wrapping_mul(2u32.wrapping_sub(m0.wrapping_mul(m_inv)));
    }
    let m_inv = m_inv & (M30 as u32);

    let mut d = Wiped([0i32; N]);
    let mut e = Wiped([0i32; N]);
    e[0] = 1;
    let mut f = Wiped(*m);
    let mut g = Wiped(*x);
    let mut zeta: i32 = -1;
    let steps = (45907 * u64::from(bits) + 30179) / 19929;
    for _ in 0..steps.div_ceil(30) {
        let t = divsteps(&mut zeta, f[0] as u32, g[0] as u32);
        update_de(&mut d, &mut e, &t, m, m_inv);
        update_fg(&mut f, &mut g, &t);
    }
    // g is now 0 and f = ±gcd(x, m); d = ±x⁻¹ when that is 1.
    let sign = f[N - 1] >> 31;
    // f = 1 is [1, 0, …, 0]; f = −1 is [M30, …, M30, −1].
    let mut unit = 0i32;
    for (i, &limb) in f.iter().enumerate() {
        let expected = if i == N - 1 {
            sign
        } else if i == 0 {
            (1 & !sign) | (M30 & sign)
        } else {
            M30 & sign
        };
        unit |= limb ^ expected;
    }
    // x = 0 has no inverse, not even modulo 1 (where gcd(0, 1) = 1): as
    // crypto-bigint's inversion answers.
    let nonzero = x.iter().fold(0, |any, &limb| any | limb);
    normalize(&mut d, sign, m);
    (unit == 0 && nonzero != 0).then_some(d)
}

/// 30 divsteps on the low bits of `f` (odd) and `g`; updates `zeta`.
fn divsteps(zeta: &mut i32, f0: u32, g0: u32) -> Matrix {
    // u, v, q, r are signed values in [−2^30, 2^30] kept as u32, so that
    // left shifts are defined.
    let (mut u, mut v, mut q, mut r) = (1u32, 0u32, 0u32, 1u32);
    let (mut f, mut g) = (f0, g0);
    let mut z = *zeta;
    for _ in 0..30 {
        // c1: zeta < 0; c2: g odd (as all-ones masks).
        let c1 = (z >> 31) as u32;
        let c2 = (g & 1).wrapping_neg();
        // x, y, z: f, u, v negated when zeta < 0; added to g, q, r when g
        // is odd.
        let x = (f ^ c1).wrapping_sub(c1);
        let y = (u ^ c1).wrapping_sub(c1);
        let w = (v ^ c1).wrapping_sub(c1);
        g = g.wrapping_add(x & c2);
        q = q.wrapping_add(y & c2);
        r = r.wrapping_add(w & c2);
        // c1 now: zeta < 0 and g odd. Then zeta becomes −zeta−2, else
        // zeta−1; and g, q, r are added to f, u, v.
        let c1 = c1 & c2;
        z = (z ^ c1 as i32).wrapping_sub(1);
        f = f.wrapping_add(g & c1);
        u = u.wrapping_add(q & c1);
        v = v.wrapping_add(r & c1);
        g >>= 1;
        u <<= 1;
        v <<= 1;
    }
    *zeta = z;
    Matrix {
        u: u as i32,
        v: v as i32,
        q: q as i32,
        r: r as i32,
    }
}

/// `[d, e] ← (t·[d, e] + m·[md, me]) / 2^30`, with `md`, `me` chosen so the
/// division is exact; keeps `d, e` in `(−2m, m)`.
fn update_de<const N: usize>(
    d: &mut Signed30<N>,
    e: &mut Signed30<N>,
    t: &Matrix,
    m: &Signed30<N>,
    m_inv: u32,
) {
    let (u, v, q, r) = (t.u, t.v, t.q, t.r);
    // [md, me] start as [u, q] if d < 0, plus [v, r] if e < 0.
    let sd = d[N - 1] >> 31;
    let se = e[N - 1] >> 31;
    let mut md = (u & sd).wrapping_add(v & se);
    let mut me = (q & sd).wrapping_add(r & se);
    let (di, ei) = (d[0], e[0]);
    let mut cd = i64::from(u) * i64::from(di) + i64::from(v) * i64::from(ei);
    let mut ce = i64::from(q) * i64::from(di) + i64::from(r) * i64::from(ei);
    // Make the low 30 bits of t·[d, e] + m·[md, me] zero.
    md = md
        .wrapping_sub((m_inv.wrapping_mul(cd as u32).wrapping_add(md as u32) & M30 as u32) as i32);
    me = me
        .wrapping_sub((m_inv.wrapping_mul(ce as u32).wrapping_add(me as u32) & M30 as u32) as i32);
    cd += i64::from(m[0]) * i64::from(md);
    ce += i64::from(m[0]) * i64::from(me);
    cd >>= 30;
    ce >>= 30;
    for i in 1..N {
        let (di, ei) = (d[i], e[i]);
        cd += i64::from(u) * i64::from(di) + i64::from(v) * i64::from(ei);
        ce += i64::from(q) * i64::from(di) + i64::from(r) * i64::from(ei);
        cd += i64::from(m[i]) * i64::from(md);
        ce += i64::from(m[i]) * i64::from(me);
        d[i - 1] = (cd as i32) & M30;
        cd >>= 30;
        e[i - 1] = (ce as i32) & M30;
        ce >>= 30;
    }
    d[N - 1] = cd as i32;
    e[N - 1] = ce as i32;
}

/// `[f, g] ← t·[f, g] / 2^30` (exact).
fn update_fg<const N: usize>(f: &mut Signed30<N>, g: &mut Signed30<N>, t: &Matrix) {
    let (u, v, q, r) = (t.u, t.v, t.q, t.r);
    let (fi, gi) = (f[0], g[0]);
    let mut cf = i64::from(u) * i64::from(fi) + i64::from(v) * i64::from(gi);
    let mut cg = i64::from(q) * i64::from(fi) + i64::from(r) * i64::from(gi);
    cf >>= 30;
    cg >>= 30;
    for i in 1..N {
        let (fi, gi) = (f[i], g[i]);
        cf += i64::from(u) * i64::from(fi) + i64::from(v) * i64::from(gi);
        cg += i64::from(q) * i64::from(fi) + i64::from(r) * i64::from(gi);
        f[i - 1] = (cf as i32) & M30;
        cf >>= 30;
        g[i - 1] = (cg as i32) & M30;
        cg >>= 30;
    }
    f[N - 1] = cf as i32;
    g[N - 1] = cg as i32;
}

/// `r` (in `(−2m, m)`) negated when `sign` is −1, brought into `[0, m)`.
fn normalize<const N: usize>(r: &mut Signed30<N>, sign: i32, m: &Signed30<N>) {
    // Add m when r < 0, then negate when asked: now in (−m, m).
    let add = r[N - 1] >> 31;
    for (limb, &mi) in r.iter_mut().zip(m) {
        *limb = limb.wrapping_add(mi & add);
        *limb = (*limb ^ sign).wrapping_sub(sign);
    }
    carry(r);
    // Add m again when still negative: now in [0, m).
    let add = r[N - 1] >> 31;
    for (limb, &mi) in r.iter_mut().zip(m) {
        *limb = limb.wrapping_add(mi & add);
    }
    carry(r);
}

/// Brings every limb but the top one into `[0, 2^30)`.
fn carry<const N: usize>(r: &mut Signed30<N>) {
    for i in 0..N - 1 {
        r[i + 1] = r[i + 1].wrapping_add(r[i] >> 30);
        r[i] &= M30;
    }
}
