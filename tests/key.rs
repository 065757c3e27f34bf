//! Private keys from PEM and DER: rsa builds and checks them, the core says
//! why one is refused; the PKCS#8 that platform signers import; and the
//! check that stops a faulty RSA result from leaving.
mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::fixture;
use crypto_bigint::Resize as _;
use iamjwt::{key, ps256};
use rsa::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
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

/// A DER TLV.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// A nonnegative DER INTEGER.
fn integer(x: &BoxedUint) -> Vec<u8> {
    let be = x.to_be_bytes();
    let mut digits: Vec<u8> = be.iter().copied().skip_while(|&b| b == 0).collect();
    if digits.first().is_none_or(|&b| b & 0x80 != 0) {
        digits.insert(0, 0);
    }
    tlv(0x02, &digits)
}

/// `numbers` as an `RSA PRIVATE KEY` PEM (PKCS#1), with the CRT values
/// a file would carry (the core does not trust them; any will do).
fn pkcs1_pem(x: &Numbers) -> String {
    let zero = BoxedUint::zero();
    let body: Vec<u8> = [&zero, &x.n, &x.e, &x.d, &x.p, &x.q, &zero, &zero, &zero]
        .into_iter()
        .flat_map(integer)
        .collect();
    let der = tlv(0x30, &body);
    format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
        STANDARD.encode(der)
    )
}

/// A nonnegative `a + b`, wide enough for both.
fn add(a: &BoxedUint, b: &BoxedUint) -> BoxedUint {
    let bits = a.bits_precision().max(b.bits_precision()) + 64;
    a.resize(bits).wrapping_add(b.resize(bits))
}

#[test]
fn a_key_from_its_numbers_is_rsas_key() {
    let (x, theirs) = numbers("rsa2048.pem");
    let ours = key::der::private_key_from_pem(&pkcs1_pem(&x), "private_key")
        .unwrap()
        .key;
    assert_eq!(
        ours.to_pkcs8_der().unwrap().as_bytes(),
        theirs.to_pkcs8_der().unwrap().as_bytes()
    );
}

#[test]
fn broken_numbers_are_refused_as_damaged() {
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
        let pem = pkcs1_pem(&numbers);
        let err = key::der::private_key_from_pem(&pem, "private_key")
            .err()
            .unwrap_or_else(|| panic!("{what}: accepted"));
        assert_eq!(err.code(), "ERR_KEY_CORRUPT", "{what}: {err}");
        assert_eq!(
            err.to_string(),
            "private_key is damaged: its numbers do not form a valid RSA key",
            "{what}"
        );
    }
    assert!(key::der::private_key_from_pem(&pkcs1_pem(&x), "private_key").is_ok());
}

#[test]
fn zero_padded_numbers_make_signatures_of_the_modulus_width() {
    let (x, _) = numbers("rsa2048.pem");
    let wide = |v: &BoxedUint| v.resize(2048 + 64);
    let padded = Numbers {
        n: wide(&x.n),
        d: wide(&x.d),
        p: wide(&x.p),
        q: wide(&x.q),
        e: x.e.clone(),
    };
    let key = key::der::private_key_from_pem(&pkcs1_pem(&padded), "private_key")
        .unwrap()
        .key;
    assert_eq!(key.n_bits_precision(), 2048);
    let signer = ps256::signing_key(key);
    let signature = ps256::sign_with_rng(&signer, b"m", &mut getrandom::SysRng).unwrap();
    assert_eq!(signature.len(), 256);
}

#[test]
fn swapped_primes_make_a_key_that_signs() {
    let (x, theirs) = numbers("rsa2048.pem");
    let swapped = Numbers {
        p: x.q.clone(),
        q: x.p.clone(),
        ..x
    };
    let key = key::der::private_key_from_pem(&pkcs1_pem(&swapped), "private_key")
        .unwrap()
        .key;
    let signature =
        ps256::sign_with_rng(&ps256::signing_key(key), b"message", &mut getrandom::SysRng).unwrap();
    let verifier = ps256::verifier(theirs.to_public_key());
    ps256::verify(&verifier, b"message", &signature).unwrap();
}

#[test]
fn pkcs8_export_reads_back_as_the_same_key() {
    // 2049 and 3000 bits: odd sizes; 8192: lengths of two bytes.
    for name in [
        "rsa2048.pem",
        "rsa2049.pem",
        "rsa3000.pem",
        "rsa4096.pem",
        "rsa8192.pem",
    ] {
        let json = format!(
            r#"{{"id":"k","service_account_id":"sa","private_key":{}}}"#,
            serde_json::to_string(&fixture(&format!("keys/{name}"))).unwrap()
        );
        let key = iamjwt::AuthorizedKey::from_json(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
        let der = key.to_pkcs8_der().unwrap();
        let again = rsa::PrivateKey::from_pkcs8_der(&der).unwrap();
        assert_eq!(&again, key.private_key(), "{name}");
    }
}

/// A key whose CRT exponent dP is off by two: what a fault in memory or in
/// the arithmetic gives. Everything else is the real key's.
struct FaultyKey {
    key: rsa::PrivateKey,
    dp: BoxedUint,
}

impl PublicKeyParts for FaultyKey {
    fn n(&self) -> &crypto_bigint::NonZero<BoxedUint> {
        self.key.n()
    }
    fn e(&self) -> &BoxedUint {
        self.key.e()
    }
    fn n_params(&self) -> &crypto_bigint::modular::BoxedMontyParams {
        self.key.n_params()
    }
}

impl PrivateKeyParts for FaultyKey {
    fn d(&self) -> &BoxedUint {
        self.key.d()
    }
    fn primes(&self) -> &[crypto_bigint::Odd<BoxedUint>] {
        self.key.primes()
    }
    fn p(&self) -> Option<&crypto_bigint::modular::MontyParams<BoxedUint>> {
        self.key.p()
    }
    fn q(&self) -> Option<&crypto_bigint::modular::MontyParams<BoxedUint>> {
        self.key.q()
    }
    fn dp(&self) -> Option<&BoxedUint> {
        Some(&self.dp)
    }
    fn dq(&self) -> Option<&BoxedUint> {
        self.key.dq()
    }
    fn qinv(&self) -> Option<&crypto_bigint::modular::BoxedMontyForm> {
        self.key.qinv()
    }
    fn crt_values(&self) -> Option<&[rsa::CrtValue]> {
        None
    }
}

/// rsa's PSS signer (`pss::SigningKey`, what `ps256::sign_with_rng` calls)
/// runs its private operation through `rsa_decrypt_and_check`, which raises
/// the result to e and compares it with the input before returning it. A
/// CRT fault is caught there: the faulty key's result is refused, the true
/// key's is returned.
#[test]
fn a_faulty_crt_result_is_refused_by_rsas_check() {
    let (_, key) = numbers("rsa2048.pem");
    let c = BoxedUint::from(0x1234_5678u32).resize_unchecked(key.n_bits_precision());
    let mut rng = getrandom::SysRng;
    let good = rsa::hazmat::rsa_decrypt_and_check(&key, Some(&mut rng), &c).unwrap();
    assert_eq!(rsa::hazmat::rsa_encrypt(&key, &good).unwrap(), c);

    let dp = key.dp().unwrap().wrapping_add(BoxedUint::from(2u32));
    let faulty = FaultyKey { key, dp };
    // Unchecked, the fault gives a wrong result...
    let wrong = rsa::hazmat::rsa_decrypt(Some(&mut rng), &faulty, &c).unwrap();
    assert_ne!(wrong, good);
    // ...which the checked operation refuses.
    assert!(rsa::hazmat::rsa_decrypt_and_check(&faulty, Some(&mut rng), &c).is_err());
}

/// A platform signer's output is verified by the core before it becomes a
/// JWT: a corrupted signature gives ERR_CRYPTO, never a token.
#[test]
fn a_platform_signature_is_verified_before_the_jwt_is_finished() {
    let key = common::key_2048();
    let options = iamjwt::jwt::SignOptions::new(1_790_000_000);
    let input = iamjwt::jwt::signing_input(&key, &options).unwrap();
    let mut signature =
        ps256::sign_with_rng(key.signing_key(), input.as_bytes(), &mut getrandom::SysRng).unwrap();
    let token = iamjwt::jwt::finish_verified(key.verifier(), input.clone(), &signature).unwrap();
    assert!(token.starts_with(&input));
    signature[17] ^= 1;
    let err = iamjwt::jwt::finish_verified(key.verifier(), input, &signature).unwrap_err();
    assert_eq!(err.code(), "ERR_CRYPTO");
}

#[test]
fn a_failing_rng_is_reported_as_such() {
    struct Broken;
    impl rsa::rand_core::TryRng for Broken {
        type Error = core::fmt::Error;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            Err(core::fmt::Error)
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            Err(core::fmt::Error)
        }
        fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), Self::Error> {
            Err(core::fmt::Error)
        }
    }
    impl rsa::rand_core::TryCryptoRng for Broken {}
    let key = common::key_2048();
    let err = ps256::sign_with_rng(key.signing_key(), b"m", &mut Broken).unwrap_err();
    assert_eq!(err.code(), "ERR_RNG");
}

/// The public JWK the platform verifier imports is the key's own n and e.
#[test]
fn the_public_jwk_is_the_keys_n_and_e() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    for name in ["key-2048.json", "key-4096.json"] {
        let key = iamjwt::AuthorizedKey::from_json(&fixture(name)).unwrap();
        let jwk: serde_json::Value = serde_json::from_str(&key.public_jwk()).unwrap();
        let public: &rsa::PublicKey = key.verifier().as_ref();
        let number = |field: &str| {
            URL_SAFE_NO_PAD
                .decode(jwk[field].as_str().unwrap())
                .unwrap()
        };
        assert_eq!(jwk["kty"], "RSA", "{name}");
        assert_eq!(
            number("n"),
            public.n().to_be_bytes_trimmed_vartime().to_vec(),
            "{name}"
        );
        assert_eq!(number("e"), [1, 0, 1], "{name}");
        assert_eq!(
            number("n").len() * 8,
            key.modulus_bits() as usize,
            "{name}: no leading zero byte"
        );
    }
}
