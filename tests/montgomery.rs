//! The arithmetic of iamjwt-arith (arith/: the Montgomery exponentiations
//! and the inversion) against crypto-bigint's own, on seeded random moduli,
//! bases and exponents of many sizes, and the PS256 signer built on it
//! against rsa's verifier.
mod common;

use iamjwt::montgomery::{pow_mod, pow_public, MAX_LIMBS};
use iamjwt_arith::invert::invert_odd_mod;
use iamjwt_arith::pair::{self, pow_mod_pair};
use rsa::traits::PublicKeyParts;
use rsa::BoxedUint;
use rsa::{pss, signature::Verifier};

/// xorshift64*: a fixed stream, so a failure names its seed.
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// An integer of exactly `bits` bits (top bit set) in `precision`
    /// bits; odd when `odd`.
    fn uint_with(&mut self, bits: u32, precision: u32, odd: bool) -> BoxedUint {
        let mut bytes: Vec<u8> = (0..bits.div_ceil(8)).map(|_| self.next() as u8).collect();
        let extra = bytes.len() as u32 * 8 - bits;
        bytes[0] = (bytes[0] & (0xff >> extra)) | (0x80 >> extra);
        if odd {
            *bytes.last_mut().unwrap() |= 1;
        }
        BoxedUint::from_be_slice(&bytes, precision).unwrap()
    }

    fn uint(&mut self, bits: u32, precision: u32) -> BoxedUint {
        self.uint_with(bits, precision, false)
    }

    fn odd(&mut self, bits: u32, precision: u32) -> BoxedUint {
        self.uint_with(bits, precision, true)
    }
}

fn reference(base: &BoxedUint, exponent: &BoxedUint, modulus: &BoxedUint) -> BoxedUint {
    use crypto_bigint::Resize;
    let odd = crypto_bigint::Odd::new(modulus.clone()).unwrap();
    let params = crypto_bigint::modular::BoxedMontyParams::new(odd);
    let reduced = base
        .resize_unchecked(base.bits_precision().max(modulus.bits_precision()))
        .rem_vartime(&crypto_bigint::NonZero::new(modulus.clone()).unwrap())
        .resize_unchecked(modulus.bits_precision());
    crypto_bigint::modular::BoxedMontyForm::new(reduced, &params)
        .pow(exponent)
        .retrieve()
}

#[test]
fn matches_crypto_bigint_on_random_inputs() {
    let mut s = Stream(0x1a2b_3c4d_5e6f_7081);
    let mut cases = 0;
    for modulus_bits in [
        2u32, 28, 29, 56, 64, 65, 127, 512, 1024, 1153, 1184, 1536, 2048, 2179, 3600, 4225,
    ] {
        for round in 0..4 {
            let precision = modulus_bits.next_multiple_of(64);
            let m = s.odd(modulus_bits, precision);
            // Bases below, equal to and above the modulus; 0 and 1.
            let base = match round {
                0 => BoxedUint::zero_with_precision(precision),
                1 => s.uint(modulus_bits.saturating_sub(1).max(1), precision),
                2 => m.clone(),
                _ => s.uint(2 * precision, 2 * precision),
            };
            for exponent_bits in [1, 5, 17, 64, 1024 + 128] {
                let e = s.uint(exponent_bits, exponent_bits.next_multiple_of(64));
                let odd = crypto_bigint::Odd::new(m.clone()).unwrap();
                // The exact bound and a looser one give the same answer.
                for bound in [modulus_bits, modulus_bits + 131] {
                    let got = pow_mod(&base, &e, &odd, bound).unwrap();
                    assert_eq!(
                        got,
                        reference(&base, &e, &m),
                        "modulus {modulus_bits} bits, round {round}, exponent {exponent_bits} bits, bound {bound}"
                    );
                    cases += 1;
                }
            }
        }
    }
    assert_eq!(cases, 16 * 4 * 5 * 2);
}

#[test]
fn pow_public_matches_crypto_bigint() {
    let mut s = Stream(0x05ee_d0fe);
    let mut cases = 0;
    // Up to the largest modulus the kernel takes (255 limbs of 28 bits,
    // less the two bits of headroom).
    for modulus_bits in [2u32, 28, 29, 65, 1024, 2048, 3000, 4096, 28 * 255 - 2] {
        let precision = modulus_bits.next_multiple_of(64);
        let m = s.odd(modulus_bits, precision);
        let odd = crypto_bigint::Odd::new(m.clone()).unwrap();
        let params = crypto_bigint::modular::BoxedMontyParams::new(odd);
        // Bases of the modulus's precision enter Montgomery form through
        // crypto-bigint's parameters when the limbs' R is less than a word
        // past theirs (1024, 2048, 3000 and 4096 bits here); wider bases
        // and other sizes by a remainder.
        let bases = [
            BoxedUint::zero_with_precision(precision),
            s.uint(modulus_bits.saturating_sub(1).max(1), precision),
            m.clone(),
            m.wrapping_sub(BoxedUint::one()),
            s.uint(2 * precision, 2 * precision),
        ];
        for base in &bases {
            let exponents = [
                BoxedUint::zero_with_precision(64),
                BoxedUint::one(),
                BoxedUint::from(3u64),
                BoxedUint::from(65537u64),
                s.uint(64, 64),
                s.uint(200, 256),
            ];
            for e in &exponents {
                assert_eq!(
                    pow_public(base, e, &params).unwrap(),
                    reference(base, e, &m),
                    "modulus {modulus_bits} bits, exponent {e}"
                );
                cases += 1;
            }
        }
    }
    assert_eq!(cases, 9 * 5 * 6);
    // All-ones moduli (every limb full), with bases at the top of their
    // range; the entry into Montgomery form is the doubling one.
    for modulus_bits in [1024u32, 2048, 4096] {
        let m = BoxedUint::max(modulus_bits);
        let odd = crypto_bigint::Odd::new(m.clone()).unwrap();
        let params = crypto_bigint::modular::BoxedMontyParams::new(odd);
        for base in [
            m.wrapping_sub(BoxedUint::one()),
            m.wrapping_sub(BoxedUint::from(2u64)),
            m.shr(1),
            s.uint(modulus_bits, modulus_bits),
        ] {
            for e in [BoxedUint::from(65537u64), s.uint(64, 64)] {
                assert_eq!(
                    pow_public(&base, &e, &params).unwrap(),
                    reference(&base, &e, &m),
                    "all-ones modulus of {modulus_bits} bits"
                );
            }
        }
    }
    let too_big = crypto_bigint::Odd::new(s.odd(28 * 255 - 1, 7168)).unwrap();
    let too_big = crypto_bigint::modular::BoxedMontyParams::new(too_big);
    assert!(pow_public(&BoxedUint::one(), &BoxedUint::from(3u64), &too_big).is_none());
}

#[test]
fn invert_matches_crypto_bigint_on_every_path() {
    use crypto_bigint::{NonZero, Odd, Resize};
    let mut s = Stream(0x010f_1e55);
    // 1024 and 2048 bits of precision take the fixed-size paths (so do
    // smaller precisions, widened), the others the boxed one; moduli
    // shorter than their precision too.
    for (modulus_bits, precision) in [
        (61u32, 64u32),
        (1000, 1024),
        (1024, 1024),
        (1153, 1216),
        (2048, 2048),
        (1500, 2048),
        (2049, 2112),
        (3072, 3072),
    ] {
        for _ in 0..4 {
            let m = s.odd(modulus_bits, precision);
            let odd = Odd::new(m.clone()).unwrap();
            let x = s
                .uint(precision + 64, precision + 64)
                .rem_vartime(&NonZero::new(m.resize_unchecked(precision + 64)).unwrap())
                .resize_unchecked(precision);
            let got = invert_odd_mod(&x, &odd);
            let want = x.invert_odd_mod(&odd).into_option();
            assert_eq!(got, want, "modulus {modulus_bits} bits in {precision}");
            if let Some(inverse) = got {
                assert_eq!(inverse.bits_precision(), precision);
                assert_eq!(
                    x.mul_mod(&inverse, odd.as_nz_ref()),
                    BoxedUint::one_with_precision(precision)
                );
            }
        }
        // A shared factor: no inverse, on every path.
        let three = BoxedUint::from(3u64).resize_unchecked(precision);
        let m = s.odd(modulus_bits - 2, precision).wrapping_mul(&three);
        let x = BoxedUint::from(6u64).resize_unchecked(precision);
        assert_eq!(
            invert_odd_mod(&x, &Odd::new(m).unwrap()),
            None,
            "{precision}"
        );
        // Zero has no inverse either.
        let m = Odd::new(s.odd(modulus_bits, precision)).unwrap();
        assert_eq!(
            invert_odd_mod(&BoxedUint::zero_with_precision(precision), &m),
            None
        );
    }
}

#[test]
fn invert_matches_crypto_bigint_on_many_inputs() {
    use crypto_bigint::{NonZero, Odd, Resize};
    let mut s = Stream(0x1_0f1e_55ed);
    // Random moduli of both 30-bit-limb sizes, moduli shorter than their
    // precision, and the edges: all ones, 2^(b−1) + 1, and 3.
    let mut moduli = vec![];
    for (bits, precision, count) in [
        (1024u32, 1024u32, 24),
        (2048, 2048, 8),
        (700, 1024, 8),
        (1100, 2048, 8),
    ] {
        for _ in 0..count {
            moduli.push((s.odd(bits, precision), precision));
        }
    }
    for precision in [1024u32, 2048] {
        let ones = BoxedUint::one_with_precision(precision)
            .shl(precision - 1)
            .wrapping_sub(BoxedUint::one())
            .shl(1)
            .wrapping_add(BoxedUint::one());
        let top_and_one = BoxedUint::one_with_precision(precision)
            .shl(precision - 1)
            .wrapping_add(BoxedUint::one());
        moduli.push((ones, precision));
        moduli.push((top_and_one, precision));
        moduli.push((BoxedUint::from(3u64).resize_unchecked(precision), precision));
    }
    let mut cases = 0;
    for (m, precision) in &moduli {
        let odd = Odd::new(m.clone()).unwrap();
        let below = |x: BoxedUint| {
            x.resize_unchecked(precision + 64)
                .rem_vartime(&NonZero::new(m.resize_unchecked(precision + 64)).unwrap())
                .resize_unchecked(*precision)
        };
        let mut xs = vec![
            BoxedUint::one_with_precision(*precision),
            below(BoxedUint::from(2u64)),
            m.wrapping_sub(BoxedUint::one()),
        ];
        for _ in 0..8 {
            xs.push(below(s.uint(precision + 64, precision + 64)));
        }
        for x in &xs {
            let got = invert_odd_mod(x, &odd);
            assert_eq!(got, x.invert_odd_mod(&odd).into_option(), "{m}");
            if let Some(inverse) = got {
                assert_eq!(
                    x.mul_mod(&inverse, odd.as_nz_ref()),
                    below(BoxedUint::one()),
                    "{m}"
                );
            }
            cases += 1;
        }
    }
    assert_eq!(cases, (24 + 8 + 8 + 8 + 6) * 11);
    // Modulo 1, gcd(0, 1) = 1, but 0 still has no inverse (as in
    // crypto-bigint; found by the fuzzer).
    let one = Odd::new(BoxedUint::one_with_precision(1024)).unwrap();
    assert_eq!(
        invert_odd_mod(&BoxedUint::zero_with_precision(1024), &one),
        None
    );
}

#[test]
fn pow_mod_pair_matches_crypto_bigint_in_step_and_one_by_one() {
    use crypto_bigint::Odd;
    let mut s = Stream(0x9a12_0fa1);
    let mut cases = 0;
    // Limb counts (⌈(bits + 2)/28⌉) 1 to 4 (no column pairs, then the
    // first), 42 (constant loop bounds), 43 (odd: a column left over on
    // each side of n), 78 (constant too), 127 (pair::MAX_LIMBS: in step)
    // and 128 (past it: one by one). The second half's bound is one bit
    // more and needs as many limbs.
    let limbs = |bits: u32| (bits + 2).div_ceil(28);
    for bits in [
        2u32, 27, 29, 55, 57, 83, 85, 1153, 1173, 1175, 2179, 3553, 3555,
    ] {
        assert_eq!(limbs(bits), limbs(bits + 1), "{bits}");
        let precision = bits.next_multiple_of(64);
        let m = [s.odd(bits, precision), s.odd(bits, precision)];
        let odd = m.clone().map(|m| Odd::new(m).unwrap());
        for round in 0..3 {
            let bases = match round {
                0 => [
                    s.uint(bits.saturating_sub(1).max(1), precision),
                    m[1].clone(),
                ],
                1 => [
                    BoxedUint::zero_with_precision(precision),
                    s.uint(2 * precision, 2 * precision),
                ],
                _ => [
                    m[0].wrapping_sub(BoxedUint::one()),
                    s.uint(bits.saturating_sub(1).max(1), precision),
                ],
            };
            for exponent_bits in [1u32, 5, 64, 1152] {
                let e = [
                    s.uint(exponent_bits, 1152),
                    s.uint(exponent_bits.max(2) - 1, 1152),
                ];
                let got = pow_mod_pair(
                    [&bases[0], &bases[1]],
                    [&e[0], &e[1]],
                    [&odd[0], &odd[1]],
                    [bits, bits + 1],
                )
                .unwrap();
                for h in 0..2 {
                    assert_eq!(
                        got[h],
                        reference(&bases[h], &e[h], &m[h]),
                        "{bits} bits, round {round}, exponent {exponent_bits} bits, half {h}"
                    );
                }
                cases += 1;
            }
        }
    }
    assert_eq!(cases, 13 * 3 * 4);
    assert_eq!(pair::MAX_LIMBS as u32, limbs(3553));
}

#[test]
fn pow_mod_pair_takes_unequal_halves_one_by_one() {
    use crypto_bigint::Odd;
    let mut s = Stream(0x0dd5);
    let m = [s.odd(1024, 1024), s.odd(1100, 1152)];
    let odd = m.clone().map(|m| Odd::new(m).unwrap());
    let x = [s.uint(1000, 1024), s.uint(1000, 1152)];
    // Each half against crypto-bigint, half h modulo m[moduli[h]].
    let matches = |e: &[BoxedUint; 2], moduli: [usize; 2], bounds: [u32; 2]| {
        let got = pow_mod_pair(
            [&x[0], &x[1]],
            [&e[0], &e[1]],
            [&odd[moduli[0]], &odd[moduli[1]]],
            bounds,
        )
        .unwrap();
        for h in 0..2 {
            assert_eq!(got[h], reference(&x[h], &e[h], &m[moduli[h]]), "half {h}");
        }
    };
    // Different limb counts; then the same count but exponents of
    // different precisions.
    matches(
        &[s.uint(1152, 1152), s.uint(1152, 1152)],
        [0, 1],
        [1024, 1100],
    );
    let e = [s.uint(1152, 1152), s.uint(1200, 1216)];
    matches(&e, [0, 0], [1024, 1024]);
    // A bound below a modulus's length, or past the kernel's limb limit.
    assert!(pow_mod_pair(
        [&x[0], &x[1]],
        [&e[0], &e[0]],
        [&odd[0], &odd[1]],
        [1024, 1099]
    )
    .is_none());
    let too_many = (MAX_LIMBS as u32 + 1) * 28;
    assert!(pow_mod_pair(
        [&x[0], &x[1]],
        [&e[0], &e[0]],
        [&odd[0], &odd[1]],
        [too_many, too_many]
    )
    .is_none());
}

#[test]
fn pow_mod_pair_column_sums_at_their_largest_still_match() {
    // Moduli whose every limb is 2^28 − 1, at 42 and 78 limbs (constant
    // loop bounds) and at the pair kernel's limit of 127: the largest digit
    // products. Debug builds trap on overflow, so a column passing 2^64
    // fails here.
    use crypto_bigint::Odd;
    let mut s = Stream(0xa11_0e5);
    for limbs in [42u32, 78, pair::MAX_LIMBS as u32] {
        let bits = 28 * limbs - 2;
        let precision = bits.next_multiple_of(64);
        let m = BoxedUint::one_with_precision(precision)
            .shl(28 * limbs - 2)
            .wrapping_sub(BoxedUint::one());
        assert_eq!(m.bit_width(), 28 * limbs - 2);
        let odd = Odd::new(m.clone()).unwrap();
        let bases = [
            m.wrapping_sub(BoxedUint::one()),
            m.wrapping_sub(BoxedUint::from(2u64)),
        ];
        let e = [s.uint(1152, 1152), s.uint(1152, 1152)];
        let got = pow_mod_pair(
            [&bases[0], &bases[1]],
            [&e[0], &e[1]],
            [&odd, &odd],
            [28 * limbs - 2; 2],
        )
        .unwrap();
        for h in 0..2 {
            assert_eq!(
                got[h],
                reference(&bases[h], &e[h], &m),
                "{limbs} limbs, half {h}"
            );
        }
    }
}

#[test]
fn exponent_zero_gives_one_and_edge_values_stay_reduced() {
    let mut s = Stream(7);
    let m = s.odd(1024, 1024);
    let odd = crypto_bigint::Odd::new(m.clone()).unwrap();
    let zero = BoxedUint::zero_with_precision(64);
    let x = s.uint(1000, 1024);
    assert_eq!(
        pow_mod(&x, &zero, &odd, 1024).unwrap(),
        BoxedUint::one_with_precision(1024)
    );
    // (m − 1)^2 = 1 and (m − 1)^1 = m − 1: values next to the modulus.
    let m_minus_1 = m.wrapping_sub(BoxedUint::one());
    let two = BoxedUint::from(2u64);
    assert_eq!(
        pow_mod(&m_minus_1, &two, &odd, 1024).unwrap(),
        BoxedUint::one_with_precision(1024)
    );
    let one = BoxedUint::one();
    assert_eq!(pow_mod(&m_minus_1, &one, &odd, 1024).unwrap(), m_minus_1);
}

#[test]
fn refuses_a_bound_below_the_modulus_or_past_the_limb_limit() {
    let mut s = Stream(11);
    let m = s.odd(1024, 1024);
    let odd = crypto_bigint::Odd::new(m).unwrap();
    let x = BoxedUint::from(5u64);
    assert!(pow_mod(&x, &x, &odd, 1023).is_none());
    let too_many = (MAX_LIMBS as u32 + 1) * 28;
    assert!(pow_mod(&x, &x, &odd, too_many).is_none());
}

#[test]
fn signatures_verify_with_rsa_and_do_not_depend_on_the_blinding() {
    use rsa::rand_core::{TryCryptoRng, TryRng};
    use std::convert::Infallible;

    /// The same salt every time, then a stream that differs per seed: the
    /// blinding factors change, the signature must not.
    struct FixedSalt(Stream, bool);
    impl TryRng for FixedSalt {
        type Error = Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Infallible> {
            Ok(self.0.next() as u32)
        }
        fn try_next_u64(&mut self) -> Result<u64, Infallible> {
            Ok(self.0.next())
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
            if std::mem::replace(&mut self.1, false) {
                dst.fill(0x5a);
            } else {
                dst.iter_mut().for_each(|b| *b = self.0.next() as u8);
            }
            Ok(())
        }
    }
    impl TryCryptoRng for FixedSalt {}

    for name in ["key-2048.json", "key-4096.json"] {
        let key = iamjwt::AuthorizedKey::from_json(&common::fixture(name)).unwrap();
        let verifier = pss::VerifyingKey::<sha2::Sha256>::new_with_salt_len(
            key.private_key().to_public_key(),
            32,
        );
        let message = b"header.payload";
        let signatures: Vec<Vec<u8>> = (1..=4)
            .map(|seed| {
                let mut rng = FixedSalt(Stream(seed), true);
                iamjwt::ps256::sign_with_rng(key.private_key(), message, &mut rng).unwrap()
            })
            .collect();
        assert!(signatures.windows(2).all(|w| w[0] == w[1]), "{name}");
        assert_eq!(signatures[0].len(), key.private_key().size(), "{name}");
        let signature = pss::Signature::try_from(signatures[0].as_slice()).unwrap();
        verifier.verify(message, &signature).unwrap();
    }
}

#[test]
fn a_failing_rng_is_an_error() {
    use rsa::rand_core::{TryCryptoRng, TryRng};

    /// Gives `left` draws, then fails.
    struct Failing(usize);
    impl TryRng for Failing {
        type Error = core::fmt::Error;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            Err(core::fmt::Error)
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            Err(core::fmt::Error)
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            if self.0 == 0 {
                return Err(core::fmt::Error);
            }
            self.0 -= 1;
            dst.fill(1);
            Ok(())
        }
    }
    impl TryCryptoRng for Failing {}

    let key = common::key_2048();
    // The salt, the base blinding, then each exponent and modulus factor.
    for left in 0..6 {
        let result = iamjwt::ps256::sign_with_rng(key.private_key(), b"m", &mut Failing(left));
        assert_eq!(
            result,
            Err(iamjwt::Error::Rng),
            "failing after {left} draws"
        );
    }
}

#[test]
fn signs_with_the_largest_key_accepted() {
    // 8192 bits: the blinded primes need 151 limbs, where column sums
    // overflow a u64 and the split carry takes over.
    let pem = include_str!("fixtures/keys/rsa8192.pem");
    let key = iamjwt::key::private_key_from_pem(pem, "private_key")
        .unwrap()
        .key;
    let signature = iamjwt::ps256::sign_with_rng(&key, b"m", &mut getrandom::SysRng).unwrap();
    let verifier = pss::VerifyingKey::<sha2::Sha256>::new_with_salt_len(key.to_public_key(), 32);
    verifier
        .verify(
            b"m",
            &pss::Signature::try_from(signature.as_slice()).unwrap(),
        )
        .unwrap();
}

#[test]
fn all_ones_limbs_overflow_the_column_sums_and_still_match() {
    // Moduli whose every limb is 2^28 − 1, up to the 151 limbs of an
    // 8192-bit key's blinded primes: the largest reduction terms. (Whether
    // a column passes 2^64 depends on the Montgomery digits too; the carry
    // past 64 bits is tested on its own in src/montgomery.rs.)
    let mut s = Stream(99);
    for bits in [1153u32, 2179, 4225] {
        let precision = bits.next_multiple_of(64);
        let m = BoxedUint::one_with_precision(precision)
            .shl(bits)
            .wrapping_sub(BoxedUint::one());
        assert_eq!(m.bit_width(), bits);
        let odd = crypto_bigint::Odd::new(m.clone()).unwrap();
        for base in [
            m.wrapping_sub(BoxedUint::one()),
            m.wrapping_sub(BoxedUint::from(2u64)),
            m.shr(1),
        ] {
            let e = s.uint(1152, 1152);
            assert_eq!(
                pow_mod(&base, &e, &odd, bits).unwrap(),
                reference(&base, &e, &m),
                "2^{bits} − 1"
            );
        }
    }
}

#[test]
fn odd_sizes_sign_and_verify() {
    // 2049 bits: EMSA-PSS's encoded message is one byte shorter than the
    // modulus (em_bits = 2048). 3000 bits: primes of 1500 bits, a limb count
    // with no dedicated kernel.
    for (name, bits) in [("rsa2049.pem", 2049), ("rsa3000.pem", 3000)] {
        let pem = std::fs::read_to_string(common::fixture_path(&format!("keys/{name}"))).unwrap();
        let key = iamjwt::key::private_key_from_pem(&pem, "private_key")
            .unwrap()
            .key;
        assert_eq!(key.n().as_ref().bit_width(), bits);
        let verifier =
            pss::VerifyingKey::<sha2::Sha256>::new_with_salt_len(key.to_public_key(), 32);
        for message in [&b""[..], b"m", &[0xa5; 1000]] {
            let signature =
                iamjwt::ps256::sign_with_rng(&key, message, &mut getrandom::SysRng).unwrap();
            assert_eq!(signature.len(), (bits as usize).div_ceil(8), "{name}");
            verifier
                .verify(
                    message,
                    &pss::Signature::try_from(signature.as_slice()).unwrap(),
                )
                .unwrap();
        }
    }
}
