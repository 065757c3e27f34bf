//! What the parsed key holds that is secret, marked for memcheck: rsa's
//! `PrivateKey` keeps d, the primes, dP, dQ, and qInv in Montgomery form
//! modulo p, and for each prime its Montgomery parameters (the prime, R,
//! R² and the prime's inverse modulo the word base). Only the parameters'
//! leading-zero count is left: a plain `u32` that rsa hands out by value,
//! and the primes' bit length at their public storage width.

use iamjwt::AuthorizedKey;
use rsa::traits::PrivateKeyParts;
use rsa::BoxedUint;

fn words(x: &BoxedUint) -> &[u8] {
    let words = x.as_words();
    // SAFETY: the words are plain integers; viewing them as bytes is sound.
    unsafe { core::slice::from_raw_parts(words.as_ptr().cast(), core::mem::size_of_val(words)) }
}

fn params(p: &crypto_bigint::modular::MontyParams<BoxedUint>) -> [&[u8]; 4] {
    let inv = p.mod_inv().as_words();
    // SAFETY: as in `words`.
    let inv =
        unsafe { core::slice::from_raw_parts(inv.as_ptr().cast(), core::mem::size_of_val(inv)) };
    [
        words(p.modulus().as_ref()),
        words(p.one()),
        words(p.r2()),
        inv,
    ]
}

/// Marks every secret of the key; returns how many bytes.
pub fn mark(key: &AuthorizedKey) -> usize {
    let k = key.private_key();
    let (Some(dp), Some(dq), Some(qinv), Some(p), Some(q)) =
        (k.dp(), k.dq(), k.qinv(), k.p(), k.q())
    else {
        panic!("iamjwt-ct: the key has no CRT values");
    };
    let mut parts: Vec<&[u8]> = vec![
        words(k.d()),
        words(dp),
        words(dq),
        words(qinv.as_montgomery()),
    ];
    parts.extend(k.primes().iter().map(|prime| words(prime.as_ref())));
    parts.extend(params(p));
    parts.extend(params(q));
    parts.extend(params(qinv.params().as_ref()));
    parts
        .iter()
        .map(|bytes| {
            crate::secret(bytes);
            bytes.len()
        })
        .sum()
}

/// One branch on a bit of d: what the gate must catch.
#[cfg(feature = "negative-control-d")]
#[inline(never)]
pub fn negative_control_d(key: &AuthorizedKey) {
    branch_on(
        key.private_key()
            .d()
            .as_words()
            .first()
            .copied()
            .unwrap_or(0),
    );
}

/// One branch on a bit of dP: what the gate must catch.
#[cfg(feature = "negative-control-dp")]
#[inline(never)]
pub fn negative_control_dp(key: &AuthorizedKey) {
    let dp = key.private_key().dp().expect("CRT values");
    branch_on(dp.as_words().first().copied().unwrap_or(0));
}

/// One branch on a blinding byte: what the gate must catch.
#[cfg(feature = "negative-control-blinding")]
#[inline(never)]
pub fn negative_control_blinding(bytes: &[u8]) {
    branch_on(bytes.first().copied().map(u64::from).unwrap_or(0) as _);
}

#[cfg(any(
    feature = "negative-control-d",
    feature = "negative-control-dp",
    feature = "negative-control-blinding"
))]
#[inline(always)]
fn branch_on(word: crypto_bigint::Word) {
    if word & 2 != 0 {
        std::hint::black_box(word);
    }
}
