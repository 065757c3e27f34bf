//! What the parsed key holds that is secret, marked for memcheck.

use iamjwt::AuthorizedKey;
use rsa::BoxedUint;

fn words(x: &BoxedUint) -> &[u8] {
    let words = x.as_words();
    // SAFETY: the words are plain integers; viewing them as bytes is sound.
    unsafe { core::slice::from_raw_parts(words.as_ptr().cast(), core::mem::size_of_val(words)) }
}

/// Marks d, p, q, dP, dQ and qInv secret; returns how many bytes.
pub fn mark(key: &AuthorizedKey) -> usize {
    let k = key.private_key();
    let [p, q] = k.primes();
    let parts = [k.d(), p.as_ref(), q.as_ref(), k.dp(), k.dq(), k.qinv()];
    parts
        .iter()
        .map(|x| {
            crate::secret(words(x));
            words(x).len()
        })
        .sum()
}

/// One branch on a secret bit: what the gate must catch.
#[cfg(feature = "negative-control")]
#[inline(never)]
pub fn negative_control(key: &AuthorizedKey) {
    let low = key
        .private_key()
        .d()
        .as_words()
        .first()
        .copied()
        .unwrap_or(0);
    if low & 2 != 0 {
        std::hint::black_box(low);
    }
}
