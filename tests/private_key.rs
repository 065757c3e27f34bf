//! The core's own key construction: it takes what rsa takes, computes the
//! same CRT values, and refuses each kind of broken key.
mod common;

use common::fixture;
use crypto_bigint::Resize as _;
use iamjwt::private_key::PrivateKey;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::traits::{PrivateKeyParts as _, PublicKeyParts as _};
use rsa::BoxedUint;

/// The numbers of a fixture key, as rsa decodes them: n, e, d, p, q.
struct Numbers {
    n: BoxedUint,
    e: BoxedUint,
    d: BoxedUint,
    p: BoxedUint,
    q: BoxedUint,
}

fn numbers(name: &str) -> (Numbers, rsa::PrivateKey) {
    let key = rsa::PrivateKey::from_pkcs8_pem(&fixture(&format!("keys/{name}"))).unwrap();
    let [p, q] = key.primes() else {
        panic!("{name}: not two primes")
    };
    let numbers = Numbers {
        n: key.n().as_ref().clone(),
        e: key.e().clone(),
        d: key.d().clone(),
        p: p.as_ref().clone(),
        q: q.as_ref().clone(),
    };
    (numbers, key)
}

fn build(x: &Numbers) -> Option<PrivateKey> {
    PrivateKey::from_components(
        x.n.clone(),
        x.e.clone(),
        x.d.clone(),
        x.p.clone(),
        x.q.clone(),
    )
}

/// A nonnegative `a + b`, wide enough for both.
fn add(a: &BoxedUint, b: &BoxedUint) -> BoxedUint {
    let bits = a.bits_precision().max(b.bits_precision()) + 64;
    a.resize(bits).wrapping_add(b.resize(bits))
}

#[test]
fn the_same_numbers_as_rsa() {
    for name in ["rsa2048.pem", "rsa2049.pem", "rsa3000.pem", "rsa4096.pem"] {
        let (x, theirs) = numbers(name);
        let ours = build(&x).unwrap_or_else(|| panic!("{name}: refused"));
        assert_eq!(ours.n(), theirs.n(), "{name}");
        assert_eq!(ours.n_bits_precision(), theirs.n_bits_precision(), "{name}");
        assert_eq!(ours.d(), theirs.d(), "{name}");
        assert_eq!(
            ours.d().bits_precision(),
            theirs.d().bits_precision(),
            "{name}"
        );
        let [p, q] = ours.primes();
        assert_eq!([p, q], [&theirs.primes()[0], &theirs.primes()[1]], "{name}");
        assert_eq!(
            p.bits_precision(),
            theirs.primes()[0].bits_precision(),
            "{name}"
        );
        assert_eq!(Some(ours.dp()), theirs.dp(), "{name}");
        assert_eq!(Some(ours.dq()), theirs.dq(), "{name}");
        assert_eq!(
            ours.qinv().retrieve(),
            theirs.qinv().unwrap().retrieve(),
            "{name}"
        );
        // Decoded from the file, e is kept at its own length (one limb),
        // not at n's, as rsa keeps it: the public operation follows it.
        let decoded = iamjwt::key::private_key_from_pem(&fixture(&format!("keys/{name}")), "k")
            .unwrap()
            .key;
        assert_eq!(decoded.e(), theirs.e(), "{name}");
        assert_eq!(
            decoded.e().bits_precision(),
            theirs.e().bits_precision(),
            "{name}"
        );
        assert_eq!(
            decoded.n_bits_precision(),
            theirs.n_bits_precision(),
            "{name}"
        );
        // rsa's key converts, and to the same numbers.
        let converted = PrivateKey::try_from(&theirs).unwrap();
        assert_eq!(converted.dp(), ours.dp(), "{name}");
        assert_eq!(
            rsa::PublicKey::from(&ours),
            theirs.to_public_key(),
            "{name}"
        );
    }
}

#[test]
fn zero_padded_numbers_are_trimmed_to_the_modulus() {
    // An encoding may give n with a leading zero byte: the key keeps n at
    // its own length, so signatures have the right width.
    let (x, _) = numbers("rsa2048.pem");
    let wide = |v: &BoxedUint| v.resize(2048 + 64);
    let key =
        PrivateKey::from_components(wide(&x.n), x.e.clone(), wide(&x.d), wide(&x.p), wide(&x.q))
            .unwrap();
    assert_eq!(key.n_bits_precision(), 2048);
    assert_eq!(key.size(), 256);
    assert_eq!(key.primes()[0].bits_precision(), 1024);
}

#[test]
fn swapped_primes_make_a_key_that_signs() {
    let (x, theirs) = numbers("rsa2048.pem");
    let swapped = Numbers {
        p: x.q.clone(),
        q: x.p.clone(),
        ..x
    };
    let key = build(&swapped).unwrap();
    let mut rng = getrandom::SysRng;
    let signature = iamjwt::ps256::sign_with_rng(&key, b"message", &mut rng).unwrap();
    let verifier = iamjwt::ps256::verifier(theirs.to_public_key());
    iamjwt::ps256::verify(&verifier, b"message", &signature).unwrap();
}

#[test]
fn broken_keys_are_refused() {
    let (x, theirs) = numbers("rsa2048.pem");
    let one = BoxedUint::one();
    let two = BoxedUint::from(2u32);
    let phi =
        x.p.wrapping_sub(&one)
            .resize(2048)
            .wrapping_mul(x.q.wrapping_sub(&one).resize(2048));
    // n = p², with a d that satisfies d·e ≡ 1 modulo p−1 (so only the
    // primes' checks can refuse it).
    let p_squared = (&x.p).resize(2048).wrapping_mul((&x.p).resize(2048));
    let dp = theirs.dp().unwrap().clone();
    // d + φ(n) still satisfies d·e ≡ 1 modulo p−1 and q−1, but is not below n.
    let d_plus_phi = add(&x.d, &phi);
    assert!(
        d_plus_phi >= x.n && d_plus_phi.bit_width() <= 2048,
        "the case tests d < n alone"
    );
    let cases: Vec<(&str, Numbers)> = vec![
        (
            "n even",
            Numbers {
                n: add(&x.n, &one),
                ..clone(&x)
            },
        ),
        (
            "n not p·q",
            Numbers {
                n: add(&x.n, &two),
                ..clone(&x)
            },
        ),
        (
            "q not a factor",
            Numbers {
                q: add(&x.q, &two),
                ..clone(&x)
            },
        ),
        (
            "d off by two",
            Numbers {
                d: add(&x.d, &two),
                ..clone(&x)
            },
        ),
        (
            "d not below n",
            Numbers {
                d: d_plus_phi,
                ..clone(&x)
            },
        ),
        (
            "e even",
            Numbers {
                e: BoxedUint::from(65536u32),
                ..clone(&x)
            },
        ),
        (
            "e one",
            Numbers {
                e: one.clone(),
                ..clone(&x)
            },
        ),
        (
            "e past 2^33",
            Numbers {
                e: BoxedUint::from((1u64 << 33) + 1),
                ..clone(&x)
            },
        ),
        (
            "p is n, q is 1",
            Numbers {
                p: x.n.clone(),
                q: one.clone(),
                ..clone(&x)
            },
        ),
        (
            "p is 1, q is n",
            Numbers {
                p: one.clone(),
                q: x.n.clone(),
                ..clone(&x)
            },
        ),
        (
            "p even",
            Numbers {
                p: x.p.wrapping_sub(&one),
                ..clone(&x)
            },
        ),
        (
            "p equals q",
            Numbers {
                n: p_squared,
                d: dp,
                q: x.p.clone(),
                ..clone(&x)
            },
        ),
        (
            "p zero",
            Numbers {
                p: BoxedUint::zero(),
                ..clone(&x)
            },
        ),
    ];
    for (what, numbers) in cases {
        assert!(build(&numbers).is_none(), "{what}: accepted");
    }
    assert!(build(&x).is_some());
}

fn clone(x: &Numbers) -> Numbers {
    Numbers {
        n: x.n.clone(),
        e: x.e.clone(),
        d: x.d.clone(),
        p: x.p.clone(),
        q: x.q.clone(),
    }
}

#[test]
fn debug_shows_the_public_half_only() {
    let (x, _) = numbers("rsa2048.pem");
    let key = build(&x).unwrap();
    let text = format!("{key:?}");
    assert!(text.starts_with("PrivateKey { public: "), "{text}");
    for secret in [&x.d, &x.p, &x.q] {
        let hex = format!("{secret:x}");
        assert!(
            !text.to_lowercase().contains(&hex[hex.len() - 32..]),
            "{text}"
        );
    }
}

#[test]
fn rsa_keys_convert_and_multi_prime_ones_are_refused() {
    let (x, theirs) = numbers("rsa2048.pem");
    let converted = PrivateKey::try_from(&theirs).unwrap();
    assert_eq!(converted.d(), theirs.d());
    let (other, _) = numbers("other2048.pem");
    let three = rsa::PrivateKey::from_primes(vec![x.p, x.q, other.p], x.e).unwrap();
    let err = PrivateKey::try_from(&three).unwrap_err();
    assert_eq!(err.code(), "ERR_KEY_UNSUPPORTED", "{err}");
}
