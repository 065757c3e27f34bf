//! Differential: iamjwt-arith's exponentiations (`pow_mod` for secret
//! exponents, `pair::pow_mod_pair` for two at once, `pow_public` for public
//! ones) and inversion against crypto-bigint's on any odd modulus, base and
//! exponent the bytes describe. A panic or a different answer is a crash.
#![no_main]
use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, NonZero, Odd, Resize};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // [slack][modulus length][exponent length] modulus ‖ exponent ‖ base.
    // The exponent length byte's top bit adds 128 bytes to the modulus:
    // up to 383 bytes (3064 bits, 110 limbs), past the 78 limbs of
    // RSA-4096's blinded primes, which the pair runs with constant bounds.
    // Exponents up to 32 bytes: the limb loops depend on the modulus, and
    // short exponents keep the runs fast.
    let [slack, m_len, e_len, rest @ ..] = data else { return };
    let m_len = usize::from(*m_len).max(1) + 128 * usize::from(*e_len >> 7);
    let e_len = usize::from((*e_len & 0x7f) % 33).max(1);
    if rest.len() < m_len + e_len {
        return;
    }
    let (m_bytes, rest) = rest.split_at(m_len);
    let (e_bytes, b_bytes) = rest.split_at(e_len);
    let mut m_bytes = m_bytes.to_vec();
    *m_bytes.last_mut().unwrap() |= 1; // odd
    let m = BoxedUint::from_be_slice_vartime(&m_bytes);
    let Some(odd) = Odd::new(m.clone()).into_option() else { return };
    let e = BoxedUint::from_be_slice_vartime(e_bytes);
    let base = BoxedUint::from_be_slice_vartime(b_bytes);

    let bound = m.bit_width_vartime() + u32::from(*slack % 64);
    let got = iamjwt::montgomery::pow_mod(&base, &e, &odd, bound);

    let precision = m.bits_precision();
    let wide = base.bits_precision().max(precision);
    let reduced = (&base)
        .resize_unchecked(wide)
        .rem_vartime(&NonZero::new((&m).resize_unchecked(wide)).unwrap())
        .resize_unchecked(precision);
    let inverse = iamjwt_arith::invert::invert_odd_mod(&reduced, &odd);
    assert_eq!(inverse, reduced.invert_odd_mod(&odd).into_option(), "m={m} x={reduced}");

    let params = BoxedMontyParams::new(odd.clone());
    let public = iamjwt::montgomery::pow_public(&base, &e, &params);
    let reference = |base: &BoxedUint, e: &BoxedUint, params: &BoxedMontyParams| {
        let m = params.modulus().as_ref();
        let wide = base.bits_precision().max(m.bits_precision());
        let reduced = base
            .resize_unchecked(wide)
            .rem_vartime(&NonZero::new(m.resize_unchecked(wide)).unwrap())
            .resize_unchecked(m.bits_precision());
        BoxedMontyForm::new(reduced, params).pow(e).retrieve()
    };
    let want = reference(&base, &e, &params);

    // The pair: a second modulus of the same length (its low byte flipped,
    // still odd), exponent and base derived from the first.
    let mut m2_bytes = m_bytes.clone();
    *m2_bytes.last_mut().unwrap() ^= slack & 0xfe;
    let m2 = BoxedUint::from_be_slice_vartime(&m2_bytes).resize_unchecked(precision);
    let odd2 = Odd::new(m2.clone()).unwrap();
    let params2 = BoxedMontyParams::new(odd2.clone());
    let e2 = BoxedUint::from_be_slice_vartime(&e_bytes.iter().rev().copied().collect::<Vec<_>>());
    let e2 = e2.resize_unchecked(e.bits_precision());
    let base2 = base.wrapping_add(&BoxedUint::one());
    let bound2 = m2.bit_width_vartime().max(bound);
    match iamjwt_arith::pair::pow_mod_pair([&base, &base2], [&e, &e2], [&odd, &odd2], [bound, bound2]) {
        Some([a, b]) => {
            assert_eq!(a, want, "pair m={m} e={e} base={base} bound={bound}");
            assert_eq!(b, reference(&base2, &e2, &params2), "pair m2={m2} e2={e2} base2={base2} bound={bound2}");
        }
        None => assert!(bound.div_ceil(28) as usize + 1 > iamjwt::montgomery::MAX_LIMBS),
    }
    match got {
        Some(got) => assert_eq!(got, want, "m={m} e={e} base={base} bound={bound}"),
        None => assert!(bound.div_ceil(28) as usize + 1 > iamjwt::montgomery::MAX_LIMBS),
    }
    // Moduli here are at most 3064 bits, which the kernel always takes.
    assert_eq!(public, Some(want), "pow_public m={m} e={e} base={base}");
});
