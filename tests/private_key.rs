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
#[derive(Clone)]
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
        assert_eq!(*ours.qinv(), theirs.qinv().unwrap().retrieve(), "{name}");
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
    // Each case: the fixture's numbers with one change.
    let case = |what: &'static str, change: &dyn Fn(&mut Numbers)| {
        let mut numbers = x.clone();
        change(&mut numbers);
        (what, numbers)
    };
    let cases = [
        case("n even", &|k| k.n = add(&x.n, &one)),
        case("n not p·q", &|k| k.n = add(&x.n, &two)),
        case("q not a factor", &|k| k.q = add(&x.q, &two)),
        case("d off by two", &|k| k.d = add(&x.d, &two)),
        case("d not below n", &|k| k.d = d_plus_phi.clone()),
        case("e even", &|k| k.e = BoxedUint::from(65536u32)),
        case("e one", &|k| k.e = one.clone()),
        case("e past 2^33", &|k| k.e = BoxedUint::from((1u64 << 33) + 1)),
        case("p is n, q is 1", &|k| {
            (k.p, k.q) = (x.n.clone(), one.clone())
        }),
        case("p is 1, q is n", &|k| {
            (k.p, k.q) = (one.clone(), x.n.clone())
        }),
        case("p even", &|k| k.p = x.p.wrapping_sub(&one)),
        case("p equals q", &|k| {
            (k.n, k.d, k.q) = (p_squared.clone(), dp.clone(), x.p.clone());
        }),
        case("p zero", &|k| k.p = BoxedUint::zero()),
    ];
    for (what, numbers) in cases {
        assert!(build(&numbers).is_none(), "{what}: accepted");
    }
    assert!(build(&x).is_some());
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
